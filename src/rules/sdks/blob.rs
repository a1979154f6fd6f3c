//! The compact binary form of the validated knowledge base. `build.rs` parses and validates
//! `rules/sdks/*.toml` with the loader (`load.rs`), sorts the entries by id and writes them with
//! [`encode`]; the binary embeds the bytes and [`decode`]s them at start-up, which costs
//! microseconds where parsing the TOML cost tens of milliseconds.
//!
//! The format is private to one build (the blob is written and read by the same source), so it
//! has no compatibility rules: a magic and a version, the string table (every distinct string
//! once, UTF-8, checked once at decoding), then the entries. Integers are LEB128, strings an
//! offset and a length in the table, `Option` a 0/1 byte, `Vec` a length then its items, and
//! each struct its fields in declaration order (the `codec!` list names every field: a new field
//! that is not added to it fails to compile).

use super::consent::{ConsentApi, ConsentKind};
use super::literal::Needles;
use super::types::Sigs;
use super::{
    ClassPrefix, DataTypes, DexStringSig, ManifestKind, ManifestSig, RegexSig, SdkRule,
    SigConfidence, SigMeta, VersionKind, VersionSig,
};

/// The first bytes of a blob.
const MAGIC: &[u8; 8] = b"AAKB\x00\x00\x00\x07";

/// Reads values back from a blob; every read is bounds-checked.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The string table.
    strings: &'a str,
}

/// Writes a blob: the values, and the string table they point into.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Writer {
    out: Vec<u8>,
    strings: String,
    /// Offset of each string already in the table.
    seen: std::collections::HashMap<String, usize>,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| format!("knowledge-base blob truncated at offset {}", self.pos))?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| {
                format!(
                    "knowledge-base blob: {n} bytes at offset {} run past its end",
                    self.pos
                )
            })?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!(
            "knowledge-base blob: {what} at offset {}",
            self.pos
        ))
    }
}

/// A value with a binary form.
pub(crate) trait Codec: Sized {
    /// Appends the value (build.rs; the binary only reads).
    #[cfg_attr(not(test), allow(dead_code))]
    fn put(&self, w: &mut Writer);
    /// Reads a value.
    fn get(r: &mut Reader<'_>) -> Result<Self, String>;
}

impl Codec for usize {
    fn put(&self, w: &mut Writer) {
        let mut v = *self as u64;
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                w.out.push(b);
                return;
            }
            w.out.push(b | 0x80);
        }
    }

    fn get(r: &mut Reader<'_>) -> Result<Self, String> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = r.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return usize::try_from(v).or_else(|_| r.err("integer too large"));
            }
        }
        r.err("integer longer than 10 bytes")
    }
}

impl Codec for u8 {
    fn put(&self, w: &mut Writer) {
        w.out.push(*self);
    }

    fn get(r: &mut Reader<'_>) -> Result<Self, String> {
        r.byte()
    }
}

impl<A: Codec, B: Codec> Codec for (A, B) {
    fn put(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
    }

    fn get(r: &mut Reader<'_>) -> Result<Self, String> {
        Ok((A::get(r)?, B::get(r)?))
    }
}

impl Codec for bool {
    fn put(&self, w: &mut Writer) {
        w.out.push(u8::from(*self));
    }

    fn get(r: &mut Reader<'_>) -> Result<Self, String> {
        match r.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => r.err("bad boolean"),
        }
    }
}

impl Codec for String {
    fn put(&self, w: &mut Writer) {
        let at = match w.seen.get(self) {
            Some(&at) => at,
            None => {
                let at = w.strings.len();
                w.strings.push_str(self);
                w.seen.insert(self.clone(), at);
                at
            }
        };
        at.put(w);
        self.len().put(w);
    }

    fn get(r: &mut Reader<'_>) -> Result<Self, String> {
        let at = usize::get(r)?;
        let n = usize::get(r)?;
        match at.checked_add(n).and_then(|end| r.strings.get(at..end)) {
            Some(s) => Ok(s.to_string()),
            None => r.err("string outside the table"),
        }
    }
}

impl<T: Codec> Codec for Option<T> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.out.push(0),
            Some(v) => {
                w.out.push(1);
                v.put(w);
            }
        }
    }

    fn get(r: &mut Reader<'_>) -> Result<Self, String> {
        match r.byte()? {
            0 => Ok(None),
            1 => Ok(Some(T::get(r)?)),
            _ => r.err("bad option tag"),
        }
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn put(&self, w: &mut Writer) {
        self.len().put(w);
        for v in self {
            v.put(w);
        }
    }

    fn get(r: &mut Reader<'_>) -> Result<Self, String> {
        let n = usize::get(r)?;
        // Every item takes at least one byte: a length beyond the bytes left is corrupt, and
        // bounds the allocation.
        if n > r.bytes.len() - r.pos.min(r.bytes.len()) {
            return r.err("list longer than the blob");
        }
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::get(r)?);
        }
        Ok(v)
    }
}

impl Codec for SigConfidence {
    fn put(&self, w: &mut Writer) {
        w.out.push(match self {
            SigConfidence::High => 0,
            SigConfidence::Medium => 1,
        });
    }

    fn get(r: &mut Reader<'_>) -> Result<Self, String> {
        match r.byte()? {
            0 => Ok(SigConfidence::High),
            1 => Ok(SigConfidence::Medium),
            _ => r.err("bad confidence"),
        }
    }
}

/// `Codec` for an enum listed in its `ALL` table of `(name, value)`: its index in the table.
macro_rules! table_codec {
    ($ty:ident, $what:literal) => {
        impl Codec for $ty {
            fn put(&self, w: &mut Writer) {
                let i = $ty::ALL.iter().position(|(_, k)| k == self).unwrap_or(0);
                i.put(w);
            }

            fn get(r: &mut Reader<'_>) -> Result<Self, String> {
                let i = usize::get(r)?;
                match $ty::ALL.get(i) {
                    Some((_, k)) => Ok(*k),
                    None => r.err($what),
                }
            }
        }
    };
}

table_codec!(ManifestKind, "bad manifest kind");
table_codec!(ConsentKind, "bad consent kind");

impl Codec for VersionKind {
    fn put(&self, w: &mut Writer) {
        match self {
            VersionKind::DexConstant { class, field } => {
                w.out.push(0);
                class.put(w);
                field.put(w);
            }
            VersionKind::NativeName => w.out.push(1),
            VersionKind::NativeString { lib } => {
                w.out.push(2);
                lib.put(w);
            }
        }
    }

    fn get(r: &mut Reader<'_>) -> Result<Self, String> {
        match r.byte()? {
            0 => Ok(VersionKind::DexConstant {
                class: String::get(r)?,
                field: String::get(r)?,
            }),
            1 => Ok(VersionKind::NativeName),
            2 => Ok(VersionKind::NativeString {
                lib: String::get(r)?,
            }),
            _ => r.err("bad version kind"),
        }
    }
}

/// `Codec` for a struct: its fields in order. The struct literal in `get` names every field, so
/// a field missing from the list is a compile error.
macro_rules! codec {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Codec for $ty {
            fn put(&self, w: &mut Writer) {
                $(self.$field.put(w);)*
            }

            fn get(r: &mut Reader<'_>) -> Result<Self, String> {
                Ok($ty { $($field: Codec::get(r)?,)* })
            }
        }
    };
}

codec!(SigMeta {
    confidence,
    base,
    bundled_in,
    shipped_with,
    via,
    source,
    line
});
codec!(ClassPrefix {
    value,
    contains,
    meta
});
codec!(RegexSig { regex, note, meta });
codec!(ManifestSig {
    kind,
    name,
    disabled_when,
    meta
});
codec!(DexStringSig {
    value,
    own_code,
    meta
});
codec!(VersionSig {
    kind,
    pattern,
    source,
    line
});
codec!(ConsentApi {
    kind,
    target,
    source,
    off_when,
    line
});
codec!(DataTypes {
    confidence,
    items,
    source,
    sources
});
codec!(SdkRule {
    id,
    name_en,
    names,
    vendor_zh,
    vendor_en,
    category,
    privacy_url,
    shared_with,
    bundled_by,
    artifacts,
    notes,
    network,
    data_types,
    class_prefixes,
    native_libs,
    manifest,
    assets,
    dex_strings,
    versions,
    consent,
    file
});

/// What the blob holds: the validated entries sorted by id, and the literals of every index
/// regex that is not an exact name ([`super::literal::needles`], by pattern).
#[derive(Debug, PartialEq)]
pub(crate) struct Compiled {
    /// The entries.
    pub rules: Vec<SdkRule>,
    /// (pattern, its literals).
    pub needles: Vec<(String, Needles)>,
}

/// A blob opened for use: what the matchers need of every entry, read at once (its strings
/// borrowed from the blob), and each entry's full record, decoded on demand.
pub(crate) struct Opened<'a> {
    /// Per entry (sorted by id): its signatures.
    pub sigs: Vec<Sigs<'a>>,
    /// The literals of the index regexes.
    pub needles: Vec<(String, Needles)>,
    /// Per entry: where its record starts.
    records: Vec<usize>,
    bytes: &'a [u8],
    strings: &'a str,
}

impl std::fmt::Debug for Opened<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the blob's bytes.
        f.debug_struct("Opened")
            .field("entries", &self.sigs.len())
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Opened<'_> {
    /// Entry `i` in full.
    pub(crate) fn rule(&self, i: usize) -> Result<SdkRule, String> {
        let Some(&pos) = self.records.get(i) else {
            return Err(format!("knowledge-base blob: no entry {i}"));
        };
        let mut r = Reader {
            bytes: self.bytes,
            pos,
            strings: self.strings,
        };
        SdkRule::get(&mut r)
    }
}

impl<'a> Reader<'a> {
    /// A string of the table, borrowed.
    fn str_ref(&mut self) -> Result<&'a str, String> {
        let at = usize::get(self)?;
        let n = usize::get(self)?;
        match at.checked_add(n).and_then(|end| self.strings.get(at..end)) {
            Some(s) => Ok(s),
            None => self.err("string outside the table"),
        }
    }

    fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        let n = usize::get(self)?;
        if n > self.bytes.len() - self.pos.min(self.bytes.len()) {
            return self.err("list longer than the blob");
        }
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(item(self)?);
        }
        Ok(v)
    }

    fn sigs(&mut self) -> Result<Sigs<'a>, String> {
        Ok(Sigs {
            id: self.str_ref()?,
            shared: bool::get(self)?,
            class_prefixes: self.list(|r| Ok((r.str_ref()?, bool::get(r)?)))?,
            native_libs: self.list(Self::str_ref)?,
            assets: self.list(Self::str_ref)?,
            manifest: self.list(|r| Ok((ManifestKind::get(r)?, r.str_ref()?)))?,
            dex_strings: self.list(Self::str_ref)?,
            version_libs: self.list(Self::str_ref)?,
            consent: self.list(|r| Ok((ConsentKind::get(r)?, r.str_ref()?)))?,
        })
    }
}

#[cfg_attr(not(test), allow(dead_code))]
impl Writer {
    fn str_ref(&mut self, s: &str) {
        s.to_string().put(self);
    }

    fn list<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        items.len().put(self);
        for i in items {
            item(self, i);
        }
    }

    fn sigs(&mut self, s: &Sigs<'_>) {
        self.str_ref(s.id);
        s.shared.put(self);
        self.list(&s.class_prefixes, |w, (v, c)| {
            w.str_ref(v);
            c.put(w);
        });
        self.list(&s.native_libs, |w, v| w.str_ref(v));
        self.list(&s.assets, |w, v| w.str_ref(v));
        self.list(&s.manifest, |w, (k, v)| {
            k.put(w);
            w.str_ref(v);
        });
        self.list(&s.dex_strings, |w, v| w.str_ref(v));
        self.list(&s.version_libs, |w, v| w.str_ref(v));
        self.list(&s.consent, |w, (k, v)| {
            k.put(w);
            w.str_ref(v);
        });
    }
}

/// The blob (build.rs; the binary only reads): the string table, then per entry the offset of
/// its record and its signatures, the needles, and the records.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn encode(kb: &Compiled) -> Vec<u8> {
    let mut w = Writer {
        out: Vec::new(),
        strings: String::new(),
        seen: Default::default(),
    };
    // The records first (their offsets go in the head), then the head.
    let mut offsets = Vec::with_capacity(kb.rules.len());
    for r in &kb.rules {
        offsets.push(w.out.len());
        r.put(&mut w);
    }
    let records = std::mem::take(&mut w.out);
    let sigs = Sigs::of_all(&kb.rules);
    sigs.len().put(&mut w);
    for (s, at) in sigs.iter().zip(&offsets) {
        at.put(&mut w);
        w.sigs(s);
    }
    kb.needles.put(&mut w);
    let body = std::mem::take(&mut w.out);
    let mut head = Writer {
        out: MAGIC.to_vec(),
        strings: String::new(),
        seen: Default::default(),
    };
    w.strings.len().put(&mut head);
    head.out.extend_from_slice(w.strings.as_bytes());
    // Record offsets are relative to the records, which follow the body.
    let records_at = head.out.len() + 8 + body.len();
    head.out
        .extend_from_slice(&(records_at as u64).to_le_bytes());
    head.out.extend_from_slice(&body);
    head.out.extend_from_slice(&records);
    head.out
}

/// Opens a blob written by [`encode`]: the signatures and needles read, the records not yet.
pub(crate) fn open(bytes: &[u8]) -> Result<Opened<'_>, String> {
    if bytes.get(..MAGIC.len()) != Some(&MAGIC[..]) {
        return Err("knowledge-base blob: bad magic or format version".to_string());
    }
    let mut r = Reader {
        bytes,
        pos: MAGIC.len(),
        strings: "",
    };
    let n = usize::get(&mut r)?;
    r.strings = match std::str::from_utf8(r.take(n)?) {
        Ok(s) => s,
        Err(e) => return r.err(&format!("string table not UTF-8 ({e})")),
    };
    let mut at = [0u8; 8];
    at.copy_from_slice(r.take(8)?);
    let records_at = usize::try_from(u64::from_le_bytes(at))
        .ok()
        .filter(|&a| a <= bytes.len())
        .map_or_else(|| r.err("records outside the blob"), Ok)?;
    let mut records = Vec::new();
    let sigs = r.list(|r| {
        let rec = usize::get(r)?;
        match records_at.checked_add(rec).filter(|&p| p <= bytes.len()) {
            Some(p) => records.push(p),
            None => return r.err("record outside the blob"),
        }
        r.sigs()
    })?;
    let needles = Vec::<(String, Needles)>::get(&mut r)?;
    if r.pos != records_at {
        return r.err("records do not follow the needles");
    }
    Ok(Opened {
        sigs,
        needles,
        records,
        bytes,
        strings: r.strings,
    })
}

/// Every entry of a blob, decoded (tests; the binary decodes entries on demand).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn decode(bytes: &[u8]) -> Result<Compiled, String> {
    let opened = open(bytes)?;
    let mut rules = Vec::with_capacity(opened.sigs.len());
    let mut end = opened.records.first().copied().unwrap_or(bytes.len());
    for i in 0..opened.sigs.len() {
        let mut r = Reader {
            bytes,
            pos: opened.records[i],
            strings: opened.strings,
        };
        if r.pos != end {
            return r.err("records not consecutive");
        }
        rules.push(SdkRule::get(&mut r)?);
        end = r.pos;
    }
    if end != bytes.len() {
        return Err(format!(
            "knowledge-base blob: trailing bytes at offset {end}"
        ));
    }
    Ok(Compiled {
        rules,
        needles: opened.needles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_blob_round_trips() {
        let blob: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin_sdks.bin"));
        let kb = decode(blob).expect("decodes");
        assert!(kb.rules.len() >= 600, "{}", kb.rules.len());
        assert!(
            kb.rules.windows(2).all(|w| w[0].id < w[1].id),
            "sorted by id"
        );
        assert!(kb.needles.len() >= 50, "{}", kb.needles.len());
        assert_eq!(encode(&kb), blob);
    }

    #[test]
    fn corrupt_blobs_are_errors_not_panics() {
        let blob: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin_sdks.bin"));
        assert!(decode(&blob[..blob.len() - 1]).is_err());
        assert!(decode(&blob[..MAGIC.len()]).is_err());
        assert!(decode(b"not a blob").is_err());
        let mut trailing = blob.to_vec();
        trailing.push(0);
        assert!(decode(&trailing).unwrap_err().contains("trailing"));
        // A huge list length: an error, not an allocation.
        let mut huge = Writer {
            out: MAGIC.to_vec(),
            strings: String::new(),
            seen: Default::default(),
        };
        0usize.put(&mut huge);
        usize::MAX.put(&mut huge);
        assert!(decode(&huge.out).is_err());
        // Every truncation point fails cleanly.
        for cut in (MAGIC.len()..blob.len()).step_by(997) {
            assert!(decode(&blob[..cut]).is_err(), "cut at {cut}");
        }
    }
}
