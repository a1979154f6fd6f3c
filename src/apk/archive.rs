//! The zip layer: an index of the central directory over the APK bytes, and bounded reads of
//! single entries. Nothing is ever written to disk; archive names are only displayed.
//!
//! Like Android's installer (libziparchive), the central directory is the authority: sizes,
//! compression method and offsets come from it; the local header is read only to find where the
//! data starts. What Android tolerates is tolerated here and recorded as an anomaly: a general
//! purpose flag claiming encryption, an unknown compression method (read as deflate, as Android
//! does), a local header that disagrees with the central directory, data before the first entry
//! (the Janus trick), duplicate names (the first one wins).

use crate::apk::Anomaly;
use crate::cursor::Cursor;
use crate::error::ParseError;
use flate2::{Decompress, FlushDecompress, Status};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const CDH_SIG: u32 = 0x0201_4b50;
const LFH_SIG: u32 = 0x0403_4b50;
const EOCD_LEN: usize = 22;
const CDH_LEN: usize = 46;
const LFH_LEN: usize = 30;
const MAX_COMMENT: usize = 0xffff;
/// Local/central mismatches reported one by one; beyond, only their number.
const MAX_MISMATCH_REPORTS: usize = 16;

/// Limits that keep a hostile archive from exhausting memory or time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries the central directory may list.
    pub max_entries: u64,
    /// Largest inflated size of one entry that will be read.
    pub max_entry_size: u64,
    /// Most bytes inflated from one archive in all (nested archives included).
    pub max_total: u64,
    /// Highest inflated/compressed ratio accepted for an entry over 1 MiB inflated.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 200_000,
            max_entry_size: 512 << 20,
            max_total: 4 << 30,
            max_ratio: 1_000,
        }
    }
}

/// One central-directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The name as displayed: UTF-8 (lossy), control characters escaped.
    pub name: String,
    /// Compression method from the central directory (0 stored, 8 deflate).
    pub method: u16,
    /// General purpose bit flags.
    pub flags: u16,
    /// CRC-32 of the inflated data.
    pub crc32: u32,
    /// Compressed size.
    pub compressed_size: u64,
    /// Inflated size.
    pub size: u64,
    /// Offset of the local file header.
    pub header_offset: u64,
    /// Offset of the central-directory record (for error messages).
    pub cd_offset: u64,
}

/// An opened archive: the entries of its central directory, over the borrowed file bytes.
#[derive(Debug)]
pub struct Archive<'a> {
    data: &'a [u8],
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    anomalies: Vec<Anomaly>,
    limits: Limits,
    inflated: AtomicU64,
}

impl<'a> Archive<'a> {
    /// Reads the central directory of `data`.
    pub fn parse(data: &'a [u8], limits: Limits) -> Result<Self, ParseError> {
        let eocd = find_eocd(data)?;
        let mut c = Cursor::at(data, eocd + 4, "end of central directory")?;
        let disk = c.u16()?;
        let cd_disk = c.u16()?;
        let disk_entries = c.u16()?;
        let total_entries = c.u16()?;
        let cd_size = c.u32()?;
        let cd_offset = c.u32()?;
        let mut anomalies = Vec::new();
        if disk != 0 || cd_disk != 0 || disk_entries != total_entries {
            anomalies.push(anomaly(format!(
                "end of central directory claims a multi-disk archive (disk {disk}, cd disk {cd_disk})"
            )));
        }
        let mut count = u64::from(total_entries);
        let mut cd_size = u64::from(cd_size);
        let mut cd_start = u64::from(cd_offset);
        if total_entries == 0xffff || cd_offset == 0xffff_ffff || cd_size == 0xffff_ffff {
            if let Some((n, size, off)) = read_zip64_eocd(data, eocd)? {
                count = n;
                cd_size = size;
                cd_start = off;
            }
        }
        if count > limits.max_entries {
            return Err(ParseError::limit(
                "end of central directory",
                eocd as u64,
                format!(
                    "{count} entries declared, the limit is {} (--max-entries)",
                    limits.max_entries
                ),
            ));
        }
        // The central directory must end where the EOCD record starts (or before it). When data was
        // prepended to the archive (self-extracting stubs, the Janus trick), offsets are shifted.
        let eocd64 = eocd as u64;
        let mut shift = 0u64;
        if cd_start.checked_add(cd_size).is_none_or(|end| end > eocd64) {
            return Err(ParseError::invalid(
                "end of central directory",
                eocd64,
                format!("central directory at {cd_start:#x} of {cd_size} bytes runs past the end record"),
            ));
        }
        let expected_start = eocd64.saturating_sub(cd_size);
        if cd_start < expected_start && !has_sig(data, cd_start, CDH_SIG) {
            shift = expected_start - cd_start;
            anomalies.push(anomaly(format!(
                "{shift} bytes precede the zip data; offsets adjusted"
            )));
            cd_start = expected_start;
        }
        let cd_start_usize = usize::try_from(cd_start).map_err(|_| {
            ParseError::invalid("central directory", cd_start, "offset out of range")
        })?;
        // Each record takes at least 46 bytes: the count cannot exceed what the directory holds.
        if count.saturating_mul(CDH_LEN as u64) > cd_size {
            return Err(ParseError::invalid(
                "central directory",
                cd_start,
                format!("{count} entries declared but the directory holds only {cd_size} bytes"),
            ));
        }
        let mut c = Cursor::at(data, cd_start_usize, "central directory record")?;
        let mut entries = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        let mut by_name = HashMap::with_capacity(entries.capacity());
        let mut seen_encrypted = false;
        let mut raw_names: Vec<&[u8]> = Vec::with_capacity(entries.capacity());
        for i in 0..count {
            let rec = c.pos();
            let sig = c.u32()?;
            if sig != CDH_SIG {
                return Err(c.err_at(
                    rec,
                    format!(
                        "entry {i}: bad signature {sig:#010x}, expected a central directory record"
                    ),
                ));
            }
            c.skip(4)?; // versions made by / needed
            let flags = c.u16()?;
            let method = c.u16()?;
            c.skip(4)?; // time, date
            let crc32 = c.u32()?;
            let mut compressed_size = u64::from(c.u32()?);
            let mut size = u64::from(c.u32()?);
            let name_len = usize::from(c.u16()?);
            let extra_len = usize::from(c.u16()?);
            let comment_len = usize::from(c.u16()?);
            c.skip(8)?; // disk start, internal attrs, external attrs
            let mut header_offset = u64::from(c.u32()?);
            let raw_name = c.bytes(name_len)?;
            let extra = c.bytes(extra_len)?;
            c.skip(comment_len)?;
            if size == 0xffff_ffff || compressed_size == 0xffff_ffff || header_offset == 0xffff_ffff
            {
                apply_zip64_extra(extra, &mut size, &mut compressed_size, &mut header_offset);
            }
            header_offset = header_offset.saturating_add(shift);
            if flags & 1 != 0 && !seen_encrypted {
                seen_encrypted = true;
                anomalies.push(anomaly(format!(
                    "entry {} has the encryption flag set; read as plain data, as Android does",
                    display_name(raw_name)
                )));
            }
            if method != 0 && method != 8 {
                anomalies.push(anomaly(format!(
                    "entry {} declares compression method {method}; read as deflate, as Android does",
                    display_name(raw_name)
                )));
            }
            let name = display_name(raw_name);
            if raw_name.iter().any(|&b| b < 0x20 || b == 0x7f)
                || std::str::from_utf8(raw_name).is_err()
                || name.starts_with('/')
                || name.split('/').any(|p| p == "..")
            {
                anomalies.push(anomaly(format!("entry name {name:?} is unusual")));
            }
            let idx = entries.len();
            if by_name.contains_key(&name) {
                anomalies.push(anomaly(format!(
                    "duplicate entry name {name:?}; the first one is used"
                )));
            } else {
                by_name.insert(name.clone(), idx);
            }
            raw_names.push(raw_name);
            entries.push(Entry {
                name,
                method,
                flags,
                crc32,
                compressed_size,
                size,
                header_offset,
                cd_offset: rec as u64,
            });
        }
        let mut mismatched = 0usize;
        for (e, raw) in entries.iter().zip(&raw_names) {
            if let Some(what) = local_header_mismatch(data, e, raw) {
                mismatched += 1;
                if mismatched <= MAX_MISMATCH_REPORTS {
                    anomalies.push(anomaly(format!(
                        "the local header of {} disagrees with the central directory ({what}); the central directory is used, as Android does",
                        e.name
                    )));
                }
            }
        }
        if mismatched > MAX_MISMATCH_REPORTS {
            anomalies.push(anomaly(format!(
                "{} more local headers disagree with the central directory",
                mismatched - MAX_MISMATCH_REPORTS
            )));
        }
        // Overlapping entries: two records naming one local header, or data running into the
        // next entry's header (the overlap zip bomb). Android reads each entry on its own.
        let mut by_offset: Vec<&Entry> = entries.iter().collect();
        by_offset.sort_by_key(|e| e.header_offset);
        let mut overlaps = 0usize;
        for w in by_offset.windows(2) {
            let min_end = w[0]
                .header_offset
                .saturating_add(LFH_LEN as u64)
                .saturating_add(w[0].compressed_size);
            if w[1].header_offset < min_end {
                overlaps += 1;
                if overlaps <= MAX_MISMATCH_REPORTS {
                    anomalies.push(anomaly(format!(
                        "entries {} and {} overlap (local headers at {:#x} and {:#x})",
                        w[0].name, w[1].name, w[0].header_offset, w[1].header_offset
                    )));
                }
            }
        }
        if overlaps > MAX_MISMATCH_REPORTS {
            anomalies.push(anomaly(format!(
                "{} more overlapping entries",
                overlaps - MAX_MISMATCH_REPORTS
            )));
        }
        if let Some(first) = entries.iter().map(|e| e.header_offset).min() {
            if first > 0 && shift == 0 {
                anomalies.push(anomaly(format!(
                    "{first} bytes precede the first entry (data glued before the archive?)"
                )));
            }
        }
        Ok(Archive {
            data,
            entries,
            by_name,
            anomalies,
            limits,
            inflated: AtomicU64::new(0),
        })
    }

    /// Every entry, in central-directory order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The first entry with this (display) name.
    pub fn find(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).map(|&i| &self.entries[i])
    }

    /// Anomalies met while reading the directory and the entries read so far.
    pub fn anomalies(&self) -> &[Anomaly] {
        &self.anomalies
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Total bytes inflated so far (for nested archives sharing one budget).
    pub fn inflated_total(&self) -> u64 {
        self.inflated.load(Ordering::Relaxed)
    }

    /// Reads an entry's data, inflating it when needed, within the limits. Stored data is borrowed.
    /// A CRC mismatch is returned as the second value (an anomaly to record), not an error.
    pub fn read(&self, entry: &Entry) -> Result<(Cow<'a, [u8]>, Option<String>), ParseError> {
        let mut buf = Vec::new();
        let (stored, bad_crc) = self.read_into(entry, &mut buf)?;
        Ok((stored.map_or(Cow::Owned(buf), Cow::Borrowed), bad_crc))
    }

    /// Like [`read`](Self::read), but inflates into `buf` (cleared first, its allocation reused:
    /// a reader of many entries keeps one buffer, as large as the largest entry, instead of
    /// allocating, faulting in and freeing one per entry). Returns the entry's bytes.
    pub fn read_with<'s>(
        &'s self,
        entry: &Entry,
        buf: &'s mut Vec<u8>,
    ) -> Result<(&'s [u8], Option<String>), ParseError> {
        let (stored, bad_crc) = self.read_into(entry, buf)?;
        Ok((stored.unwrap_or(&buf[..]), bad_crc))
    }

    /// The entry's bytes: `Some` (borrowed from the archive) when stored, else inflated into
    /// `buf`; and a CRC mismatch message.
    pub(crate) fn read_into(
        &self,
        entry: &Entry,
        buf: &mut Vec<u8>,
    ) -> Result<(Option<&'a [u8]>, Option<String>), ParseError> {
        buf.clear();
        let structure = "local file header";
        let hdr = usize::try_from(entry.header_offset).map_err(|_| {
            ParseError::invalid(structure, entry.header_offset, "offset out of range")
        })?;
        let mut c = Cursor::at(self.data, hdr, structure)?;
        c.need(LFH_LEN)?;
        let sig = c.u32()?;
        if sig != LFH_SIG {
            return Err(c.err_at(hdr, format!("{}: bad signature {sig:#010x}", entry.name)));
        }
        c.skip(22)?;
        let name_len = usize::from(c.u16()?);
        let extra_len = usize::from(c.u16()?);
        c.skip(name_len + extra_len)?;
        let start = c.pos();
        let csize = usize::try_from(entry.compressed_size).map_err(|_| {
            ParseError::invalid(
                structure,
                entry.header_offset,
                "compressed size out of range",
            )
        })?;
        let mut d = Cursor::at(self.data, start, "entry data")?;
        let raw = d.bytes(csize).map_err(|e| ParseError {
            structure: format!("data of {}", entry.name),
            ..e
        })?;
        if entry.size > self.limits.max_entry_size {
            return Err(ParseError::limit(
                format!("entry {}", entry.name),
                entry.cd_offset,
                format!(
                    "declared size {} is over the per-entry limit {}",
                    entry.size, self.limits.max_entry_size
                ),
            ));
        }
        let stored: Option<&'a [u8]> = if entry.method == 0 {
            Some(raw)
        } else {
            if entry.size > (1 << 20)
                && entry.size / (entry.compressed_size.max(1)) > self.limits.max_ratio
            {
                return Err(ParseError::limit(
                    format!("entry {}", entry.name),
                    entry.cd_offset,
                    format!(
                        "compression ratio {}:1 is over the limit {}:1",
                        entry.size / entry.compressed_size.max(1),
                        self.limits.max_ratio
                    ),
                ));
            }
            let budget = self
                .limits
                .max_total
                .saturating_sub(self.inflated.load(Ordering::Relaxed));
            let cap = entry.size.min(self.limits.max_entry_size).min(budget);
            match inflate(raw, entry.size, cap, buf) {
                // Data stored under an unknown method may happen to read as a short deflate
                // stream: the raw bytes, of exactly the declared size, are the better reading.
                Ok(())
                    if entry.method != 8
                        && buf.len() as u64 != entry.size
                        && csize as u64 == entry.size =>
                {
                    Some(raw)
                }
                Ok(()) => None,
                Err(msg) if entry.method != 8 && csize as u64 == entry.size => {
                    // An unknown method over data that is not deflate: it may simply be stored.
                    let _ = msg;
                    Some(raw)
                }
                Err(msg) => {
                    return Err(ParseError::invalid(
                        format!("deflate stream of {}", entry.name),
                        start as u64,
                        msg,
                    ))
                }
            }
        };
        let data: &[u8] = stored.unwrap_or(&buf[..]);
        self.inflated
            .fetch_add(data.len() as u64, Ordering::Relaxed);
        if self.inflated.load(Ordering::Relaxed) > self.limits.max_total {
            return Err(ParseError::limit(
                format!("entry {}", entry.name),
                entry.cd_offset,
                format!(
                    "more than {} bytes inflated from this archive (--max-inflated)",
                    self.limits.max_total
                ),
            ));
        }
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let bad_crc = (crc.sum() != entry.crc32).then(|| {
            format!(
                "{}: CRC-32 {:#010x} does not match the declared {:#010x}",
                entry.name,
                crc.sum(),
                entry.crc32
            )
        });
        Ok((stored, bad_crc))
    }
}

fn anomaly(message: String) -> Anomaly {
    Anomaly {
        source: "archive".to_string(),
        message,
    }
}

fn has_sig(data: &[u8], at: u64, sig: u32) -> bool {
    usize::try_from(at)
        .ok()
        .and_then(|a| data.get(a..a.checked_add(4)?))
        .is_some_and(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) == sig)
}

/// How the local header of `e` disagrees with its central-directory record, if it does: name,
/// compression method, or (without a data descriptor, general purpose bit 3) CRC and sizes.
/// A missing local header is not reported here: reading the entry fails with its own error.
fn local_header_mismatch(data: &[u8], e: &Entry, cd_name: &[u8]) -> Option<String> {
    let at = usize::try_from(e.header_offset).ok()?;
    let mut c = Cursor::at(data, at, "local file header").ok()?;
    if c.u32().ok()? != LFH_SIG {
        return None;
    }
    c.skip(2).ok()?; // version needed
    let flags = c.u16().ok()?;
    let method = c.u16().ok()?;
    c.skip(4).ok()?; // time, date
    let crc = c.u32().ok()?;
    let csize = c.u32().ok()?;
    let size = c.u32().ok()?;
    let name_len = usize::from(c.u16().ok()?);
    c.skip(2).ok()?; // extra length: extra fields differ legitimately (zipalign padding)
    let name = c.bytes(name_len).ok()?;
    let mut what = Vec::new();
    if name != cd_name {
        what.push(format!("name {}", display_name(name)));
    }
    if method != e.method {
        what.push(format!("method {method}"));
    }
    if flags & 8 == 0 {
        let fits = |local: u32, central: u64| local == 0xffff_ffff || u64::from(local) == central;
        if crc != e.crc32 || !fits(csize, e.compressed_size) || !fits(size, e.size) {
            what.push(format!("CRC {crc:#010x}, sizes {csize}/{size}"));
        }
    }
    (!what.is_empty()).then(|| what.join(", "))
}

/// Finds the end-of-central-directory record, scanning back over at most a 64 KiB comment.
fn find_eocd(data: &[u8]) -> Result<usize, ParseError> {
    if data.len() < EOCD_LEN {
        return Err(ParseError::truncated(
            "end of central directory",
            0,
            EOCD_LEN as u64,
            data.len() as u64,
        ));
    }
    let last = data.len() - EOCD_LEN;
    let first = last.saturating_sub(MAX_COMMENT);
    for pos in (first..=last).rev() {
        if has_sig(data, pos as u64, EOCD_SIG) {
            let comment_len = usize::from(u16::from_le_bytes([data[pos + 20], data[pos + 21]]));
            // Accept a record whose comment fits; prefer the exact fit but tolerate trailing bytes.
            if pos + EOCD_LEN + comment_len <= data.len() {
                return Ok(pos);
            }
        }
    }
    let what = if data.starts_with(b"PK") {
        "no end of central directory record: the zip is truncated or damaged"
    } else {
        "not a zip archive (no end of central directory record)"
    };
    Err(ParseError::invalid(
        "end of central directory",
        data.len() as u64,
        what,
    ))
}

/// Reads the ZIP64 end record through its locator, when present.
fn read_zip64_eocd(data: &[u8], eocd: usize) -> Result<Option<(u64, u64, u64)>, ParseError> {
    let Some(loc) = eocd.checked_sub(20) else {
        return Ok(None);
    };
    if !has_sig(data, loc as u64, ZIP64_LOCATOR_SIG) {
        return Ok(None);
    }
    let mut c = Cursor::at(data, loc + 8, "zip64 end of central directory locator")?;
    let off = c.u64()?;
    let off = usize::try_from(off).map_err(|_| c.err("zip64 record offset out of range"))?;
    let mut c = Cursor::at(data, off, "zip64 end of central directory")?;
    if c.u32()? != ZIP64_EOCD_SIG {
        return Err(c.err_at(off, "bad signature"));
    }
    c.skip(8 + 2 + 2 + 4 + 4 + 8)?;
    let total = c.u64()?;
    let size = c.u64()?;
    let start = c.u64()?;
    Ok(Some((total, size, start)))
}

/// Applies a ZIP64 extended-information extra field (id 1) to the fields saturated at 0xffffffff.
fn apply_zip64_extra(extra: &[u8], size: &mut u64, csize: &mut u64, offset: &mut u64) {
    let mut c = Cursor::new(extra, "zip64 extra field");
    while c.remaining() >= 4 {
        let (Ok(id), Ok(len)) = (c.u16(), c.u16()) else {
            return;
        };
        let Ok(body) = c.bytes(usize::from(len)) else {
            return;
        };
        if id != 1 {
            continue;
        }
        let mut b = Cursor::new(body, "zip64 extra field");
        for field in [size, csize, offset] {
            if *field == 0xffff_ffff {
                match b.u64() {
                    Ok(v) => *field = v,
                    Err(_) => return,
                }
            }
        }
        return;
    }
}

/// Inflates raw deflate data into `out` (cleared first; its allocation is reused), expecting
/// `expected` bytes, never producing more than `cap`.
fn inflate(raw: &[u8], expected: u64, cap: u64, out: &mut Vec<u8>) -> Result<(), String> {
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    out.clear();
    // Trust the declared size for the first allocation only up to the cap; grow as needed. The
    // output is written into the initialised part of `out` (`len` bytes of it are filled), so a
    // reused buffer's larger capacity can never let it pass the cap.
    out.resize(usize::try_from(expected).unwrap_or(0).min(cap), 0);
    let mut len = 0usize;
    let mut z = Decompress::new(false);
    let in_pos = |z: &Decompress| {
        usize::try_from(z.total_in())
            .unwrap_or(raw.len())
            .min(raw.len())
    };
    loop {
        if len == out.len() {
            if len >= cap {
                // One more byte would pass the limit: is there any more data?
                out.truncate(len);
                let mut probe = [0u8; 1];
                let before = z.total_out();
                let st = z
                    .decompress(&raw[in_pos(&z)..], &mut probe, FlushDecompress::Finish)
                    .map_err(|e| format!("corrupt deflate data: {e}"))?;
                if z.total_out() > before {
                    return Err(format!(
                        "inflates to more than {cap} bytes (the declared size or a limit)"
                    ));
                }
                if st == Status::StreamEnd {
                    return Ok(());
                }
                return Err("deflate data ends early".to_string());
            }
            let grow = (len.max(64 << 10)).min(cap - len);
            out.resize(len + grow, 0);
        }
        let before_in = z.total_in();
        let before_out = z.total_out();
        let st = z
            .decompress(&raw[in_pos(&z)..], &mut out[len..], FlushDecompress::Finish)
            .map_err(|e| format!("corrupt deflate data: {e}"))?;
        len += usize::try_from(z.total_out() - before_out).unwrap_or(0);
        match st {
            Status::StreamEnd => {
                out.truncate(len);
                return Ok(());
            }
            _ if z.total_in() == before_in && z.total_out() == before_out && len < out.len() => {
                out.truncate(len);
                return Err(format!(
                    "deflate data ends early after {len} bytes of output"
                ));
            }
            _ => {}
        }
    }
}

/// Makes an archive name safe to display: lossy UTF-8, control characters escaped.
pub fn display_name(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    if s.chars().any(char::is_control) {
        s.chars()
            .flat_map(|ch| {
                if ch.is_control() {
                    ch.escape_default().collect::<Vec<_>>()
                } else {
                    vec![ch]
                }
            })
            .collect()
    } else {
        s.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_non_zip_inputs_are_clear_errors() {
        let e = Archive::parse(b"", Limits::default()).unwrap_err();
        assert!(e.to_string().contains("end of central directory"), "{e}");
        let e = Archive::parse(&[b'x'; 100], Limits::default()).unwrap_err();
        assert!(e.to_string().contains("not a zip archive"), "{e}");
    }

    #[test]
    fn names_with_control_characters_are_escaped() {
        assert_eq!(display_name(b"a\nb"), "a\\nb");
        assert_eq!(display_name(b"ok/name.dex"), "ok/name.dex");
        assert_eq!(display_name(b"\xff.dex"), "\u{fffd}.dex");
    }

    #[test]
    fn inflate_respects_the_cap() {
        use flate2::write::DeflateEncoder;
        use std::io::Write;
        let mut enc = DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&[0u8; 100_000]).unwrap();
        let raw = enc.finish().unwrap();
        let mut out = vec![7u8; 300_000]; // a reused buffer, larger than the cap
        inflate(&raw, 100_000, 100_000, &mut out).unwrap();
        assert_eq!(out.len(), 100_000);
        assert!(inflate(&raw, 100_000, 1000, &mut out).is_err());
        // A lying declared size (smaller than reality) is caught.
        assert!(inflate(&raw, 10, 10, &mut out).is_err());
        assert!(inflate(&raw[..raw.len() / 2], 100_000, 100_000, &mut out).is_err());
    }
}
