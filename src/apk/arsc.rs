//! The compiled resource table (`resources.arsc`): which resources an app defines, by type and
//! name, and the values of its strings.
//!
//! Read through bounds-checked cursors, without copying the input: the table's global string
//! pool (the values), then each package with its type-name and key-name pools, its type specs and
//! its types (one chunk per type and configuration: dense 32-bit entry offsets, 16-bit offsets, or
//! sparse index/offset pairs). Header sizes are honoured rather than assumed; map (complex)
//! entries are stepped over whole; shared-library maps, overlayables, staged aliases and any
//! unknown chunk are skipped by their size.
//!
//! Like Android's `LoadedArsc`, the framing is checked when the table is read: a chunk that does
//! not fit its parent, a string pool or offset array larger than its chunk, a type without a name
//! is an error naming the structure and its offset. Like Android too, a single entry is only
//! checked when it is read: one whose offset, size, value or key name does not hold is skipped
//! and counted ([`ResourceTable::skipped_entries`]), since Android would fail only the lookup of
//! that one resource.
//!
//! Hostile input stays bounded: every count is checked against the bytes that hold it before it
//! drives a loop or an allocation; dense entries past index 0xffff, which no resource id can name,
//! are not read; each name is decoded once however many entries share it, and the strings decoded
//! from one table are limited to [`MAX_DECODED`] bytes. Nothing recurses.

use crate::apk::chunk::{chunk_header, ChunkHeader, StringPool, RES_STRING_POOL};
use crate::cursor::{to_usize, Cursor};
use crate::error::ParseError;
use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

const RES_TABLE: u16 = 0x0002;
const RES_TABLE_PACKAGE: u16 = 0x0200;
const RES_TABLE_TYPE: u16 = 0x0201;
const RES_TABLE_TYPE_SPEC: u16 = 0x0202;
/// `sizeof(ResTable_header)`: the chunk header and the package count.
const TABLE_HEADER_LEN: usize = 12;
/// `sizeof(ResTable_package)` without `typeIdOffset`, which older tables lack.
const PACKAGE_HEADER_MIN: usize = 284;
/// `sizeof(ResTable_package)` with `typeIdOffset`.
const PACKAGE_HEADER_LEN: usize = 288;
/// `sizeof(ResTable_typeSpec)`.
const TYPE_SPEC_HEADER_LEN: usize = 16;
/// `ResTable_type` up to its config, which starts with its own size.
const TYPE_CONFIG_AT: usize = 20;
const TYPE_FLAG_SPARSE: u8 = 0x01;
const TYPE_FLAG_OFFSET16: u8 = 0x02;
const ENTRY_FLAG_COMPLEX: u16 = 0x0001;
const ENTRY_FLAG_COMPACT: u16 = 0x0008;
const NO_ENTRY: u32 = 0xffff_ffff;
const NO_ENTRY16: u16 = 0xffff;
/// `sizeof(ResTable_entry)`.
const ENTRY_LEN: usize = 8;
/// `sizeof(ResTable_map_entry)`: an entry, its parent and its map count.
const MAP_ENTRY_LEN: usize = 16;
/// `sizeof(ResTable_map)`: a name and a value.
const MAP_LEN: usize = 12;
/// `sizeof(Res_value)`.
const VALUE_LEN: usize = 8;
/// `Res_value::TYPE_STRING`.
const TYPE_STRING: u8 = 0x03;
/// Dense entry indices a resource id can name (its low 16 bits).
const MAX_ENTRIES: usize = 0x1_0000;
/// Most bytes of strings decoded from one table: names while it is read (past it, reading fails),
/// and again values when asked for (past it, [`ResourceTable::string_value`] returns `None`).
/// Real tables decode a few MiB; the bound stops pools whose strings overlap or repeat.
pub const MAX_DECODED: usize = 64 << 20;
/// Name slots not decoded yet, or whose string cannot be read.
const UNDECODED: u32 = u32::MAX;
const BROKEN: u32 = u32::MAX - 1;

/// A decoded resource table, borrowing the bytes it was read from.
#[derive(Debug)]
pub struct ResourceTable<'a> {
    /// The global string pool: string values and file paths.
    values: Option<StringPool<'a>>,
    /// Values decoded so far, one slot per string of `values` (allocated on the first lookup).
    value_cache: OnceLock<Vec<OnceLock<Option<Cow<'a, str>>>>>,
    /// Bytes of values decoded so far.
    value_budget: AtomicUsize,
    /// Type and key names, each decoded once.
    names: Vec<Cow<'a, str>>,
    /// Package names, in file order.
    packages: Vec<String>,
    /// Every readable entry of every configuration, by resource id, then in file order.
    entries: Vec<Entry>,
    /// Entries Android would refuse to read.
    skipped: usize,
}

/// One entry of one configuration.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// `0xPPTTEEEE`.
    id: u32,
    /// Index into `names`.
    type_name: u32,
    /// Index into `names`.
    key: u32,
    /// `Res_value` (data type, data); `None` for a map entry (style, plurals, array...).
    value: Option<(u8, u32)>,
    /// Whether the entry's configuration is the default one (no qualifier).
    default_config: bool,
}

impl<'a> ResourceTable<'a> {
    /// The name of the first package (the app's: `com.example.app`), when the table has one.
    pub fn package_name(&self) -> Option<&str> {
        self.packages.first().map(String::as_str)
    }

    /// The key names of every entry whose type is `type_name` (`"string"`, `"drawable"`...), in
    /// every package and configuration: sorted, each once.
    pub fn names_of_type(&self, type_name: &str) -> Vec<&str> {
        let mut keys: Vec<u32> = self
            .entries
            .iter()
            .filter(|e| self.name(e.type_name) == type_name)
            .map(|e| e.key)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut names: Vec<&str> = keys.into_iter().map(|k| self.name(k)).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The (type name, key name) of resource `id` (`0x7f0b0001` → `("string", "app_name")`).
    pub fn name_of(&self, id: u32) -> Option<(&str, &str)> {
        let e = self.lookup(id)?;
        Some((self.name(e.type_name), self.name(e.key)))
    }

    /// The text of string resource `id`: its value in the default configuration, else in the
    /// first one the table holds, when that value is a string (`TYPE_STRING`) of the global pool.
    /// `None` for any other value, a string that cannot be read, or once [`MAX_DECODED`] bytes
    /// of values were decoded.
    pub fn string_value(&self, id: u32) -> Option<&str> {
        let e = self.lookup(id)?;
        match e.value {
            Some((TYPE_STRING, idx)) => self.value(idx),
            _ => None,
        }
    }

    /// How many entries could not be read (an offset, size, value or key name that does not
    /// hold) and were left out.
    pub fn skipped_entries(&self) -> usize {
        self.skipped
    }

    fn name(&self, idx: u32) -> &str {
        self.names.get(to_usize(idx)).map_or("", |n| n)
    }

    /// The entry of `id` in the default configuration, else the first one.
    fn lookup(&self, id: u32) -> Option<&Entry> {
        let from = self.entries.partition_point(|e| e.id < id);
        let mut same = self.entries[from..].iter().take_while(|e| e.id == id);
        let first = same.clone().next();
        same.find(|e| e.default_config).or(first)
    }

    /// String `idx` of the global pool, decoded once.
    fn value(&self, idx: u32) -> Option<&str> {
        let pool = self.values.as_ref()?;
        let cache = self
            .value_cache
            .get_or_init(|| (0..pool.len()).map(|_| OnceLock::new()).collect());
        cache
            .get(to_usize(idx))?
            .get_or_init(|| {
                let s = pool.get(idx).ok()?;
                let before = self.value_budget.fetch_add(s.len(), Ordering::Relaxed);
                (before.saturating_add(s.len()) <= MAX_DECODED).then_some(s)
            })
            .as_deref()
    }
}

/// Reads a resource table. Fails, naming the structure and its offset, when its framing does
/// not hold (a chunk that does not fit its parent, a pool or offset array larger than its chunk,
/// a type without a readable name) or past [`MAX_DECODED`]; an entry that cannot be read is
/// skipped and counted instead ([`ResourceTable::skipped_entries`]).
pub fn parse(data: &[u8]) -> Result<ResourceTable<'_>, ParseError> {
    let mut c = Cursor::new(data, "resource table header");
    let top = chunk_header(&mut c, data.len())?;
    if top.kind != RES_TABLE {
        return Err(ParseError::invalid(
            "resource table header",
            0,
            format!("type {:#06x} is not a resource table (0x0002)", top.kind),
        ));
    }
    if top.header_size < TABLE_HEADER_LEN {
        return Err(ParseError::invalid(
            "resource table header",
            0,
            format!(
                "header size {} is below {TABLE_HEADER_LEN}",
                top.header_size
            ),
        ));
    }
    let mut r = Reader {
        data,
        names: Vec::new(),
        decoded: 0,
        entries: Vec::new(),
        skipped: 0,
    };
    let mut values = None;
    let mut packages = Vec::new();
    for h in Children::new(data, top.body(), top.end())? {
        let h = h?;
        match h.kind {
            // Android reads the first pool; later ones are ignored.
            RES_STRING_POOL if values.is_none() => values = Some(StringPool::parse(data, &h)?),
            RES_TABLE_PACKAGE => packages.push(r.package(&h)?),
            _ => {}
        }
    }
    // Stable: the entries of one id keep their file order.
    r.entries.sort_by_key(|e| e.id);
    Ok(ResourceTable {
        values,
        value_cache: OnceLock::new(),
        value_budget: AtomicUsize::new(0),
        names: r.names,
        packages,
        entries: r.entries,
        skipped: r.skipped,
    })
}

/// The chunks from `from` to `end`, each checked to fit there. Fewer bytes than a chunk header
/// at the end are ignored (padding).
struct Children<'a> {
    c: Cursor<'a>,
    end: usize,
    failed: bool,
}

impl<'a> Children<'a> {
    fn new(data: &'a [u8], from: usize, end: usize) -> Result<Self, ParseError> {
        Ok(Children {
            c: Cursor::at(&data[..end], from, "resource table chunk")?,
            end,
            failed: false,
        })
    }
}

impl Iterator for Children<'_> {
    type Item = Result<ChunkHeader, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.c.remaining() < 8 {
            return None;
        }
        let h = chunk_header(&mut self.c, self.end).and_then(|h| {
            // A chunk is at least its 8-byte header, so every step moves forward.
            self.c.seek(h.end())?;
            Ok(h)
        });
        self.failed = h.is_err();
        Some(h)
    }
}

/// A package's type-name or key-name pool, with the names decoded from it so far.
struct Names<'a> {
    pool: StringPool<'a>,
    /// Per string: its index in [`Reader::names`], or [`UNDECODED`] / [`BROKEN`].
    slots: Vec<u32>,
}

impl<'a> Names<'a> {
    fn new(pool: StringPool<'a>) -> Self {
        // One u32 per string, and the pool holds 4 bytes of offset per string.
        let slots = vec![UNDECODED; pool.len()];
        Names { pool, slots }
    }
}

/// What is read so far.
struct Reader<'a> {
    data: &'a [u8],
    names: Vec<Cow<'a, str>>,
    /// Bytes of names decoded (bounded by [`MAX_DECODED`]).
    decoded: usize,
    entries: Vec<Entry>,
    skipped: usize,
}

impl<'a> Reader<'a> {
    /// Reads one package: its name, its pools, then its type specs and types.
    fn package(&mut self, h: &ChunkHeader) -> Result<String, ParseError> {
        if h.header_size < PACKAGE_HEADER_MIN {
            return Err(ParseError::invalid(
                "package header",
                h.start as u64,
                format!(
                    "header size {} is below {PACKAGE_HEADER_MIN}",
                    h.header_size
                ),
            ));
        }
        let mut c = Cursor::at(&self.data[..h.body()], h.start + 8, "package header")?;
        let id = c.u32()?;
        let name = utf16z(c.bytes(256)?);
        let type_strings = to_usize(c.u32()?);
        let _last_public_type = c.u32()?;
        let key_strings = to_usize(c.u32()?);
        let _last_public_key = c.u32()?;
        let type_id_offset = if h.header_size >= PACKAGE_HEADER_LEN {
            c.u32()?
        } else {
            0
        };
        let package_id = u8::try_from(id).map_err(|_| {
            ParseError::invalid(
                "package header",
                (h.start + 8) as u64,
                format!("package id {id:#x} does not fit the 8 bits of a resource id"),
            )
        })?;
        // The pools the header points at (as Android finds them), else the first two in order.
        let (mut types, mut keys, mut spare) = (None, None, Vec::with_capacity(2));
        for ch in Children::new(self.data, h.body(), h.end())? {
            let ch = ch?;
            if ch.kind != RES_STRING_POOL {
                continue;
            }
            let at = ch.start - h.start;
            if at == type_strings && types.is_none() {
                types = Some(ch);
            } else if at == key_strings && keys.is_none() {
                keys = Some(ch);
            } else if spare.len() < 2 {
                spare.push(ch);
            }
        }
        let mut spare = spare.into_iter();
        let types = types.or_else(|| spare.next());
        let keys = keys.or_else(|| spare.next());
        let open = |p: Option<ChunkHeader>| -> Result<Option<Names<'a>>, ParseError> {
            p.map(|p| StringPool::parse(self.data, &p).map(Names::new))
                .transpose()
        };
        let (mut types, mut keys) = (open(types)?, open(keys)?);
        let pkg = Package {
            id: package_id,
            type_id_offset,
        };
        for ch in Children::new(self.data, h.body(), h.end())? {
            let ch = ch?;
            match ch.kind {
                RES_TABLE_TYPE_SPEC => type_spec(self.data, &ch)?,
                RES_TABLE_TYPE => {
                    let missing = |what: &str| {
                        ParseError::invalid(
                            "type",
                            ch.start as u64,
                            format!("the package has no {what} string pool"),
                        )
                    };
                    let types = types.as_mut().ok_or_else(|| missing("type-name"))?;
                    let keys = keys.as_mut().ok_or_else(|| missing("key-name"))?;
                    self.type_chunk(&ch, pkg, types, keys)?;
                }
                // Libraries, overlayables, staged aliases, unknown chunks: nothing to read.
                _ => {}
            }
        }
        Ok(name)
    }

    /// Reads the entries of one type chunk (one type, one configuration).
    fn type_chunk(
        &mut self,
        h: &ChunkHeader,
        pkg: Package,
        types: &mut Names<'a>,
        keys: &mut Names<'a>,
    ) -> Result<(), ParseError> {
        let invalid = |at: usize, msg: String| ParseError::invalid("type", at as u64, msg);
        if h.header_size < TYPE_CONFIG_AT + 4 {
            return Err(invalid(
                h.start,
                format!(
                    "header size {} is below {}",
                    h.header_size,
                    TYPE_CONFIG_AT + 4
                ),
            ));
        }
        let mut c = Cursor::at(&self.data[..h.body()], h.start + 8, "type header")?;
        let type_id = c.u8()?;
        let flags = c.u8()?;
        let _reserved = c.u16()?;
        let count = to_usize(c.u32()?);
        let entries_start = to_usize(c.u32()?);
        let config_size = to_usize(c.u32()?);
        if type_id == 0 {
            return Err(invalid(h.start + 8, "type id 0".to_string()));
        }
        // The config's fields after its size, as far as the header holds them: all zero is the
        // default configuration.
        let config_end = (h.start + TYPE_CONFIG_AT)
            .saturating_add(config_size)
            .clamp(c.pos(), h.body());
        let default_config = self.data[c.pos()..config_end].iter().all(|&b| b == 0);
        let sparse = flags & TYPE_FLAG_SPARSE != 0;
        let width = if !sparse && flags & TYPE_FLAG_OFFSET16 != 0 {
            2
        } else {
            4
        };
        let room = h.end() - h.body();
        if count.saturating_mul(width) > room {
            return Err(invalid(
                h.start + 12,
                format!(
                    "{count} entries of {width} bytes declared but {room} bytes follow the header"
                ),
            ));
        }
        if entries_start > h.size {
            return Err(invalid(
                h.start + 16,
                format!(
                    "entries start {entries_start:#x} is past the chunk's {} bytes",
                    h.size
                ),
            ));
        }
        let type_name = u32::from(type_id)
            .checked_sub(1)
            .and_then(|i| i.checked_sub(pkg.type_id_offset));
        let type_name = match type_name {
            Some(i) => self.name(types, i)?,
            None => None,
        }
        .ok_or_else(|| {
            invalid(
                h.start + 8,
                format!(
                    "type id {type_id} has no readable name in the type string pool ({} names)",
                    types.pool.len()
                ),
            )
        })?;
        let offsets = &self.data[h.body()..h.body() + count * width];
        // Dense entries past 0xffff cannot be named by any resource id: not read.
        let read = if sparse {
            count
        } else {
            count.min(MAX_ENTRIES)
        };
        let entries_at = h.start + entries_start;
        for (i, o) in offsets.chunks_exact(width).take(read).enumerate() {
            let (index, offset) = match (sparse, width) {
                (true, _) => (
                    u32::from(u16::from_le_bytes([o[0], o[1]])),
                    Some(usize::from(u16::from_le_bytes([o[2], o[3]])) * 4),
                ),
                (false, 2) => {
                    let v = u16::from_le_bytes([o[0], o[1]]);
                    (i as u32, (v != NO_ENTRY16).then(|| usize::from(v) * 4))
                }
                _ => {
                    let v = u32::from_le_bytes([o[0], o[1], o[2], o[3]]);
                    (i as u32, (v != NO_ENTRY).then(|| to_usize(v)))
                }
            };
            let Some(offset) = offset else {
                continue;
            };
            let got = read_entry(&self.data[..h.end()], entries_at.saturating_add(offset));
            let key = match got {
                Some((key, _)) => self.name(keys, key)?,
                None => None,
            };
            match (key, got) {
                (Some(key), Some((_, value))) => self.entries.push(Entry {
                    id: (u32::from(pkg.id) << 24) | (u32::from(type_id) << 16) | index,
                    type_name,
                    key,
                    value,
                    default_config,
                }),
                _ => self.skipped += 1,
            }
        }
        Ok(())
    }

    /// Name `idx` of a pool, decoded once: its index in `names`, or `None` when the string
    /// cannot be read. Fails only past the decoding budget.
    fn name(&mut self, pool: &mut Names<'a>, idx: u32) -> Result<Option<u32>, ParseError> {
        let Some(slot) = pool.slots.get_mut(to_usize(idx)) else {
            return Ok(None);
        };
        match *slot {
            UNDECODED => {}
            BROKEN => return Ok(None),
            n => return Ok(Some(n)),
        }
        let Ok(s) = pool.pool.get(idx) else {
            *slot = BROKEN;
            return Ok(None);
        };
        self.decoded = self.decoded.saturating_add(s.len());
        let n = u32::try_from(self.names.len()).unwrap_or(BROKEN);
        if self.decoded > MAX_DECODED || n >= BROKEN {
            return Err(ParseError::limit(
                format!("string pool entry {idx}"),
                pool.pool.base() as u64,
                format!("more than {MAX_DECODED} bytes of names decoded from one resource table (the same long strings named over and over?)"),
            ));
        }
        self.names.push(s);
        *slot = n;
        Ok(Some(n))
    }
}

/// What a type chunk needs of its package.
#[derive(Debug, Clone, Copy)]
struct Package {
    id: u8,
    /// `typeIdOffset`: type ids are this much above their index in the type-name pool.
    type_id_offset: u32,
}

/// Checks a type spec: a non-zero id and a flags array that fits the chunk (nothing is kept).
fn type_spec(data: &[u8], h: &ChunkHeader) -> Result<(), ParseError> {
    let invalid = |at: usize, msg: String| ParseError::invalid("type spec", at as u64, msg);
    if h.header_size < TYPE_SPEC_HEADER_LEN {
        return Err(invalid(
            h.start,
            format!(
                "header size {} is below {TYPE_SPEC_HEADER_LEN}",
                h.header_size
            ),
        ));
    }
    let mut c = Cursor::at(&data[..h.body()], h.start + 8, "type spec")?;
    let id = c.u8()?;
    let _res0 = c.u8()?;
    let _types_count = c.u16()?;
    let count = to_usize(c.u32()?);
    if id == 0 {
        return Err(invalid(h.start + 8, "type id 0".to_string()));
    }
    let room = h.end() - h.body();
    if count.saturating_mul(4) > room {
        return Err(invalid(
            h.start + 12,
            format!("{count} entry flags declared but {room} bytes follow the header"),
        ));
    }
    Ok(())
}

/// The key index and value of the entry at `at` in `chunk` (which ends where its type chunk
/// does), or `None` when Android would refuse to read it.
fn read_entry(chunk: &[u8], at: usize) -> Option<(u32, Option<(u8, u32)>)> {
    let mut c = Cursor::at(chunk, at, "entry").ok()?;
    let size = usize::from(c.u16().ok()?);
    let flags = c.u16().ok()?;
    let key = c.u32().ok()?;
    if flags & ENTRY_FLAG_COMPACT != 0 {
        // A compact entry: the key index in place of the size, the value's type in the flags'
        // high byte, the value's data in place of the key.
        return Some((size as u32, Some(((flags >> 8) as u8, key))));
    }
    if key == NO_ENTRY || size < ENTRY_LEN {
        return None;
    }
    let after = at.checked_add(size)?;
    if flags & ENTRY_FLAG_COMPLEX != 0 {
        // A map entry: stepped over whole, after checking that its maps fit.
        if size < MAP_ENTRY_LEN {
            return None;
        }
        let _parent = c.u32().ok()?;
        let count = to_usize(c.u32().ok()?);
        let room = chunk.len().checked_sub(after)?;
        return (count.saturating_mul(MAP_LEN) <= room).then_some((key, None));
    }
    let mut v = Cursor::at(chunk, after, "value").ok()?;
    let value_size = usize::from(v.u16().ok()?);
    let _res0 = v.u8().ok()?;
    let data_type = v.u8().ok()?;
    let data = v.u32().ok()?;
    let fits = value_size >= VALUE_LEN && after.saturating_add(value_size) <= chunk.len();
    fits.then_some((key, Some((data_type, data))))
}

/// A NUL-terminated UTF-16 name in a fixed field.
fn utf16z(bytes: &[u8]) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .take_while(|&u| u != 0);
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}
