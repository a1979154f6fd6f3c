//! DEX parsing: defined classes, and for each class the sensitive framework methods it invokes,
//! fields it reads and string constants it loads (the kinds of `rules/apis.toml`).
//!
//! The header and id sections are validated up front ([`header`]); a broken one is an error.
//! Class data and code items are read class by class: in the default permissive mode a broken one
//! becomes an anomaly naming the class and offset and the rest of the file is still read
//! ([`DexOptions::strict`] turns it into an error). An unused opcode, or an invoke of a method id
//! out of range, is always an anomaly that stops the walk of that one method.
//!
//! Calls are read from invoke-* (0x6e-0x72), their /range forms (0x74-0x78), invoke-polymorphic
//! (0xfa/0xfb), and invoke-custom (0xfc/0xfd) through its call site's bootstrap method handle.
//! Field reads are iget* (0x52-0x58) and sget* (0x60-0x66); strings, const-string(/jumbo). Each
//! method, field and string id is matched against the catalogue once per file (cached); entries
//! of low confidence only when [`DexOptions::include_low`] is set.
//!
//! Strings are decoded only when needed: class names, and the names of invoked methods and read
//! fields whose class descriptor (compared as raw bytes) is in the API catalogue. Invalid MUTF-8 in a class name
//! is replaced by U+FFFD and recorded as an anomaly (strict mode: an error naming the string index
//! and the offset of the bad byte).

pub mod calls;
mod code;
mod header;
pub mod mutf8;
mod values;

use crate::cursor::{to_usize, Cursor};
use crate::error::ParseError;
use crate::rules::apis::{ApiCatalog, Confidence};
use code::{Ref, WIDTH};
use header::Dex;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};

pub use code::WIDTH as OPCODE_WIDTHS;
pub use header::adler32;
pub use values::DexConstant;

/// A sensitive framework call found in the bytecode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, PartialOrd, Ord)]
pub struct ApiCall {
    /// The calling class, Java form (`com.example.Foo$Bar`).
    pub caller: String,
    /// The invoked method, smali form without the proto (`Landroid/telephony/TelephonyManager;->getDeviceId`).
    pub api: String,
    /// The data type it collects (`imei`, `mac`, ...), from `rules/apis.toml`.
    pub data_type: String,
}

/// What one DEX file contains, as far as an audit cares.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DexSummary {
    /// Archive path (`classes2.dex`, or `assets/plugin.jar!classes.dex` for nested code).
    pub name: String,
    /// DEX format version (35..=41).
    pub version: u32,
    /// True for code outside the APK's top-level `classes*.dex` (loaded dynamically).
    pub secondary: bool,
    /// Defined classes, Java form, in file order.
    pub classes: Vec<String>,
    /// Sensitive framework calls, one per (caller, api).
    pub api_calls: Vec<ApiCall>,
    /// Needles (from [`DexOptions::string_needles`]) found in the string pool.
    pub strings_found: Vec<String>,
    /// String constants of static fields named like a version (`SDK_VERSION_NAME = "6.8.0"`),
    /// at most [`MAX_CONSTANTS`] per file.
    #[serde(skip)]
    pub version_constants: Vec<DexConstant>,
    /// Problems that did not stop parsing (a broken class_data, a bad code item...).
    pub anomalies: Vec<String>,
    /// The file itself, kept for the consent search (when [`DexOptions::call_graph`]).
    #[serde(skip)]
    pub code: Option<std::sync::Arc<calls::DexCode>>,
}

/// What to look for while parsing.
#[derive(Debug, Default, Clone, Copy)]
pub struct DexOptions<'a> {
    /// Substrings to look for in the string pool (SDKs known only from strings).
    pub string_needles: &'a [String],
    /// The sensitive-API catalogue to match calls against; `None` = [`ApiCatalog::builtin`].
    pub apis: Option<&'a ApiCatalog>,
    /// Verify the header's Adler-32 checksum; a mismatch is an anomaly, not an error.
    pub verify_checksum: bool,
    /// Make a broken class_data/code item or a class name in invalid MUTF-8 an error instead of
    /// an anomaly.
    pub strict: bool,
    /// Also report catalogue entries of `confidence = "low"` (generic calls such as
    /// `ContentResolver;->query`, too generic to be findings on their own). Default: skipped.
    pub include_low: bool,
    /// Keep the file for the consent search ([`DexSummary::code`]; set by the archive reader,
    /// which owns the bytes).
    pub call_graph: bool,
}

/// Matches the references met in the bytecode against the catalogue, resolving each method,
/// field and string id once per file. The caches are atomics so that threads walking different
/// classes can share them (a race only resolves an id twice, to the same answer).
struct Matcher<'d, 'a> {
    dex: &'d Dex<'a>,
    catalog: &'d ApiCatalog,
    include_low: bool,
    /// Per id: 0 = not resolved yet, 1 = no rule, r + 2 = rule r. Bounded by the file size (each
    /// id section was checked against it).
    methods: Vec<AtomicU32>,
    fields: Vec<AtomicU32>,
    strings: Vec<AtomicU32>,
    /// Per type id, whether the catalogue has invoke or field entries on it: most method and
    /// field ids belong to the app's own classes, which this settles with no string read.
    types: Vec<AtomicU8>,
}

/// Bits of [`Matcher::types`].
const TYPE_KNOWN: u8 = 1;
const TYPE_HAS_METHODS: u8 = 2;
const TYPE_HAS_FIELDS: u8 = 4;

impl<'d, 'a> Matcher<'d, 'a> {
    fn new(dex: &'d Dex<'a>, catalog: &'d ApiCatalog, include_low: bool) -> Self {
        let slots = |n: usize| (0..n).map(|_| AtomicU32::new(0)).collect();
        Matcher {
            dex,
            catalog,
            include_low,
            methods: slots(dex.methods.count),
            fields: if catalog.has_fields() {
                slots(dex.fields.count)
            } else {
                Vec::new()
            },
            strings: if catalog.has_strings() {
                slots(dex.strings.count)
            } else {
                Vec::new()
            },
            types: (0..dex.types.count).map(|_| AtomicU8::new(0)).collect(),
        }
    }

    /// The [`TYPE_HAS_METHODS`] / [`TYPE_HAS_FIELDS`] bits of type `t` (0 if out of range).
    fn type_flags(&self, t: u16) -> u8 {
        let Some(slot) = self.types.get(usize::from(t)) else {
            return 0;
        };
        let mut v = slot.load(Ordering::Relaxed);
        if v == 0 {
            v = TYPE_KNOWN;
            if let Ok(desc) = self.dex.type_bytes(u32::from(t)) {
                if self.catalog.class_methods(desc).is_some() {
                    v |= TYPE_HAS_METHODS;
                }
                if self.catalog.class_fields(desc).is_some() {
                    v |= TYPE_HAS_FIELDS;
                }
            }
            slot.store(v, Ordering::Relaxed);
        }
        v
    }

    /// The catalogue rule that reference `r` matches, if any; an error for a method id out of
    /// range (field and string ids out of range match nothing).
    fn rule_for(&self, r: Ref) -> Result<Option<usize>, String> {
        let dex = self.dex;
        let (slots, id, kind) = match r {
            Ref::Invoke(m) => (&self.methods, m, Ref::Invoke(m)),
            // invoke-custom: the call site's bootstrap method, when it can be read.
            Ref::InvokeCustom(cs) => match dex.call_site_bootstrap(cs) {
                Some(m) => (&self.methods, m, Ref::Invoke(m)),
                None => return Ok(None),
            },
            Ref::Field(f) => (&self.fields, f, r),
            Ref::String(s) => (&self.strings, s, r),
        };
        let Some(slot) = slots.get(to_usize(id)) else {
            return match kind {
                Ref::Invoke(m) => Err(format!(
                    "invoke of method #{m}, past method_ids_size {}",
                    dex.methods.count
                )),
                _ => Ok(None),
            };
        };
        let mut v = slot.load(Ordering::Relaxed);
        if v == 0 {
            let rule = match kind {
                Ref::Invoke(m) => dex
                    .method(m)
                    .ok()
                    .filter(|id| self.type_flags(id.class_idx) & TYPE_HAS_METHODS != 0)
                    .and_then(|_| resolve_method(dex, self.catalog, m)),
                Ref::Field(f) => dex
                    .field(f)
                    .ok()
                    .filter(|id| self.type_flags(id.class_idx) & TYPE_HAS_FIELDS != 0)
                    .and_then(|_| resolve_field(dex, self.catalog, f)),
                Ref::String(s) => dex
                    .string_bytes(s)
                    .ok()
                    .and_then(|b| self.catalog.match_string(b)),
                Ref::InvokeCustom(_) => None,
            }
            .filter(|&i| {
                self.include_low
                    || self
                        .catalog
                        .get(i)
                        .is_some_and(|r| r.confidence != Confidence::Low)
            });
            v = rule.map_or(1, |r| u32::try_from(r).map_or(1, |r| r.saturating_add(2)));
            slot.store(v, Ordering::Relaxed);
        }
        Ok((v >= 2).then(|| to_usize(v - 2)))
    }
}

/// Parses one DEX file.
pub fn parse_dex(name: &str, data: &[u8], opts: &DexOptions<'_>) -> Result<DexSummary, ParseError> {
    let dex = Dex::parse(data)?;
    let catalog = opts.apis.unwrap_or_else(|| ApiCatalog::builtin());
    let mut s = DexSummary {
        name: name.to_string(),
        version: dex.version,
        ..Default::default()
    };
    if dex.file_size < data.len() {
        s.anomalies.push(format!(
            "{} bytes after the file_size of {} declared in the header",
            data.len() - dex.file_size,
            dex.file_size
        ));
    }
    if opts.verify_checksum {
        let actual = adler32(data.get(12..dex.file_size).unwrap_or_default());
        if actual != dex.checksum {
            s.anomalies.push(format!(
                "checksum mismatch: header says {:#010x}, contents give {actual:#010x}",
                dex.checksum
            ));
        }
    }
    let matcher = Matcher::new(&dex, catalog, opts.include_low);
    // One DEX is read on one thread; the DEX files of an APK are read in parallel by the caller.
    // (Chunks of classes in parallel, with the shared atomic caches of `Matcher`, were measured
    // on the 100,000-class benchmark: no faster on 2 busy cores, 8% more CPU; see BENCHMARKS.md.)
    let part = read_classes(
        &dex,
        &matcher,
        catalog,
        opts.strict,
        0..dex.class_defs.count,
    )?;
    s.classes = part.classes;
    s.api_calls = part.api_calls;
    s.version_constants = part.constants;
    s.anomalies.extend(part.anomalies);
    s.api_calls.sort();
    s.api_calls.dedup();
    s.strings_found = find_strings(&dex, opts.string_needles);
    Ok(s)
}

/// What [`read_classes`] found in a run of class_defs.
#[derive(Default)]
struct Chunk {
    classes: Vec<String>,
    api_calls: Vec<ApiCall>,
    anomalies: Vec<String>,
    constants: Vec<DexConstant>,
}

/// Most version constants kept per DEX file.
pub const MAX_CONSTANTS: usize = 4096;

/// Reads class_defs `range`: names, and the catalogue entries each class's code matches.
fn read_classes(
    dex: &Dex<'_>,
    matcher: &Matcher<'_, '_>,
    catalog: &ApiCatalog,
    strict: bool,
    range: std::ops::Range<usize>,
) -> Result<Chunk, ParseError> {
    let mut out = Chunk::default();
    out.classes.reserve(range.len());
    let mut hits: Vec<usize> = Vec::new();
    // A hostile file can point many methods at one code item and many classes at one
    // class_data_item: each is walked once, and its hits (and problems) reused, so the work stays
    // linear in the file size. Offsets walked are marked in a bit set (one bit per byte of the
    // file); only walks that found something (a hit or a problem) are kept in a map, so a
    // well-formed file, where every offset is met once and most walks find nothing, costs one
    // bit per byte instead of a map entry per method and per class.
    let mut seen_code = OffsetSet::new(dex.data.len());
    let mut seen_class = OffsetSet::new(dex.data.len());
    let mut code_memo: HashMap<u32, (Vec<usize>, Option<code::WalkError>)> = HashMap::new();
    let mut class_memo: HashMap<u32, ClassWalk> = HashMap::new();
    let mut local: Vec<usize> = Vec::new();
    let mut wanted_memo: HashMap<u32, values::Wanted> = HashMap::new();
    // Fields looked at and values skipped while reading version constants, for the whole file.
    let mut budget = dex.data.len().saturating_mul(2).saturating_add(4096);
    for i in range {
        let def = dex.class_def(i)?;
        let class = class_name(dex, def.class_idx, strict, &mut out.anomalies)?;
        if def.static_values_off != 0
            && def.class_data_off != 0
            && out.constants.len() < MAX_CONSTANTS
        {
            read_version_constants(dex, def, &class, &mut wanted_memo, &mut budget, &mut out);
        }
        if def.class_data_off != 0 {
            hits.clear();
            let walked = if seen_class.test_and_set(def.class_data_off) {
                match class_memo.get(&def.class_data_off) {
                    Some((h, walked)) => {
                        hits.extend_from_slice(h);
                        walked.clone()
                    }
                    None => Ok(Vec::new()),
                }
            } else {
                let walked = walk_class_code(dex, def.class_data_off, |code_off, insns| {
                    if seen_code.test_and_set(code_off) {
                        return match code_memo.get(&code_off) {
                            Some((h, err)) => {
                                hits.extend_from_slice(h);
                                err.clone().map_or(Ok(()), Err)
                            }
                            None => Ok(()),
                        };
                    }
                    local.clear();
                    let r = code::walk(insns, |r| {
                        if let Some(rule) = matcher.rule_for(r)? {
                            local.push(rule);
                        }
                        Ok(())
                    });
                    local.sort_unstable();
                    local.dedup();
                    hits.extend_from_slice(&local);
                    if !local.is_empty() || r.is_err() {
                        code_memo.insert(code_off, (local.clone(), r.clone().err()));
                    }
                    r
                })
                .map(|ps| ps.iter().map(ToString::to_string).collect::<Vec<_>>());
                hits.sort_unstable();
                hits.dedup();
                if !hits.is_empty() || walked.as_ref().map_or(true, |p| !p.is_empty()) {
                    class_memo.insert(def.class_data_off, (hits.clone(), walked.clone()));
                }
                walked
            };
            match walked {
                Ok(method_problems) => out.anomalies.extend(
                    method_problems
                        .into_iter()
                        .map(|p| format!("class {class}: {p}")),
                ),
                Err(e) if strict => return Err(e),
                Err(e) => out.anomalies.push(format!("class {class}: {e}")),
            }
            hits.sort_unstable();
            hits.dedup();
            for &h in &hits {
                if let Some(rule) = catalog.get(h) {
                    out.api_calls.push(ApiCall {
                        caller: class.clone(),
                        api: rule.api.clone(),
                        data_type: rule.data_type.clone(),
                    });
                }
            }
        }
        out.classes.push(class);
    }
    Ok(out)
}

/// Adds the version constants of one class to `out` (a problem becomes an anomaly).
fn read_version_constants(
    dex: &Dex<'_>,
    def: header::ClassDef,
    class: &str,
    memo: &mut HashMap<u32, values::Wanted>,
    budget: &mut usize,
    out: &mut Chunk,
) {
    let wanted = match memo.get(&def.class_data_off) {
        Some(w) => w,
        None => {
            let w = values::wanted_fields(dex, def.class_data_off, budget).unwrap_or_else(|e| {
                out.anomalies
                    .push(format!("class {class}: static fields: {e}"));
                Vec::new()
            });
            memo.entry(def.class_data_off).or_insert(w)
        }
    };
    if wanted.is_empty() {
        return;
    }
    match values::read_constants(dex, def.static_values_off, wanted, budget) {
        Ok(found) => {
            for (field, value) in found {
                if out.constants.len() >= MAX_CONSTANTS {
                    break;
                }
                out.constants.push(DexConstant {
                    class: class.to_string(),
                    field,
                    value,
                });
            }
        }
        Err(e) => out
            .anomalies
            .push(format!("class {class}: static values: {e}")),
    }
}

/// A set of file offsets: one bit per byte of the file.
struct OffsetSet(Vec<u64>);

impl OffsetSet {
    fn new(len: usize) -> Self {
        OffsetSet(vec![0; len.div_ceil(64).max(1)])
    }

    /// Whether `off` was in the set; it is afterwards. Offsets past the file are never marked
    /// (their walk fails at once, so memoising them would save nothing).
    fn test_and_set(&mut self, off: u32) -> bool {
        let off = to_usize(off);
        match self.0.get_mut(off / 64) {
            Some(w) => {
                let bit = 1u64 << (off % 64);
                let was = *w & bit != 0;
                *w |= bit;
                was
            }
            None => false,
        }
    }
}

/// What walking one class_data_item gave: its catalogue hits, and its per-method problems or the
/// error that stopped it.
type ClassWalk = (Vec<usize>, Result<Vec<String>, ParseError>);

/// Every method invoked by the methods of `class` (Java form `com.a.B$C` or descriptor
/// `Lcom/a/B$C;`), in bytecode order, duplicates kept, as `Lcls;->name(params)ret`. Empty if the
/// class is not defined here. Strict: any problem in the class's code is an error.
/// invoke-custom lists its call site's bootstrap method when the call site can be read (a call
/// site that cannot be read lists nothing).
pub fn invoked_methods(data: &[u8], class: &str) -> Result<Vec<String>, ParseError> {
    Ok(class_refs(data, class)?
        .map(|r| r.invoked)
        .unwrap_or_default())
}

/// What one class's code refers to (invokes, field reads, string constants).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClassRefs {
    /// Invoked methods, `Lcls;->name(params)ret`, in bytecode order, duplicates kept
    /// (invoke-custom: the bootstrap method of its call site).
    pub invoked: Vec<String>,
    /// Strings loaded by const-string and const-string/jumbo, in bytecode order.
    pub strings: Vec<String>,
    /// Fields read by iget*/sget*, `Lcls;->name:type`, in bytecode order, duplicates kept.
    pub fields: Vec<String>,
}

/// The methods invoked and strings loaded by `class` (see [`invoked_methods`]); `None` if the
/// class is not defined in this DEX.
pub fn class_refs(data: &[u8], class: &str) -> Result<Option<ClassRefs>, ParseError> {
    let dex = Dex::parse(data)?;
    let descriptor = if class.starts_with('L') && class.ends_with(';') {
        mutf8::encode(class)
    } else {
        mutf8::encode(&descriptor(class))
    };
    for i in 0..dex.class_defs.count {
        let def = dex.class_def(i)?;
        if dex.type_bytes(def.class_idx)? != descriptor.as_slice() {
            continue;
        }
        let mut refs = ClassRefs::default();
        if def.class_data_off == 0 {
            return Ok(Some(refs));
        }
        let problems = walk_class(&dex, def.class_data_off, |r| {
            match r {
                Ref::Invoke(m) => refs
                    .invoked
                    .push(method_signature(&dex, m).map_err(|e| e.to_string())?),
                Ref::String(idx) => refs
                    .strings
                    .push(dex.string(idx).map_err(|e| e.to_string())?.into_owned()),
                Ref::InvokeCustom(cs) => {
                    if let Some(m) = dex.call_site_bootstrap(cs) {
                        refs.invoked
                            .push(method_signature(&dex, m).map_err(|e| e.to_string())?);
                    }
                }
                Ref::Field(f) => refs
                    .fields
                    .push(field_signature(&dex, f).map_err(|e| e.to_string())?),
            }
            Ok(())
        })?;
        if let Some(p) = problems.into_iter().next() {
            return Err(ParseError::invalid(
                "code_item",
                p.insn_offset(),
                p.to_string(),
            ));
        }
        return Ok(Some(refs));
    }
    Ok(None)
}

/// `Lcls;->name(params)ret` for method id `m`.
fn method_signature(dex: &Dex<'_>, m: u32) -> Result<String, ParseError> {
    let id = dex.method(m)?;
    let (ret, params) = dex.proto(id.proto_idx)?;
    let mut s = String::new();
    s.push_str(&dex.string(dex.type_string_idx(u32::from(id.class_idx))?)?);
    s.push_str("->");
    s.push_str(&dex.string(id.name_idx)?);
    s.push('(');
    for p in params {
        s.push_str(&dex.string(dex.type_string_idx(p)?)?);
    }
    s.push(')');
    s.push_str(&dex.string(dex.type_string_idx(ret)?)?);
    Ok(s)
}

/// The catalogue rule matching method id `m`, if any. The class descriptor is looked up first,
/// as raw bytes; the method name is read only for classes in the catalogue.
fn resolve_method(dex: &Dex<'_>, catalog: &ApiCatalog, m: u32) -> Option<usize> {
    let id = dex.method(m).ok()?;
    let methods = catalog.class_methods(dex.type_bytes(u32::from(id.class_idx)).ok()?)?;
    methods.get(dex.string_bytes(id.name_idx).ok()?).copied()
}

/// The catalogue rule matching field id `f`, if any (class first, then name, as for methods).
fn resolve_field(dex: &Dex<'_>, catalog: &ApiCatalog, f: u32) -> Option<usize> {
    let id = dex.field(f).ok()?;
    let fields = catalog.class_fields(dex.type_bytes(u32::from(id.class_idx)).ok()?)?;
    fields.get(dex.string_bytes(id.name_idx).ok()?).copied()
}

/// `Lcls;->name:type` for field id `f`.
fn field_signature(dex: &Dex<'_>, f: u32) -> Result<String, ParseError> {
    let id = dex.field(f)?;
    let ty = id.type_idx;
    Ok(format!(
        "{}->{}:{}",
        dex.string(dex.type_string_idx(u32::from(id.class_idx))?)?,
        dex.string(id.name_idx)?,
        dex.string(dex.type_string_idx(u32::from(ty))?)?
    ))
}

/// The Java name of type `idx` (`Lcom/a/B$C;` -> `com.a.B$C`).
fn class_name(
    dex: &Dex<'_>,
    type_idx: u32,
    strict: bool,
    anomalies: &mut Vec<String>,
) -> Result<String, ParseError> {
    let sidx = dex.type_string_idx(type_idx)?;
    let (start, bytes) = dex.string_span(sidx)?;
    // Almost every class name is ASCII (bytes 0x01..=0x7f, the same in MUTF-8 and UTF-8): one
    // pass builds the Java name, with no decoding, UTF-8 check or intermediate string.
    if let Some(inner) = bytes
        .strip_prefix(b"L")
        .and_then(|b| b.strip_suffix(b";"))
        .filter(|b| b.iter().all(|&c| (1..0x80).contains(&c)))
    {
        let mut name = String::with_capacity(inner.len());
        name.extend(
            inner
                .iter()
                .map(|&c| if c == b'/' { '.' } else { char::from(c) }),
        );
        return Ok(name);
    }
    let (desc, bad) = mutf8::decode_lossy(bytes);
    if let Some(e) = bad {
        let err = Dex::mutf8_error(sidx, start, e);
        if strict {
            return Err(err);
        }
        anomalies.push(format!(
            "class name: {err}; undecodable bytes replaced by U+FFFD"
        ));
    }
    Ok(java_name(&desc))
}

/// `com.a.B$C` -> `Lcom/a/B$C;` (the inverse of [`java_name`]).
pub fn descriptor(java: &str) -> String {
    format!("L{};", java.replace('.', "/"))
}

/// `Lcom/a/B$C;` -> `com.a.B$C`; anything else is returned as it is.
pub fn java_name(descriptor: &str) -> String {
    match descriptor
        .strip_prefix('L')
        .and_then(|d| d.strip_suffix(';'))
    {
        // '/' and '.' are ASCII: swapping them byte by byte keeps the UTF-8 valid.
        Some(inner) => {
            let bytes: Vec<u8> = inner
                .bytes()
                .map(|b| if b == b'/' { b'.' } else { b })
                .collect();
            String::from_utf8(bytes).unwrap_or_else(|_| inner.replace('/', "."))
        }
        None => descriptor.to_string(),
    }
}

/// Walks every method (direct and virtual) of the class_data_item at `off`, calling `f` with
/// each reference of its code. A broken class_data or code item is an error; a
/// problem inside one method's instructions (unused opcode, an error from `f`) stops that
/// method only and is returned in the list.
fn walk_class(
    dex: &Dex<'_>,
    off: u32,
    mut f: impl FnMut(Ref) -> Result<(), String>,
) -> Result<Vec<MethodProblem>, ParseError> {
    walk_class_code(dex, off, |_, insns| code::walk(insns, &mut f))
}

/// Like [`walk_class`], but hands each method's code (its code_item offset and insns) to `walk`.
fn walk_class_code(
    dex: &Dex<'_>,
    off: u32,
    mut walk: impl FnMut(u32, &[u8]) -> Result<(), code::WalkError>,
) -> Result<Vec<MethodProblem>, ParseError> {
    let data = dex.data;
    let start = to_usize(off);
    Cursor::at(data, start, "class_data_item")?; // the offset is in the file
    let mut pos = start;
    // Hot loop: LEB128 read in place; a bad one is re-read through a Cursor for its error.
    let next =
        |pos: &mut usize| uleb(data, pos).ok_or_else(|| uleb_error(data, *pos, "class_data_item"));
    let static_fields = next(&mut pos)?;
    let instance_fields = next(&mut pos)?;
    let direct = next(&mut pos)?;
    let virtual_ = next(&mut pos)?;
    // Each encoded field takes at least 2 bytes, each encoded method at least 3.
    let fields = u64::from(static_fields) + u64::from(instance_fields);
    let methods = u64::from(direct) + u64::from(virtual_);
    let remaining = data.len().saturating_sub(pos);
    if fields * 2 + methods * 3 > remaining as u64 {
        return Err(ParseError::invalid(
            "class_data_item",
            pos as u64,
            format!(
                "{fields} fields and {methods} methods cannot fit in the {remaining} bytes left"
            ),
        ));
    }
    for _ in 0..fields {
        next(&mut pos)?;
        next(&mut pos)?;
    }
    let mut problems = Vec::new();
    for count in [direct, virtual_] {
        let mut method_idx: u32 = 0;
        for n in 0..count {
            let entry = pos;
            let diff = next(&mut pos)?;
            method_idx = index_from_diff(method_idx, diff, n == 0, entry, "method_idx")?;
            next(&mut pos)?; // access_flags
            let code_off = next(&mut pos)?;
            if code_off == 0 {
                continue;
            }
            let insns = code_insns(data, code_off)?;
            if let Err(e) = walk(code_off, insns) {
                problems.push(MethodProblem {
                    method_idx,
                    code_off,
                    error: e,
                });
            }
        }
    }
    Ok(problems)
}

/// The index an encoded field or method of a class_data_item names: the first diff of a list is
/// the index itself, each later one is added to the previous index.
fn index_from_diff(
    prev: u32,
    diff: u32,
    first: bool,
    entry: usize,
    what: &str,
) -> Result<u32, ParseError> {
    if first {
        return Ok(diff);
    }
    prev.checked_add(diff).ok_or_else(|| {
        ParseError::invalid("class_data_item", entry as u64, format!("{what} overflows"))
    })
}

/// A method whose instructions could not all be walked.
#[derive(Debug)]
struct MethodProblem {
    method_idx: u32,
    code_off: u32,
    error: code::WalkError,
}

impl MethodProblem {
    /// File offset of the offending instruction (insns start 16 bytes into the code_item).
    fn insn_offset(&self) -> u64 {
        u64::from(self.code_off) + 16 + 2 * self.error.unit as u64
    }
}

impl std::fmt::Display for MethodProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "method #{} (code_item at {:#x}), instruction at offset {:#x}: {}; rest of the method skipped",
            self.method_idx,
            self.code_off,
            self.insn_offset(),
            self.error.problem
        )
    }
}

/// Reads the uleb128 at `*pos` (at most 5 bytes, as [`Cursor::uleb128`]) and moves past it; None
/// if it is cut by the end of `data` or longer than 5 bytes.
#[inline(always)]
fn uleb(data: &[u8], pos: &mut usize) -> Option<u32> {
    let b = *data.get(*pos)?;
    if b < 0x80 {
        *pos += 1;
        return Some(u32::from(b));
    }
    let mut result = u32::from(b & 0x7f);
    for i in 1..5 {
        let b = *data.get(*pos + i)?;
        result |= u32::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            *pos += i + 1;
            return Some(result);
        }
    }
    None
}

/// The error [`Cursor::uleb128`] gives for the bad uleb128 at `pos`.
#[cold]
fn uleb_error(data: &[u8], pos: usize, structure: &'static str) -> ParseError {
    match Cursor::at(data, pos, structure).and_then(|mut c| c.uleb128()) {
        Err(e) => e,
        Ok(_) => ParseError::invalid(structure, pos as u64, "bad uleb128"),
    }
}

/// The insns of the code_item at `off`.
fn code_insns(data: &[u8], off: u32) -> Result<&[u8], ParseError> {
    let start = to_usize(off);
    if let Some(head) = data.get(start..start.saturating_add(16)) {
        let units = u32::from_le_bytes([head[12], head[13], head[14], head[15]]);
        let from = start + 16;
        if let Some(insns) = data.get(from..from.saturating_add(to_usize(units).saturating_mul(2)))
        {
            return Ok(insns);
        }
    }
    // Cut: the same reads through a Cursor, for the error.
    let mut c = Cursor::at(data, start, "code_item")?;
    c.need(16)?;
    c.skip(12)?; // registers, ins, outs, tries_size, debug_info_off
    let units = c.u32()?;
    let len = to_usize(units).saturating_mul(2);
    c.bytes(len)
}

/// The needles that occur in some string of the pool, in the order given (searching raw MUTF-8).
fn find_strings(dex: &Dex<'_>, needles: &[String]) -> Vec<String> {
    if needles.is_empty() {
        return Vec::new();
    }
    let encoded: Vec<Vec<u8>> = needles.iter().map(|n| mutf8::encode(n)).collect();
    let Ok(ac) = aho_corasick::AhoCorasick::new(&encoded) else {
        return Vec::new();
    };
    let mut found = vec![false; needles.len()];
    let mut left = needles.len();
    // A string shorter than every needle cannot hold one (most of a pool's strings are short
    // member names and shorties): skipped without starting a search.
    let shortest = encoded.iter().map(Vec::len).min().unwrap_or(0);
    for i in 0..dex.strings.count {
        let Ok(bytes) = dex.string_bytes(u32::try_from(i).unwrap_or(u32::MAX)) else {
            continue;
        };
        if bytes.len() < shortest {
            continue;
        }
        for m in ac.find_overlapping_iter(bytes) {
            if let Some(f) = found.get_mut(m.pattern().as_usize()) {
                if !*f {
                    *f = true;
                    left -= 1;
                }
            }
        }
        if left == 0 {
            break;
        }
    }
    let mut seen = std::collections::HashSet::new();
    needles
        .iter()
        .zip(found)
        .filter(|(n, f)| *f && !n.is_empty() && seen.insert(n.as_str()))
        .map(|(n, _)| n.clone())
        .collect()
}
