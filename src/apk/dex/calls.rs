//! What the consent analysis (src/consent) reads of the code: the DEX file is kept as it was
//! read ([`DexCode`]) and a method's facts are decoded only when the search reaches it
//! ([`DexView::read_method`]): the calls it makes (with the branches that guard each call), the
//! boolean and int fields it writes and reads, and the classes it touches (whose static
//! initialisers run). Only the few thousand methods reachable from the entry points are ever
//! decoded; every id stays the file's own (method_idx, field_idx, type_idx).
//!
//! A call is *guarded* by a branch when every path from the method's entry to it takes one
//! particular arm of that branch (the other arm's edge removed, the call is no longer
//! reachable). Only branches whose condition comes straight from a call returning a boolean or an
//! int, or from a boolean/int field read, are candidates; the consent analysis decides which of
//! those conditions are consent state. Exception edges are not followed: code reachable only
//! through a handler counts as unguarded (the conservative side).

use super::header::Dex;
use super::{code_insns, field_signature, method_signature, uleb, WIDTH};
use crate::cursor::to_usize;
use crate::rules::apis::ApiCatalog;
use std::cell::{Cell, RefCell};

/// Most guard conditions tracked per method (one bit each in [`CallSite::guards`]).
pub const MAX_CONDS: usize = 32;
/// Most classes a method records as instantiated ([`MethodCode::news`]); a method that makes
/// more holds exactly this many, and the search then counts every class as instantiated.
pub const MAX_NEWS: usize = 256;
/// Methods longer than this (code units) get no guard analysis: their calls count as unguarded.
const MAX_GUARD_UNITS: usize = 1 << 16;

/// How a method is invoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvokeKind {
    /// invoke-virtual: resolved over the class hierarchy.
    Virtual,
    /// invoke-super: the superclass's implementation.
    Super,
    /// invoke-direct: constructors and private methods, exact.
    Direct,
    /// invoke-static, exact.
    Static,
    /// invoke-interface: every implementation in the app.
    Interface,
}

/// One invoke in a method.
#[derive(Debug, Clone, Copy)]
pub struct CallSite {
    /// The invoked method (the file's method_idx).
    pub callee: u32,
    /// The invoke opcode's kind.
    pub kind: InvokeKind,
    /// Bit k set: the call is guarded by the method's condition k ([`MethodCode::conds`]).
    pub guards: u32,
    /// The callee's last parameter is a boolean and the call passes the constant `false`
    /// (loaded by a `const` in the straight code just before; see [`last_arg_const`]).
    pub passes_false: bool,
}

/// Where a branch's condition comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    /// The result of a call (method_idx).
    Call(u32),
    /// A field read (field_idx).
    Field(u32),
}

/// What one method's code does, as far as the consent analysis cares.
#[derive(Debug, Clone, Default)]
pub struct MethodCode {
    /// Its own method_idx.
    pub sig: u32,
    /// Its invokes, in bytecode order, duplicates removed.
    pub calls: Vec<CallSite>,
    /// Branch conditions that guard some call (at most [`MAX_CONDS`]).
    pub conds: Vec<Cond>,
    /// Boolean and int fields it writes (sput/iput; field_idx).
    pub writes: Vec<u32>,
    /// Boolean and int fields it reads (field_idx).
    pub reads: Vec<u32>,
    /// Classes whose static fields it reads or writes (type_idx).
    pub touches: Vec<u32>,
    /// Classes it instantiates (type_idx): hand-off targets.
    pub news: Vec<u32>,
    /// False when its instructions could not all be read (the rest was skipped).
    pub complete: bool,
}

/// A DEX file kept for the consent search (read once by the archive reader; dropped when the
/// search is done).
#[derive(Debug, Clone, Default)]
pub struct DexCode {
    bytes: Vec<u8>,
    /// [`Dex::parse`] accepted these bytes already (the reader's own copy).
    accepted: bool,
}

impl DexCode {
    /// Keeps the bytes of a DEX file.
    pub fn new(bytes: Vec<u8>) -> DexCode {
        DexCode {
            bytes,
            accepted: false,
        }
    }

    /// Keeps the bytes of a DEX file that [`Dex::parse`] accepted: [`DexCode::view`] does not
    /// check its ids again.
    pub(crate) fn accepted(bytes: Vec<u8>) -> DexCode {
        DexCode {
            bytes,
            accepted: true,
        }
    }

    /// The file, its header and ids validated (None if they do not validate).
    pub fn view<'a>(&'a self, catalog: &'a ApiCatalog) -> Option<DexView<'a>> {
        let dex = if self.accepted {
            Dex::parse_accepted(&self.bytes)
        } else {
            Dex::parse(&self.bytes)
        };
        dex.ok().map(|dex| DexView {
            type_memo: memo(dex.types.count),
            method_memo: memo(dex.methods.count),
            scratch: Cell::default(),
            dex,
            catalog,
        })
    }
}

/// A table of memo bits, one byte per id (ids are 16-bit in the instructions, so at most 64 Ki
/// entries are ever used), made on first use ([`sized`]).
fn memo(count: usize) -> (usize, RefCell<Vec<u8>>) {
    (count.min(1 << 16), RefCell::new(Vec::new()))
}

/// The memo `m`, sized to `n` zeroes if not yet.
fn sized(m: &RefCell<Vec<u8>>, n: usize) -> std::cell::RefMut<'_, Vec<u8>> {
    let mut v = m.borrow_mut();
    if v.len() != n {
        v.resize(n, 0);
    }
    v
}

/// Memo bits of a type (`DexView::type_memo`).
const T_DONE: u8 = 1;
/// The type is the platform's ([`is_framework`]).
const T_FRAMEWORK: u8 = 2;
/// Calls of its methods are kept ([`DexView::keep_call`]).
const T_KEEP: u8 = 4;
/// `Z` or `I`.
const T_FLAG: u8 = 8;
/// A class type (`L...`).
const T_CLASS: u8 = 16;
/// The type could not be read.
const T_BAD: u8 = 32;
/// `Z`.
const T_BOOL: u8 = 64;

/// Memo bits of a method id (`DexView::method_memo`).
const M_DONE: u8 = 1;
/// Its calls are kept.
const M_KEEP: u8 = 2;
/// It returns a boolean or an int.
const M_FLAG: u8 = 4;
/// Its last parameter is a boolean.
const M_LAST_BOOL: u8 = 8;

/// A set of 16-bit code units (a bitmap of all 65,536).
pub struct UnitSet {
    bits: Box<[u64]>,
    len: usize,
}

impl UnitSet {
    /// The set of `units`.
    pub fn new(units: &[u16]) -> UnitSet {
        let mut bits = vec![0u64; 1 << 10].into_boxed_slice();
        for &u in units {
            bits[usize::from(u >> 6)] |= 1 << (u & 63);
        }
        UnitSet {
            bits,
            len: units.len(),
        }
    }

    /// Whether `u` is in the set.
    pub fn contains(&self, u: u16) -> bool {
        self.bits[usize::from(u >> 6)] >> (u & 63) & 1 != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The vectors [`read_method`] fills for each method, kept between methods: the decoded
/// instructions, the kept calls by instruction index, the candidate conditions by the index of
/// their `if`.
#[derive(Default)]
struct Scratch {
    code: Vec<Insn>,
    call_at: Vec<(usize, CallSite)>,
    cond_at: Vec<(usize, Cond)>,
}

/// A validated DEX file, read method by method. What is asked of a type or a method id again
/// and again (is it the platform's, is a call of it kept, does it return a flag) is answered
/// once and remembered, one byte per id.
pub struct DexView<'a> {
    dex: Dex<'a>,
    catalog: &'a ApiCatalog,
    type_memo: (usize, RefCell<Vec<u8>>),
    method_memo: (usize, RefCell<Vec<u8>>),
    scratch: Cell<Scratch>,
}

impl<'a> DexView<'a> {
    /// Number of class_defs.
    pub fn class_count(&self) -> usize {
        self.dex.class_defs.count
    }

    /// The descriptor of class_def `i` (`Lcom/a/B;`, raw MUTF-8).
    pub fn class_desc(&self, i: usize) -> Option<&'a [u8]> {
        self.type_desc(self.class_type(i)?)
    }

    /// The type_idx of class_def `i`.
    pub fn class_type(&self, i: usize) -> Option<u32> {
        self.dex.class_def(i).ok().map(|def| def.class_idx)
    }

    /// The superclass type_idx of class_def `i` (None for none or an unreadable entry).
    pub fn superclass_type(&self, i: usize) -> Option<u32> {
        let off = self.dex.class_defs.off.checked_add(32 * i)?;
        read_u32(self.dex.data, off + 8).filter(|&s| s != u32::MAX)
    }

    /// Whether a class_def of this file defines descriptor `desc`: its type found by binary
    /// search ([`DexView::find_type`]; ART's verifier rejects a file whose type_ids are out of
    /// order, so a file that runs is searched rightly), then the class_defs' type ids compared.
    pub fn defines_class(&self, desc: &[u8]) -> bool {
        let Some(t) = self.find_type(desc) else {
            return false;
        };
        (0..self.class_count()).any(|i| {
            self.dex
                .class_defs
                .off
                .checked_add(32 * i)
                .and_then(|off| read_u32(self.dex.data, off))
                == Some(t)
        })
    }

    /// The superclass descriptor of class_def `i`.
    pub fn superclass(&self, i: usize) -> Option<&'a [u8]> {
        self.type_desc(self.superclass_type(i)?)
    }

    /// The interfaces class_def `i` implements.
    pub fn interfaces(&self, i: usize) -> Vec<&'a [u8]> {
        let mut out = Vec::new();
        self.each_interface(i, |t| out.push(t));
        out
    }

    /// Calls `f` with each interface class_def `i` implements (no allocation).
    pub fn each_interface(&self, i: usize, mut f: impl FnMut(&'a [u8])) {
        self.each_interface_type(i, |t| {
            if let Some(d) = self.type_desc(t) {
                f(d);
            }
        });
    }

    /// Calls `f` with the type_idx of each interface class_def `i` implements.
    pub fn each_interface_type(&self, i: usize, mut f: impl FnMut(u32)) {
        let Some(off) = self.dex.class_defs.off.checked_add(32 * i) else {
            return;
        };
        let Some(list) = read_u32(self.dex.data, off + 12).filter(|&o| o != 0) else {
            return;
        };
        let data = self.dex.data;
        let list = to_usize(list);
        let Some(n) = read_u32(data, list).map(to_usize) else {
            return;
        };
        if n.saturating_mul(2) > data.len().saturating_sub(list + 4) {
            return;
        }
        for k in 0..n {
            if let Some(t) = read_u16(data, list + 4 + 2 * k) {
                f(u32::from(t));
            }
        }
    }

    /// Number of method_ids.
    pub fn method_count(&self) -> usize {
        self.dex.methods.count
    }

    /// Number of field_ids.
    pub fn field_count(&self) -> usize {
        self.dex.fields.count
    }

    /// Number of type_ids.
    pub fn type_count(&self) -> usize {
        self.dex.types.count
    }

    /// The class (type_idx) of method_idx `m`.
    pub fn method_class(&self, m: u32) -> Option<u32> {
        self.dex.method(m).ok().map(|id| u32::from(id.class_idx))
    }

    /// The type_idx of descriptor `desc`, by binary search (type_ids are sorted by their
    /// strings in a well-formed file, and ART rejects one where they are not; in such a file a
    /// type may be missed).
    pub fn find_type(&self, desc: &[u8]) -> Option<u32> {
        let (mut lo, mut hi) = (0usize, self.dex.types.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let t = u32::try_from(mid).ok()?;
            match self.dex.type_bytes(t).ok()?.cmp(desc) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(t),
            }
        }
        None
    }

    /// The method_ids of class type_idx `t`, by binary search (method_ids are sorted by class
    /// in a well-formed file; in a file that is not, some may be missed).
    pub fn methods_of_type(&self, t: u32) -> std::ops::Range<u32> {
        let n = u32::try_from(self.dex.methods.count.min(1 << 16)).unwrap_or(0);
        let first = |at_least: u32| {
            let (mut lo, mut hi) = (0u32, n);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if self.method_class(mid).is_some_and(|c| c < at_least) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        first(t)..first(t.saturating_add(1))
    }

    /// Whether the code_item at `code_off` holds one of the 16-bit `units` anywhere in its
    /// instructions: a cheap test that a method cannot invoke any of a few method ids (an
    /// invoke's method id is one whole code unit). True where the code cannot be read.
    pub fn code_mentions(&self, code_off: u32, units: &UnitSet) -> bool {
        let Ok(insns) = code_insns(self.dex.data, code_off) else {
            return true;
        };
        insns
            .chunks_exact(2)
            .any(|u| units.contains(u16::from_le_bytes([u[0], u[1]])))
    }

    /// Number of string_ids.
    pub fn string_count(&self) -> usize {
        self.dex.strings.count
    }

    /// The methods with code of class_def `i`: (method_idx, code_off); empty where the
    /// class_data cannot be read.
    pub fn methods(&self, i: usize) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        if let Ok(def) = self.dex.class_def(i) {
            if def.class_data_off != 0 {
                class_methods(self.dex.data, def.class_data_off, &mut out);
            }
        }
        out
    }

    /// `Lcls;->name(params)ret` of method_idx `m`.
    pub fn method_sig(&self, m: u32) -> Option<String> {
        method_signature(&self.dex, m).ok()
    }

    /// `Lcls;->name(params)ret` of method_idx `m` written into `s` (cleared first), as
    /// [`DexView::method_sig`] makes it but without allocating; false where that is None.
    pub fn method_sig_into(&self, m: u32, s: &mut String) -> bool {
        s.clear();
        self.write_sig(m, s).is_some()
    }

    /// The parts of method_idx `m`: (class type_idx, proto_idx, name string_idx).
    pub fn method_parts(&self, m: u32) -> Option<(u32, u16, u32)> {
        let id = self.dex.method(m).ok()?;
        Some((u32::from(id.class_idx), id.proto_idx, id.name_idx))
    }

    /// The raw MUTF-8 bytes of string `i`.
    pub fn string_bytes(&self, i: u32) -> Option<&'a [u8]> {
        self.dex.string_bytes(i).ok()
    }

    /// String `i` decoded (None where it is not MUTF-8).
    pub fn string(&self, i: u32) -> Option<std::borrow::Cow<'a, str>> {
        self.dex.string(i).ok()
    }

    /// Type `t`'s descriptor decoded (None where [`DexView::method_sig`] would fail on it).
    pub fn decoded_type(&self, t: u32) -> Option<std::borrow::Cow<'a, str>> {
        self.dex.string(self.dex.type_string_idx(t).ok()?).ok()
    }

    /// `name(params)ret` of a method named by string `name` with proto `proto`, written into `s`
    /// (cleared first): the part of [`DexView::method_sig`] after `Lcls;->`, with the same
    /// failures (false).
    pub fn sub_sig_into(&self, name: u32, proto: u16, s: &mut String) -> bool {
        s.clear();
        self.write_sub(name, proto, s).is_some()
    }

    fn write_sub(&self, name: u32, proto: u16, s: &mut String) -> Option<()> {
        let (ret, list, n) = self.proto_parts(proto)?;
        let dex = &self.dex;
        s.push_str(&dex.string(name).ok()?);
        s.push('(');
        for k in 0..n {
            let t = u32::from(read_u16(dex.data, list + 2 * k)?);
            s.push_str(&self.decoded_type(t)?);
        }
        s.push(')');
        s.push_str(&self.decoded_type(ret)?);
        Some(())
    }

    /// Proto `i` as `Dex::proto` reads it (the same failures), its type_list left in place:
    /// (return type_idx, offset of the parameter type_idxs, their number).
    fn proto_parts(&self, i: u16) -> Option<(u32, usize, usize)> {
        let dex = &self.dex;
        let data = dex.data;
        let i = usize::from(i);
        let at = dex.protos.off + 12 * i;
        let (ret, params) = (read_u32(data, at + 4)?, read_u32(data, at + 8)?);
        if i >= dex.protos.count {
            return None;
        }
        if params == 0 {
            return Some((ret, 0, 0));
        }
        let p = to_usize(params);
        let n = to_usize(read_u32(data, p)?);
        if n.checked_mul(2)?.checked_add(p + 4)? > data.len() {
            return None;
        }
        Some((ret, p + 4, n))
    }

    fn write_sig(&self, m: u32, s: &mut String) -> Option<()> {
        let (class, proto, name) = self.method_parts(m)?;
        // The proto first, as `method_signature` reads it before any string.
        self.proto_parts(proto)?;
        s.push_str(&self.decoded_type(class)?);
        s.push_str("->");
        let mut sub = String::new();
        self.write_sub(name, proto, &mut sub)?;
        s.push_str(&sub);
        Some(())
    }

    /// `Lcls;->name:type` of field_idx `f`.
    pub fn field_sig(&self, f: u32) -> Option<String> {
        field_signature(&self.dex, f).ok()
    }

    /// The descriptor of type_idx `t`.
    pub fn type_desc(&self, t: u32) -> Option<&'a [u8]> {
        self.dex.type_bytes(t).ok()
    }

    /// The facts of the method whose code_item is at `code_off` (a method that cannot be read
    /// is empty and incomplete). The guard bits are computed for the conditions set in `mask`
    /// only (bit k: condition k), so the control-flow graph is built only for the methods whose
    /// branches the caller found to be on consent state.
    pub fn read_method(&self, method_idx: u32, code_off: u32, mask: u32) -> MethodCode {
        match code_insns(self.dex.data, code_off) {
            Ok(insns) => read_method(self, method_idx, insns, mask),
            Err(_) => MethodCode {
                sig: method_idx,
                complete: false,
                ..MethodCode::default()
            },
        }
    }

    /// The memo bits of type_idx `t` (computed on first use).
    fn type_bits(&self, t: u32) -> u8 {
        let slot = usize::try_from(t).ok();
        let memo = slot.and_then(|i| self.type_memo.1.borrow().get(i).copied());
        if let Some(b) = memo.filter(|b| b & T_DONE != 0) {
            return b;
        }
        let b = match self.dex.type_bytes(t) {
            Err(_) => T_DONE | T_BAD,
            Ok(desc) => {
                let mut b = T_DONE;
                let framework = is_framework(desc);
                if framework {
                    b |= T_FRAMEWORK;
                }
                if !framework
                    || FRAMEWORK_KEPT.contains(&desc)
                    || self.catalog.class_methods(desc).is_some()
                {
                    b |= T_KEEP;
                }
                if desc == b"Z" || desc == b"I" {
                    b |= T_FLAG;
                }
                if desc == b"Z" {
                    b |= T_BOOL;
                }
                if desc.first() == Some(&b'L') {
                    b |= T_CLASS;
                }
                b
            }
        };
        if let Some(i) = slot {
            if let Some(x) = sized(&self.type_memo.1, self.type_memo.0).get_mut(i) {
                *x = b;
            }
        }
        b
    }

    /// The memo bits of method_idx `m` (computed on first use); 0 when the id is out of range.
    fn method_bits(&self, m: u32) -> u8 {
        let slot = usize::try_from(m).ok();
        let memo = slot.and_then(|i| self.method_memo.1.borrow().get(i).copied());
        if let Some(b) = memo.filter(|b| b & M_DONE != 0) {
            return b;
        }
        let Ok(id) = self.dex.method(m) else {
            return 0;
        };
        let mut b = M_DONE;
        if self.type_bits(u32::from(id.class_idx)) & (T_KEEP | T_BAD) == T_KEEP {
            b |= M_KEEP;
        }
        // The return type straight from the proto_id; like `Dex::proto`, a proto whose
        // parameter list runs past the file is unreadable.
        let i = usize::from(id.proto_idx);
        let data = self.dex.data;
        let at = self.dex.protos.off + 12 * i;
        let mut last = None;
        let ret = match (read_u32(data, at + 4), read_u32(data, at + 8)) {
            (Some(ret), Some(params)) if i < self.dex.protos.count => {
                let params = to_usize(params);
                let whole = params == 0
                    || read_u32(data, params).is_some_and(|n| {
                        let n = to_usize(n);
                        let fits = n
                            .checked_mul(2)
                            .and_then(|n| n.checked_add(params + 4))
                            .is_some_and(|end| end <= data.len());
                        if fits && n > 0 {
                            last = read_u16(data, params + 4 + 2 * (n - 1)).map(u32::from);
                        }
                        fits
                    });
                whole.then_some(ret)
            }
            _ => None,
        };
        if ret.is_some_and(|r| self.type_bits(r) & (T_FLAG | T_BAD) == T_FLAG) {
            b |= M_FLAG;
        }
        if last.is_some_and(|t| self.type_bits(t) & (T_BOOL | T_BAD) == T_BOOL) {
            b |= M_LAST_BOOL;
        }
        if let Some(i) = slot {
            if let Some(x) = sized(&self.method_memo.1, self.method_memo.0).get_mut(i) {
                *x = b;
            }
        }
        b
    }

    /// Whether a call of method_idx `m` is worth keeping: the app's code, a sensitive API, or a
    /// framework hand-off, consent-state or reflection call.
    pub fn keep_call(&self, m: u32) -> bool {
        self.method_bits(m) & M_KEEP != 0
    }

    /// Whether field_idx `f` is a boolean or int field of the app's own code.
    fn flag_field(&self, f: u32) -> bool {
        self.dex.field(f).ok().is_some_and(|id| {
            // An unreadable class counts as the app's (as `L`), an unreadable type as no flag.
            self.type_bits(u32::from(id.type_idx)) & (T_FLAG | T_BAD) == T_FLAG
                && self.type_bits(u32::from(id.class_idx)) & T_FRAMEWORK == 0
        })
    }

    /// The class of field_idx `f` when it is the app's own (type_idx).
    fn field_class(&self, f: u32) -> Option<u32> {
        let id = self.dex.field(f).ok()?;
        let c = u32::from(id.class_idx);
        (self.type_bits(c) & (T_FRAMEWORK | T_BAD) == 0).then_some(c)
    }

    /// Whether method_idx `m`'s last parameter is a boolean.
    fn last_param_bool(&self, m: u32) -> bool {
        self.method_bits(m) & M_LAST_BOOL != 0
    }

    /// Whether method_idx `m` returns a boolean or an int.
    fn returns_flag(&self, m: u32) -> bool {
        self.method_bits(m) & M_FLAG != 0
    }

    /// Whether type_idx `t` is a class type.
    fn is_class(&self, t: u32) -> bool {
        self.type_bits(t) & (T_CLASS | T_BAD) == T_CLASS
    }
}

/// Framework classes whose calls are kept besides the catalogue's: hand-offs, consent state,
/// reflection.
const FRAMEWORK_KEPT: &[&[u8]] = &[
    b"Landroid/os/Handler;",
    b"Landroid/view/View;",
    b"Landroid/app/Activity;",
    b"Landroid/os/AsyncTask;",
    b"Ljava/lang/Thread;",
    b"Ljava/util/concurrent/Executor;",
    b"Ljava/util/concurrent/ExecutorService;",
    b"Ljava/util/concurrent/ThreadPoolExecutor;",
    b"Ljava/util/concurrent/ScheduledExecutorService;",
    b"Landroid/content/SharedPreferences;",
    b"Landroid/content/SharedPreferences$Editor;",
    b"Ljava/lang/Class;",
    b"Ljava/lang/reflect/Method;",
    b"Ldalvik/system/DexClassLoader;",
];

/// Whether a class descriptor is the platform's (its calls are not followed).
pub fn is_framework(desc: &[u8]) -> bool {
    [
        &b"Landroid/"[..],
        b"Ljava/",
        b"Ljavax/",
        b"Lkotlin/",
        b"Lkotlinx/",
        b"Ldalvik/",
        b"Lorg/json/",
        b"Lorg/w3c/",
        b"Lorg/xml/",
        b"Lsun/",
        b"[",
    ]
    .iter()
    .any(|p| desc.starts_with(p))
}

fn read_u32(data: &[u8], off: usize) -> Option<u32> {
    let b = data.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn read_u16(data: &[u8], off: usize) -> Option<u16> {
    let b = data.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

/// Adds the (method_idx, code_off) of the methods with code of the class_data_item at `off`
/// (stops quietly where it breaks).
fn class_methods(data: &[u8], off: u32, out: &mut Vec<(u32, u32)>) {
    let mut pos = to_usize(off);
    let next = |pos: &mut usize| uleb(data, pos);
    let (Some(sf), Some(inf), Some(direct), Some(virt)) = (
        next(&mut pos),
        next(&mut pos),
        next(&mut pos),
        next(&mut pos),
    ) else {
        return;
    };
    let fields = u64::from(sf) + u64::from(inf);
    let methods = u64::from(direct) + u64::from(virt);
    if fields * 2 + methods * 3 > data.len().saturating_sub(pos) as u64 {
        return;
    }
    for _ in 0..fields {
        if next(&mut pos).and(next(&mut pos)).is_none() {
            return;
        }
    }
    for count in [direct, virt] {
        let mut idx: u32 = 0;
        for n in 0..count {
            let (Some(diff), Some(_flags), Some(code_off)) =
                (next(&mut pos), next(&mut pos), next(&mut pos))
            else {
                return;
            };
            idx = if n == 0 {
                diff
            } else {
                match idx.checked_add(diff) {
                    Some(v) => v,
                    None => return,
                }
            };
            if code_off != 0 {
                out.push((idx, code_off));
            }
        }
    }
}

/// One decoded instruction: where it starts and its opcode.
struct Insn {
    pc: usize,
    op: u8,
    width: usize,
}

/// Decodes the instruction starts of a method into `out` (cleared first); false when a bad
/// opcode or an overrun stopped the decoding.
fn decode_into(insns: &[u8], out: &mut Vec<Insn>) -> bool {
    out.clear();
    let n = insns.len() / 2;
    let unit = |i: usize| read_u16(insns, i * 2);
    let mut pc = 0usize;
    while let Some(u) = unit(pc) {
        let op = (u & 0xff) as u8;
        let width = if op == 0 && u != 0 {
            let get = |i: usize| unit(pc + i).map_or(0usize, usize::from);
            match u {
                0x0100 => 4 + 2 * get(1),
                0x0200 => 2 + 4 * get(1),
                0x0300 => 4 + (get(1).saturating_mul(get(2) | (get(3) << 16))).div_ceil(2),
                _ => return false,
            }
        } else {
            match WIDTH[usize::from(op)] {
                0 => return false,
                w => usize::from(w),
            }
        };
        if pc.saturating_add(width) > n {
            return false;
        }
        if !(op == 0 && u != 0) {
            out.push(Insn { pc, op, width });
        }
        pc += width;
    }
    true
}

fn is_invoke(op: u8) -> bool {
    matches!(op, 0x6e..=0x72 | 0x74..=0x78)
}

fn invoke_kind(op: u8) -> InvokeKind {
    match op {
        0x6e | 0x74 => InvokeKind::Virtual,
        0x6f | 0x75 => InvokeKind::Super,
        0x70 | 0x76 => InvokeKind::Direct,
        0x71 | 0x77 => InvokeKind::Static,
        _ => InvokeKind::Interface,
    }
}

fn read_method(t: &DexView<'_>, sig: u32, insns: &[u8], mask: u32) -> MethodCode {
    // The scratch vectors of the previous method, reused (taken out: no borrow is held).
    let mut scratch = t.scratch.take();
    let m = read_method_with(t, sig, insns, mask, &mut scratch);
    t.scratch.replace(scratch);
    m
}

fn read_method_with(
    t: &DexView<'_>,
    sig: u32,
    insns: &[u8],
    mask: u32,
    scratch: &mut Scratch,
) -> MethodCode {
    let Scratch {
        code,
        call_at,
        cond_at,
    } = scratch;
    let complete = decode_into(insns, code);
    let code = &code[..];
    call_at.clear();
    cond_at.clear();
    let unit = |i: usize| read_u16(insns, i * 2).map_or(0u32, u32::from);
    let mut m = MethodCode {
        sig,
        complete,
        ..MethodCode::default()
    };
    for (k, ins) in code.iter().enumerate() {
        let u0 = unit(ins.pc);
        let a8 = u0 >> 8;
        match ins.op {
            op if is_invoke(op) => {
                let kind = invoke_kind(op);
                let callee = unit(ins.pc + 1);
                if t.keep_call(callee) {
                    let passes_false =
                        t.last_param_bool(callee) && last_arg_const(code, k, op, &unit) == Some(0);
                    call_at.push((
                        k,
                        CallSite {
                            callee,
                            kind,
                            guards: 0,
                            passes_false,
                        },
                    ));
                }
            }
            0x22 => {
                let ty = unit(ins.pc + 1);
                if t.is_class(ty) && !m.news.contains(&ty) && m.news.len() < MAX_NEWS {
                    m.news.push(ty);
                }
            }
            0x52 | 0x55 | 0x60 | 0x63 => {
                let f = unit(ins.pc + 1);
                if t.flag_field(f) && !m.reads.contains(&f) && m.reads.len() < 256 {
                    m.reads.push(f);
                }
            }
            0x59 | 0x5c | 0x67 | 0x6a => {
                let f = unit(ins.pc + 1);
                if t.flag_field(f) && !m.writes.contains(&f) && m.writes.len() < 256 {
                    m.writes.push(f);
                }
            }
            0x32..=0x3d if cond_at.len() < MAX_CONDS => {
                let reg = if ins.op >= 0x38 { a8 } else { a8 & 0xf };
                if let Some(c) = condition_source(t, code, k, reg, &unit) {
                    cond_at.push((k, c));
                }
            }
            _ => {}
        }
        if matches!(ins.op, 0x60..=0x6d) {
            if let Some(c) = t.field_class(unit(ins.pc + 1)) {
                if !m.touches.contains(&c) && m.touches.len() < 256 {
                    m.touches.push(c);
                }
            }
        }
    }
    if !cond_at.is_empty() && mask != 0 {
        // A guard that cannot be computed leaves the calls unguarded: undecided, not clean.
        let done =
            insns.len() / 2 <= MAX_GUARD_UNITS && guard_calls(code, &unit, cond_at, mask, call_at);
        m.complete &= done;
    }
    m.conds = cond_at.iter().map(|&(_, c)| c).collect();
    for &(_, c) in call_at.iter() {
        if let Some(prev) = m
            .calls
            .iter_mut()
            .find(|p| p.callee == c.callee && p.kind == c.kind)
        {
            // The same call made twice is guarded only by what guards both, and passes false
            // only if both do.
            prev.guards &= c.guards;
            prev.passes_false &= c.passes_false;
        } else {
            m.calls.push(c);
        }
    }
    m
}

/// Instructions looked at before an invoke for the constant its last argument holds.
const MAX_CONST_LOOKBACK: usize = 8;

/// The constant the last argument register of the invoke at instruction `k` holds, when a
/// `const` loads it in the straight code just before (at most [`MAX_CONST_LOOKBACK`]
/// instructions back, no branch or other write of that register in between). A value that may
/// come from elsewhere (a branch target between the two is not seen) gives what the nearest
/// `const` says; None when unknown.
fn last_arg_const(code: &[Insn], k: usize, op: u8, unit: &impl Fn(usize) -> u32) -> Option<i64> {
    let ins = code.get(k)?;
    let u0 = unit(ins.pc);
    let reg = if op >= 0x74 {
        // invoke-*/range {vCCCC .. vNNNN}: AA registers from CCCC.
        let count = u0 >> 8;
        (unit(ins.pc + 2) + count).checked_sub(1)?
    } else {
        // invoke-* {vC, vD, vE, vF, vG}: A registers.
        let count = u0 >> 12;
        let regs = unit(ins.pc + 2);
        match count {
            1..=4 => (regs >> (4 * (count - 1))) & 0xf,
            5 => (u0 >> 8) & 0xf,
            _ => return None,
        }
    };
    for j in (k.saturating_sub(MAX_CONST_LOOKBACK)..k).rev() {
        let prev = &code[j];
        let u = unit(prev.pc);
        let a4 = (u >> 8) & 0xf;
        let a8 = u >> 8;
        match prev.op {
            0x12 if a4 == reg => return Some(i64::from(((u >> 12) as i8) << 4 >> 4)),
            0x13 if a8 == reg => return Some(i64::from(unit(prev.pc + 1) as u16 as i16)),
            0x14 if a8 == reg => {
                return Some(i64::from(
                    (unit(prev.pc + 1) | (unit(prev.pc + 2) << 16)) as i32,
                ))
            }
            0x15 if a8 == reg => return Some(i64::from((unit(prev.pc + 1) << 16) as i32)),
            // A branch, a switch or a throw: the value may come from another path.
            0x27..=0x2c | 0x32..=0x3d => return None,
            _ => {}
        }
        if writes_reg(prev.op, u, unit(prev.pc + 1), reg) {
            return None;
        }
    }
    None
}

/// Whether the instruction `op` (first unit `u`, second `u1`) may write register `reg` (or the
/// pair starting one below it). Invokes, stores, returns and branches write none.
fn writes_reg(op: u8, u: u32, u1: u32, reg: u32) -> bool {
    let dest = match op {
        0x01 | 0x04 | 0x07 | 0x12 | 0x20 | 0x21 | 0x23 | 0x52..=0x58 | 0x7b..=0x8f => {
            (u >> 8) & 0xf
        }
        0xb0..=0xd7 => (u >> 8) & 0xf,
        0x02 | 0x05 | 0x08 | 0x0a..=0x0d | 0x13..=0x1c | 0x1f | 0x22 | 0x2d..=0x31 => u >> 8,
        0x44..=0x4a | 0x60..=0x66 | 0x90..=0xaf | 0xd8..=0xe2 => u >> 8,
        0x03 | 0x06 | 0x09 => u1,
        _ => return false,
    };
    dest == reg || dest + 1 == reg
}

/// The source of the value register `reg` holds at the if at instruction `k`: the instruction
/// just before (a field read into `reg`, or a move-result of a call returning a flag).
fn condition_source(
    t: &DexView<'_>,
    code: &[Insn],
    k: usize,
    reg: u32,
    unit: &impl Fn(usize) -> u32,
) -> Option<Cond> {
    let prev = code.get(k.checked_sub(1)?)?;
    let u0 = unit(prev.pc);
    match prev.op {
        0x0a if u0 >> 8 == reg => {
            let call = code.get(k.checked_sub(2)?)?;
            if !is_invoke(call.op) {
                return None;
            }
            let m = unit(call.pc + 1);
            if !t.returns_flag(m) {
                return None;
            }
            t.keep_call(m).then_some(Cond::Call(m))
        }
        0x60 | 0x63 if u0 >> 8 == reg => {
            let f = unit(prev.pc + 1);
            t.flag_field(f).then_some(Cond::Field(f))
        }
        0x52 | 0x55 if (u0 >> 8) & 0xf == reg => {
            let f = unit(prev.pc + 1);
            t.flag_field(f).then_some(Cond::Field(f))
        }
        _ => None,
    }
}

/// Most branch edges per method (switches included) before the guard analysis gives up.
const MAX_EDGES: usize = 1 << 18;

/// The instruction indexes each instruction can go to next (exception edges aside); None when
/// the method has more than [`MAX_EDGES`] (a hostile file pointing many switches at one payload).
fn successors(code: &[Insn], unit: &impl Fn(usize) -> u32) -> Option<Vec<Vec<usize>>> {
    let mut edges = 0usize;
    let index_of = |pc: i64| -> Option<usize> {
        let pc = usize::try_from(pc).ok()?;
        code.binary_search_by_key(&pc, |i| i.pc).ok()
    };
    let s32 = |at: usize| (unit(at) | (unit(at + 1) << 16)) as i32 as i64;
    code.iter()
        .enumerate()
        .map(|(k, ins)| {
            let pc = ins.pc as i64;
            let mut out = Vec::new();
            let falls = !matches!(ins.op, 0x0e..=0x11 | 0x27 | 0x28..=0x2a);
            if falls && k + 1 < code.len() {
                out.push(k + 1);
            }
            let target = match ins.op {
                0x28 => Some(pc + i64::from((unit(ins.pc) >> 8) as u8 as i8)),
                0x29 | 0x32..=0x3d => Some(pc + i64::from(unit(ins.pc + 1) as u16 as i16)),
                0x2a => Some(pc + s32(ins.pc + 1)),
                _ => None,
            };
            if let Some(t) = target.and_then(index_of) {
                out.push(t);
            }
            if matches!(ins.op, 0x2b | 0x2c) {
                let payload = pc + s32(ins.pc + 1);
                if let Ok(p) = usize::try_from(payload) {
                    let size = unit(p + 1) as usize;
                    let first = if ins.op == 0x2b {
                        p + 4
                    } else {
                        p + 2 + 2 * size
                    };
                    for j in 0..size.min(4096) {
                        if let Some(t) = index_of(pc + s32(first + 2 * j)) {
                            out.push(t);
                        }
                    }
                }
            }
            let _ = ins.width;
            edges += out.len();
            (edges <= MAX_EDGES).then_some(out)
        })
        .collect()
}

/// Instructions reachable from the entry, the edge `cut` (from, to) removed.
fn reachable(succ: &[Vec<usize>], cut: Option<(usize, usize)>) -> Vec<bool> {
    let mut seen = vec![false; succ.len()];
    let mut stack = Vec::new();
    if !succ.is_empty() {
        seen[0] = true;
        stack.push(0usize);
    }
    while let Some(k) = stack.pop() {
        for &s in &succ[k] {
            if cut == Some((k, s)) || seen[s] {
                continue;
            }
            seen[s] = true;
            stack.push(s);
        }
    }
    seen
}

/// Sets the guard bits of the calls: condition j guards a call when cutting one arm of its
/// branch makes the call unreachable. False when the method is too branchy to analyse.
fn guard_calls(
    code: &[Insn],
    unit: &impl Fn(usize) -> u32,
    conds: &[(usize, Cond)],
    mask: u32,
    calls: &mut [(usize, CallSite)],
) -> bool {
    let Some(succ) = successors(code, unit) else {
        return false;
    };
    let full = reachable(&succ, None);
    for (j, &(k, _)) in conds.iter().enumerate() {
        if mask & (1 << j) == 0 {
            continue;
        }
        let arms = &succ[k];
        if arms.len() != 2 || arms[0] == arms[1] {
            continue;
        }
        for &arm in arms {
            let cut = reachable(&succ, Some((k, arm)));
            for (at, c) in calls.iter_mut() {
                if full[*at] && !cut[*at] {
                    c.guards |= 1 << j;
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The constant `last_arg_const` sees for the last invoke of `units`.
    fn last_const(units: &[u16]) -> Option<i64> {
        let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
        let mut code = Vec::new();
        assert!(decode_into(&bytes, &mut code));
        let k = code
            .iter()
            .rposition(|i| is_invoke(i.op))
            .expect("an invoke");
        let unit = |i: usize| read_u16(&bytes, i * 2).map_or(0u32, u32::from);
        last_arg_const(&code, k, code[k].op, &unit)
    }

    // invoke-static {v2, v1}, method@7: 0x2071 (A=2, G=0), 0x0007, 0x0012 (C=2, D=1).
    const INVOKE_V2_V1: [u16; 3] = [0x2071, 0x0007, 0x0012];

    #[test]
    fn the_constant_loaded_just_before_the_call_is_seen() {
        // const/4 v1, #0 ; invoke-static {v2, v1}
        assert_eq!(
            last_const(&[&[0x0112][..], &INVOKE_V2_V1].concat()),
            Some(0)
        );
        // const/4 v1, #1
        assert_eq!(
            last_const(&[&[0x1112][..], &INVOKE_V2_V1].concat()),
            Some(1)
        );
        // const/4 v1, #-1
        assert_eq!(
            last_const(&[&[0xf112][..], &INVOKE_V2_V1].concat()),
            Some(-1)
        );
        // const/16 v1, #0 ; then an unrelated const/4 v3, #1 between
        assert_eq!(
            last_const(&[&[0x0113, 0x0000, 0x1312][..], &INVOKE_V2_V1].concat()),
            Some(0)
        );
        // invoke-static/range {v4 .. v5}: const/4 v5, #0 first.
        assert_eq!(last_const(&[0x0512, 0x0277, 0x0007, 0x0004]), Some(0));
    }

    #[test]
    fn a_value_written_or_branched_over_is_unknown() {
        // const/4 v1, #0 ; move-result v1 ; invoke
        assert_eq!(
            last_const(&[&[0x0112, 0x010a][..], &INVOKE_V2_V1].concat()),
            None
        );
        // const/4 v1, #0 ; if-eqz v0, +2 ; invoke
        assert_eq!(
            last_const(&[&[0x0112, 0x0038, 0x0002][..], &INVOKE_V2_V1].concat()),
            None
        );
        // No const at all: a parameter.
        assert_eq!(last_const(&INVOKE_V2_V1), None);
        // const-wide/16 v0, #0 writes v0 and v1.
        assert_eq!(
            last_const(&[&[0x0112, 0x0016, 0x0000][..], &INVOKE_V2_V1].concat()),
            None
        );
    }
}
