//! A malformed corpus, generated: from the fixtures, in memory and with fixed seeds, hostile
//! variants of every layer (zip tricks, AXML tricks, DEX tricks, truncations, byte flips) are
//! built, written to a temporary directory, and the real binary runs on each under a 1 GiB
//! address-space limit. Each run must end in a result (exit 0, with the trick recorded as an
//! anomaly where one is expected) or a clear error (exit 2 naming the file), never a panic or a
//! signal, and within 10 seconds. Nothing here is committed as a binary: the corpus is rebuilt on
//! every run.

mod common;

use appaudit::apk::archive::{Archive, Limits};
use appaudit::apk::reader::{analyze_bytes, Options, MANIFEST, RESOURCES};
use common::{apk, uleb, Rng, CASES};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// A zip writer that can lie: every field of the local header and of the central directory is
// set separately.

#[derive(Clone, Debug)]
struct Hdr {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    crc: u32,
    csize: u32,
    size: u32,
    extra: Vec<u8>,
}

#[derive(Clone, Debug)]
struct Ent {
    lfh: Hdr,
    cd: Hdr,
    /// The bytes as stored (compressed when the method says so).
    data: Vec<u8>,
    /// Point the central directory at another entry's local header (overlapping entries); this
    /// entry's own local header and data are not written.
    same_as: Option<usize>,
}

impl Ent {
    fn new(name: &[u8], method: u16, data: Vec<u8>, crc: u32, size: u32) -> Ent {
        let h = Hdr {
            name: name.to_vec(),
            flags: 0,
            method,
            crc,
            csize: data.len() as u32,
            size,
            extra: Vec::new(),
        };
        Ent {
            lfh: h.clone(),
            cd: h,
            data,
            same_as: None,
        }
    }

    /// A stored entry holding `data`.
    fn stored(name: &str, data: &[u8]) -> Ent {
        let mut crc = flate2::Crc::new();
        crc.update(data);
        Ent::new(
            name.as_bytes(),
            0,
            data.to_vec(),
            crc.sum(),
            data.len() as u32,
        )
    }

    fn name(&self) -> String {
        String::from_utf8_lossy(&self.cd.name).into_owned()
    }
}

fn u16le(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn u32le(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// Writes the archive after `prefix`. With `adjust`, offsets count from the start of the file
/// (the prefix included), as the Janus trick does; without, from the start of the zip data.
fn build_zip(entries: &[Ent], prefix: &[u8], adjust: bool) -> Vec<u8> {
    let mut out = prefix.to_vec();
    let base = if adjust { 0 } else { prefix.len() };
    let mut offsets = Vec::new();
    for e in entries {
        if e.same_as.is_some() {
            offsets.push(0);
            continue;
        }
        offsets.push((out.len() - base) as u32);
        let h = &e.lfh;
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, h.flags);
        u16le(&mut out, h.method);
        u32le(&mut out, 0x0021_0000); // 1981-01-01 00:00
        u32le(&mut out, h.crc);
        u32le(&mut out, h.csize);
        u32le(&mut out, h.size);
        u16le(&mut out, h.name.len() as u16);
        u16le(&mut out, h.extra.len() as u16);
        out.extend_from_slice(&h.name);
        out.extend_from_slice(&h.extra);
        out.extend_from_slice(&e.data);
    }
    let cd_start = out.len() - base;
    for (i, e) in entries.iter().enumerate() {
        let off = match e.same_as {
            Some(j) => offsets[j],
            None => offsets[i],
        };
        let h = &e.cd;
        u32le(&mut out, 0x0201_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, 20);
        u16le(&mut out, h.flags);
        u16le(&mut out, h.method);
        u32le(&mut out, 0x0021_0000);
        u32le(&mut out, h.crc);
        u32le(&mut out, h.csize);
        u32le(&mut out, h.size);
        u16le(&mut out, h.name.len() as u16);
        u16le(&mut out, h.extra.len() as u16);
        u16le(&mut out, 0);
        u16le(&mut out, 0);
        u16le(&mut out, 0);
        u32le(&mut out, 0);
        u32le(&mut out, off);
        out.extend_from_slice(&h.name);
        out.extend_from_slice(&h.extra);
    }
    let cd_size = out.len() - base - cd_start;
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, entries.len() as u16);
    u16le(&mut out, entries.len() as u16);
    u32le(&mut out, cd_size as u32);
    u32le(&mut out, cd_start as u32);
    u16le(&mut out, 0);
    out
}

/// The fixture's entries, as stored (raw compressed bytes kept).
fn entries_of(data: &[u8]) -> Vec<Ent> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(data)).expect("fixture zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index_raw(i).expect("entry");
            let method = match f.compression() {
                zip::CompressionMethod::Stored => 0,
                _ => 8,
            };
            let (name, crc, size) = (f.name_raw().to_vec(), f.crc32(), f.size() as u32);
            let mut raw = Vec::new();
            f.read_to_end(&mut raw).expect("raw data");
            Ent::new(&name, method, raw, crc, size)
        })
        .collect()
}

/// The inflated bytes of one entry of the fixture.
fn entry_bytes(data: &[u8], name: &str) -> Vec<u8> {
    let a = Archive::parse(data, Limits::default()).expect("zip");
    a.read(a.find(name).expect("entry"))
        .expect("read")
        .0
        .into_owned()
}

/// The fixture with one entry's contents replaced (stored, CRC recomputed).
fn with_entry(data: &[u8], name: &str, bytes: &[u8]) -> Vec<u8> {
    let ents: Vec<Ent> = entries_of(data)
        .into_iter()
        .map(|e| {
            if e.name() == name {
                Ent::stored(name, bytes)
            } else {
                e
            }
        })
        .collect();
    build_zip(&ents, &[], false)
}

fn idx(ents: &[Ent], name: &str) -> usize {
    ents.iter()
        .position(|e| e.name() == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

// ---------------------------------------------------------------------------------------------
// The corpus.

/// What a variant must lead to, besides "no panic, bounded".
#[derive(Clone, Debug)]
enum Expect {
    /// Either outcome is fine (truncations, random flips).
    Any,
    /// Analysed (exit 0), with an anomaly containing this text.
    Anomaly(&'static str),
    /// Refused (exit 2) with an error containing this text.
    Error(&'static str),
}

struct Variant {
    name: String,
    bytes: Vec<u8>,
    expect: Expect,
}

fn v(name: impl Into<String>, bytes: Vec<u8>, expect: Expect) -> Variant {
    Variant {
        name: name.into(),
        bytes,
        expect,
    }
}

fn zip_tricks(wallet: &[u8]) -> Vec<Variant> {
    let base = entries_of(wallet);
    let mut out = Vec::new();
    let m = idx(&base, MANIFEST);
    let dex = idx(&base, "classes.dex");
    let dex2 = idx(&base, "classes2.dex");

    let mut e = base.clone();
    for x in &mut e {
        x.cd.flags |= 1;
        x.lfh.flags |= 1;
    }
    out.push(v(
        "zip-encryption-flag",
        build_zip(&e, &[], false),
        Expect::Anomaly("encryption flag"),
    ));

    let mut e = base.clone();
    e[dex2].cd.method = 99;
    e[dex2].lfh.method = 99;
    out.push(v(
        "zip-unknown-method-deflated",
        build_zip(&e, &[], false),
        Expect::Anomaly("compression method 99"),
    ));
    let mut e = base.clone();
    e[m] = Ent::stored(MANIFEST, &entry_bytes(wallet, MANIFEST));
    e[m].cd.method = 12;
    e[m].lfh.method = 12;
    out.push(v(
        "zip-unknown-method-stored-manifest",
        build_zip(&e, &[], false),
        Expect::Anomaly("compression method 12"),
    ));

    let mut e = base.clone();
    let mut dup = Ent::stored(MANIFEST, b"not a manifest at all");
    dup.cd.name = MANIFEST.as_bytes().to_vec();
    e.push(dup);
    out.push(v(
        "zip-duplicate-manifest",
        build_zip(&e, &[], false),
        Expect::Anomaly("duplicate entry name"),
    ));
    let mut e = base.clone();
    e.push(Ent::stored("classes.dex", b"dex\n035\0 second classes.dex"));
    out.push(v(
        "zip-duplicate-dex",
        build_zip(&e, &[], false),
        Expect::Anomaly("duplicate entry name"),
    ));

    let mut e = base.clone();
    e[dex2].same_as = Some(dex);
    out.push(v(
        "zip-overlapping-entries",
        build_zip(&e, &[], false),
        Expect::Anomaly("overlap"),
    ));
    // Many names over one local entry: an overlap bomb within the default limits.
    let mut e = base.clone();
    for k in 0..2000 {
        let mut x = base[dex].clone();
        x.cd.name = format!("assets/over{k}.dex").into_bytes();
        x.same_as = Some(dex);
        e.push(x);
    }
    out.push(v(
        "zip-overlapping-2000",
        build_zip(&e, &[], false),
        Expect::Anomaly("not read again"),
    ));

    for (tag, name) in [
        ("nul", &b"assets/a\0b.dex"[..]),
        ("lf", b"assets/a\nb.txt"),
        ("dotdot", b"../../etc/passwd"),
        ("abs", b"/data/local/tmp/x.so"),
        ("bad-utf8", b"assets/\xff\xfe.jar"),
    ] {
        let mut e = base.clone();
        let mut x = Ent::stored("x", b"payload");
        x.cd.name = name.to_vec();
        x.lfh.name = name.to_vec();
        e.push(x);
        out.push(v(
            format!("zip-name-{tag}"),
            build_zip(&e, &[], false),
            Expect::Anomaly("is unusual"),
        ));
    }

    // Sizes that lie.
    let mut e = base.clone();
    e[dex].cd.size = 10;
    out.push(v(
        "zip-size-too-small-dex",
        build_zip(&e, &[], false),
        Expect::Anomaly("classes.dex"),
    ));
    let mut e = base.clone();
    e[dex].cd.size = e[dex].cd.size.saturating_mul(3);
    out.push(v(
        "zip-size-too-large-dex",
        build_zip(&e, &[], false),
        Expect::Anomaly("classes.dex"),
    ));
    let mut e = base.clone();
    e[dex].cd.csize = 0x7fff_0000;
    out.push(v(
        "zip-csize-past-end-dex",
        build_zip(&e, &[], false),
        Expect::Anomaly("classes.dex"),
    ));
    let mut e = base.clone();
    e[m].cd.size = 16;
    out.push(v(
        "zip-size-lies-manifest",
        build_zip(&e, &[], false),
        Expect::Error("AndroidManifest.xml"),
    ));
    let mut e = base.clone();
    e[m].cd.crc ^= 0xdead_beef;
    out.push(v(
        "zip-crc-lies-manifest",
        build_zip(&e, &[], false),
        Expect::Anomaly("CRC-32"),
    ));

    // A local header that disagrees with the central directory.
    let mut e = base.clone();
    e[dex].lfh.name = b"classes9.dex".to_vec();
    e[dex].lfh.method = 0;
    e[dex].lfh.csize = 1;
    e[dex].lfh.extra = vec![0xfe, 0xca, 4, 0, 1, 2, 3, 4];
    out.push(v(
        "zip-local-central-mismatch",
        build_zip(&e, &[], false),
        Expect::Anomaly("local header"),
    ));
    let mut e = base.clone();
    e[m].lfh.name = b"AndroidManifest.xmL".to_vec();
    out.push(v(
        "zip-local-name-mismatch-manifest",
        build_zip(&e, &[], false),
        Expect::Anomaly("local header"),
    ));

    // A declared 10 GiB entry (ZIP64 extra field), for a DEX and for the manifest.
    let ten_gib: u64 = 10 << 30;
    let zip64 = |size: u64, csize: u64| {
        let mut x = vec![1u8, 0, 16, 0];
        x.extend_from_slice(&size.to_le_bytes());
        x.extend_from_slice(&csize.to_le_bytes());
        x
    };
    let mut e = base.clone();
    let cs = u64::from(e[dex].cd.csize);
    e[dex].cd.size = u32::MAX;
    e[dex].cd.csize = u32::MAX;
    e[dex].cd.extra = zip64(ten_gib, cs);
    out.push(v(
        "zip-declared-10gib-dex",
        build_zip(&e, &[], false),
        Expect::Anomaly("per-entry limit"),
    ));
    let mut e = base.clone();
    let cs = u64::from(e[m].cd.csize);
    e[m].cd.size = u32::MAX;
    e[m].cd.csize = u32::MAX;
    e[m].cd.extra = zip64(ten_gib, cs);
    out.push(v(
        "zip-declared-10gib-manifest",
        build_zip(&e, &[], false),
        Expect::Error("per-entry limit"),
    ));

    out.push(v(
        "zip-million-entries",
        million_entries(),
        Expect::Error("1000000 entries declared"),
    ));
    out.push(v(
        "zip-eocd-count-past-directory",
        {
            let mut z = wallet.to_vec();
            let n = z.len();
            z[n - 12..n - 10].copy_from_slice(&60000u16.to_le_bytes());
            z[n - 14..n - 12].copy_from_slice(&60000u16.to_le_bytes());
            z
        },
        Expect::Error("entries declared"),
    ));

    // The Janus trick: a DEX glued before the zip, offsets adjusted or not.
    let dex_bytes = entry_bytes(wallet, "classes.dex");
    out.push(v(
        "zip-janus-adjusted",
        build_zip(&base, &dex_bytes, true),
        Expect::Anomaly("precede"),
    ));
    out.push(v(
        "zip-janus-shifted",
        build_zip(&base, &dex_bytes, false),
        Expect::Anomaly("precede"),
    ));
    // A trailing comment and trailing junk.
    let mut z = wallet.to_vec();
    z.extend_from_slice(&[0x55; 3000]);
    out.push(v("zip-trailing-junk", z, Expect::Any));
    out
}

/// An EOCD claiming 1,000,000 entries through ZIP64, over a sparse central directory: only the
/// end records are written (a few hundred bytes), so nothing big is allocated to build it.
fn million_entries() -> Vec<u8> {
    let count: u64 = 1_000_000;
    let mut out = Vec::new();
    // One real central-directory record at offset 0 (the rest is "sparse": absent).
    let cd = Ent::stored("AndroidManifest.xml", b"");
    let mut z = build_zip(std::slice::from_ref(&cd), &[], false);
    z.truncate(z.len() - 22);
    out.extend_from_slice(&z);
    let zip64_eocd = out.len() as u64;
    u32le(&mut out, 0x0606_4b50);
    out.extend_from_slice(&44u64.to_le_bytes());
    u16le(&mut out, 45);
    u16le(&mut out, 45);
    u32le(&mut out, 0);
    u32le(&mut out, 0);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(count * 46).to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    u32le(&mut out, 0x0706_4b50);
    u32le(&mut out, 0);
    out.extend_from_slice(&zip64_eocd.to_le_bytes());
    u32le(&mut out, 1);
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, 0xffff);
    u16le(&mut out, 0xffff);
    u32le(&mut out, 0xffff_ffff);
    u32le(&mut out, 0xffff_ffff);
    u16le(&mut out, 0);
    out
}

// --- AXML ---

/// (type, start, header size, size) of each chunk inside the XML chunk.
fn chunks(m: &[u8]) -> Vec<(u16, usize, usize, usize)> {
    let rd16 = |o: usize| u16::from_le_bytes([m[o], m[o + 1]]);
    let rd32 = |o: usize| u32::from_le_bytes([m[o], m[o + 1], m[o + 2], m[o + 3]]) as usize;
    let mut out = Vec::new();
    let mut pos = usize::from(rd16(2));
    while pos + 8 <= m.len() {
        let (t, hs, sz) = (rd16(pos), usize::from(rd16(pos + 2)), rd32(pos + 4));
        out.push((t, pos, hs, sz));
        if sz == 0 {
            break;
        }
        pos += sz;
    }
    out
}

fn put32(m: &mut [u8], at: usize, v: u32) {
    m[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Applies `f` to each attribute (offset of its 20 bytes) of each start element.
fn each_attr(m: &mut [u8], mut f: impl FnMut(&mut [u8], usize)) {
    for (t, start, hs, _) in chunks(m) {
        if t != 0x0102 {
            continue;
        }
        let body = start + hs;
        let attr_start = usize::from(u16::from_le_bytes([m[body + 8], m[body + 9]]));
        let attr_size = usize::from(u16::from_le_bytes([m[body + 10], m[body + 11]]));
        let count = usize::from(u16::from_le_bytes([m[body + 12], m[body + 13]]));
        for i in 0..count {
            f(m, body + attr_start + i * attr_size);
        }
    }
}

fn axml_tricks(wallet: &[u8]) -> Vec<Variant> {
    let orig = entry_bytes(wallet, MANIFEST);
    let ch = chunks(&orig);
    let pool = ch.iter().find(|c| c.0 == 0x0001).expect("string pool").1;
    let first_el = ch.iter().find(|c| c.0 == 0x0102).expect("element").1;
    let mut out = Vec::new();
    let mut add = |name: &str, m: Vec<u8>, expect: Expect| {
        out.push(v(name, with_entry(wallet, MANIFEST, &m), expect));
    };

    let mut m = orig.clone();
    put32(&mut m, 4, orig.len() as u32 + 1000);
    add(
        "axml-top-size-past-end",
        m,
        Expect::Error("AndroidManifest.xml"),
    );
    let mut m = orig.clone();
    put32(&mut m, first_el + 4, 0);
    add(
        "axml-element-size-zero",
        m,
        Expect::Error("AndroidManifest.xml"),
    );
    let mut m = orig.clone();
    put32(&mut m, first_el + 4, 0x7fff_ffff);
    add(
        "axml-element-size-huge",
        m,
        Expect::Error("AndroidManifest.xml"),
    );
    let mut m = orig.clone();
    m[pool + 2..pool + 4].copy_from_slice(&4u16.to_le_bytes());
    add(
        "axml-pool-header-size-4",
        m,
        Expect::Error("AndroidManifest.xml"),
    );
    let mut m = orig.clone();
    m[pool + 2..pool + 4].copy_from_slice(&0x7000u16.to_le_bytes());
    add(
        "axml-pool-header-size-huge",
        m,
        Expect::Error("AndroidManifest.xml"),
    );
    let mut m = orig.clone();
    put32(&mut m, pool + 8, 0x4000_0000);
    add("axml-pool-count-huge", m, Expect::Error("string pool"));
    let mut m = orig.clone();
    put32(&mut m, pool + 20, 0xffff_fff0);
    add(
        "axml-pool-strings-start-past-end",
        m,
        Expect::Error("string"),
    );
    for k in [0usize, 5, 40, 146] {
        let mut m = orig.clone();
        put32(&mut m, pool + 28 + 4 * k, 0x7fff_fff0);
        add(
            &format!("axml-pool-offset-{k}-out-of-range"),
            m,
            Expect::Any,
        );
    }
    let mut m = orig.clone();
    each_attr(&mut m, |m, a| put32(m, a + 4, u32::MAX));
    add(
        "axml-attributes-without-names",
        m,
        Expect::Anomaly("no name"),
    );
    let mut m = orig.clone();
    each_attr(&mut m, |m, a| put32(m, a, u32::MAX));
    add(
        "axml-attributes-without-namespaces",
        m,
        Expect::Anomaly("namespace"),
    );
    let mut m = orig.clone();
    each_attr(&mut m, |m, a| put32(m, a + 4, 0x0fff_ffff));
    add(
        "axml-attribute-name-index-out-of-range",
        m,
        Expect::Error("string"),
    );
    let mut m = orig.clone();
    each_attr(&mut m, |m, a| m[a + 15] = 0xee);
    add("axml-attribute-unknown-value-type", m, Expect::Any);

    // An unknown chunk before the first element, and one with an odd header size.
    let mut m = orig[..first_el].to_vec();
    m.extend_from_slice(&0x0777u16.to_le_bytes());
    m.extend_from_slice(&8u16.to_le_bytes());
    m.extend_from_slice(&24u32.to_le_bytes());
    m.extend_from_slice(&[0xab; 16]);
    m.extend_from_slice(&orig[first_el..]);
    let n = m.len() as u32;
    put32(&mut m, 4, n);
    add(
        "axml-unknown-chunk",
        m,
        Expect::Anomaly("unknown chunk type"),
    );

    let mut m = orig.clone();
    m.extend_from_slice(&[0x5a; 4096]);
    add(
        "axml-padded-with-junk",
        m,
        Expect::Anomaly("follow the XML chunk"),
    );
    let mut m = orig.clone();
    m.extend(std::iter::repeat_n([0x03u8, 0x00, 0x08, 0x00, 0x10, 0, 0, 0], 512).flatten());
    add(
        "axml-padded-with-chunk-headers",
        m,
        Expect::Anomaly("follow the XML chunk"),
    );

    add("axml-string-amplification", amplifier(), Expect::Any);
    out
}

/// A small manifest whose every attribute value points at one long string: decoding each value
/// separately would need far more memory than the file holds.
fn amplifier() -> Vec<u8> {
    let long_units = 200_000usize; // 400 KB of UTF-16 in the file
    let attrs = 30_000usize; // 600 KB of attributes
    let strings: Vec<Vec<u16>> = vec![
        std::iter::repeat_n(u16::from(b'A'), long_units).collect(),
        "manifest".encode_utf16().collect(),
        "package".encode_utf16().collect(),
    ];
    let mut data = Vec::new();
    let mut offs = Vec::new();
    for s in &strings {
        offs.push(data.len() as u32);
        if s.len() > 0x7fff {
            u16le(&mut data, 0x8000 | (s.len() >> 16) as u16);
            u16le(&mut data, (s.len() & 0xffff) as u16);
        } else {
            u16le(&mut data, s.len() as u16);
        }
        for u in s {
            u16le(&mut data, *u);
        }
        u16le(&mut data, 0);
    }
    while data.len() % 4 != 0 {
        data.push(0);
    }
    let mut m = Vec::new();
    u16le(&mut m, 3);
    u16le(&mut m, 8);
    u32le(&mut m, 0);
    let start = 28 + 4 * strings.len() as u32;
    u16le(&mut m, 1);
    u16le(&mut m, 28);
    u32le(&mut m, start + data.len() as u32);
    u32le(&mut m, strings.len() as u32);
    u32le(&mut m, 0);
    u32le(&mut m, 0);
    u32le(&mut m, start);
    u32le(&mut m, 0);
    for o in offs {
        u32le(&mut m, o);
    }
    m.extend_from_slice(&data);
    let el = 36 + 20 * attrs as u32;
    u16le(&mut m, 0x0102);
    u16le(&mut m, 16);
    u32le(&mut m, el);
    u32le(&mut m, 1);
    u32le(&mut m, u32::MAX);
    u32le(&mut m, u32::MAX);
    u32le(&mut m, 1);
    u16le(&mut m, 20);
    u16le(&mut m, 20);
    u16le(&mut m, attrs as u16);
    m.extend_from_slice(&[0; 6]);
    for _ in 0..attrs {
        u32le(&mut m, u32::MAX);
        u32le(&mut m, 2);
        u32le(&mut m, 0);
        u16le(&mut m, 8);
        m.push(0);
        m.push(3);
        u32le(&mut m, 0);
    }
    u16le(&mut m, 0x0103);
    u16le(&mut m, 16);
    u32le(&mut m, 24);
    u32le(&mut m, 1);
    u32le(&mut m, u32::MAX);
    u32le(&mut m, u32::MAX);
    u32le(&mut m, 1);
    let n = m.len() as u32;
    put32(&mut m, 4, n);
    m
}

// --- DEX ---

fn dex_tricks(wallet: &[u8]) -> Vec<Variant> {
    let orig = entry_bytes(wallet, "classes.dex");
    let rd = |d: &[u8], o: usize| u32::from_le_bytes([d[o], d[o + 1], d[o + 2], d[o + 3]]);
    let mut out = Vec::new();
    let mut add = |name: &str, d: Vec<u8>, expect: Expect| {
        out.push(v(name, with_entry(wallet, "classes.dex", &d), expect));
    };
    let class_defs_off = rd(&orig, 0x64) as usize;
    for (field, what) in [
        (0x38, "string_ids_size"),
        (0x40, "type_ids_size"),
        (0x48, "proto_ids_size"),
        (0x58, "method_ids_size"),
        (0x60, "class_defs_size"),
    ] {
        let mut d = orig.clone();
        put32(&mut d, field, 0x1000_0000);
        add(
            &format!("dex-{what}-past-end"),
            d,
            Expect::Anomaly("DEX not parsed"),
        );
        let mut d = orig.clone();
        put32(&mut d, field + 4, 0xffff_fff0);
        add(
            &format!("dex-{what}-offset-past-end"),
            d,
            Expect::Anomaly("DEX not parsed"),
        );
    }
    let mut d = orig.clone();
    put32(&mut d, 0x20, 0x7fff_ffff);
    add(
        "dex-file-size-past-end",
        d,
        Expect::Anomaly("DEX not parsed"),
    );
    // Class data and code offsets past the end.
    let mut d = orig.clone();
    put32(&mut d, class_defs_off + 24, 0x7fff_fff0);
    add(
        "dex-class-data-past-end",
        d,
        Expect::Anomaly("class_data_item"),
    );
    // Invalid MUTF-8 in every class name (the byte after each "L" of a descriptor).
    let mut d = orig.clone();
    let n = rd(&orig, 0x60) as usize;
    for i in 0..n {
        let ty = rd(&orig, class_defs_off + 32 * i) as usize;
        let s = rd(&orig, rd(&orig, 0x44) as usize + 4 * ty) as usize;
        let so = rd(&orig, rd(&orig, 0x3c) as usize + 4 * s) as usize;
        d[so + 2] = 0xff;
    }
    add(
        "dex-invalid-mutf8-class-names",
        d,
        Expect::Anomaly("MUTF-8"),
    );
    // Overlapping sections: type_ids over string_ids, method_ids over proto_ids.
    let mut d = orig.clone();
    put32(&mut d, 0x44, rd(&orig, 0x3c));
    add("dex-overlap-types-strings", d, Expect::Any);
    let mut d = orig.clone();
    put32(&mut d, 0x5c, rd(&orig, 0x4c));
    add("dex-overlap-methods-protos", d, Expect::Any);
    let mut d = orig.clone();
    put32(&mut d, 0x64, rd(&orig, 0x3c));
    add("dex-overlap-classdefs-strings", d, Expect::Any);
    // A class that extends itself, and every class extending the first.
    let mut d = orig.clone();
    for i in 0..n {
        let own = rd(&orig, class_defs_off + 32 * i);
        put32(&mut d, class_defs_off + 32 * i + 8, own);
    }
    add("dex-class-extends-itself", d, Expect::Any);
    // Every class_def pointing at the first one's class data.
    let mut d = orig.clone();
    let first_data = rd(&orig, class_defs_off + 24);
    for i in 0..n {
        put32(&mut d, class_defs_off + 32 * i + 24, first_data);
    }
    add("dex-shared-class-data", d, Expect::Any);
    add(
        "dex-shared-code-quadratic",
        shared_code_dex(20_000, 100_000),
        Expect::Any,
    );
    add(
        "dex-shared-class-data-quadratic",
        shared_class_data_dex(5_000, 20_000),
        Expect::Any,
    );
    out
}

/// A DEX with one class whose `methods` methods all share one code item of `units` nops.
fn shared_code_dex(methods: usize, units: usize) -> Vec<u8> {
    synthetic_dex(1, methods, units)
}

/// A DEX with `classes` classes sharing one class_data of `methods` methods over a small code item.
fn shared_class_data_dex(classes: usize, methods: usize) -> Vec<u8> {
    synthetic_dex(classes, methods, 64)
}

/// header | string_ids(1) | type_ids(1) | class_defs(classes) | string data | code | class data
fn synthetic_dex(classes: usize, methods: usize, units: usize) -> Vec<u8> {
    let mut d = vec![0u8; 0x70];
    d[..8].copy_from_slice(b"dex\n035\0");
    let string_ids = 0x70;
    let type_ids = string_ids + 4;
    let class_defs = type_ids + 4;
    let string_data = class_defs + 32 * classes;
    let code = (string_data + 8 + 3) & !3;
    let class_data = code + 16 + 2 * units;
    d.resize(class_data, 0);
    put32(&mut d, string_ids, string_data as u32);
    put32(&mut d, type_ids, 0);
    for i in 0..classes {
        let c = class_defs + 32 * i;
        put32(&mut d, c, 0);
        put32(&mut d, c + 8, u32::MAX);
        put32(&mut d, c + 12, u32::MAX);
        put32(&mut d, c + 16, u32::MAX);
        put32(&mut d, c + 24, class_data as u32);
    }
    d[string_data..string_data + 5].copy_from_slice(b"\x03LA;\0");
    put32(&mut d, code + 12, units as u32);
    uleb(&mut d, 0);
    uleb(&mut d, 0);
    uleb(&mut d, methods as u32);
    uleb(&mut d, 0);
    for k in 0..methods {
        uleb(&mut d, u32::from(k != 0));
        uleb(&mut d, 1);
        uleb(&mut d, code as u32);
    }
    let len = d.len() as u32;
    put32(&mut d, 0x20, len);
    put32(&mut d, 0x24, 0x70);
    put32(&mut d, 0x28, 0x1234_5678);
    put32(&mut d, 0x38, 1);
    put32(&mut d, 0x3c, string_ids as u32);
    put32(&mut d, 0x40, 1);
    put32(&mut d, 0x44, type_ids as u32);
    put32(&mut d, 0x60, classes as u32);
    put32(&mut d, 0x64, class_defs as u32);
    d
}

// --- resources.arsc ---

/// A broken resource table never stops the analysis: exit 0, an anomaly from `resources.arsc`
/// naming what was wrong, and no string resources.
fn arsc_tricks(wallet: &[u8]) -> Vec<Variant> {
    let orig = entry_bytes(wallet, RESOURCES);
    let mut out = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>, expect: Expect| {
        out.push(v(name, with_entry(wallet, RESOURCES, &bytes), expect));
    };
    let top = chunks(&orig);
    let pool = top.iter().find(|c| c.0 == 0x0001).expect("global pool").1;
    let (_, pkg, _, pkg_size) = *top.iter().find(|c| c.0 == 0x0200).expect("package");
    let inner = chunks(&orig[pkg..pkg + pkg_size]);
    let key_pool = pkg
        + inner
            .iter()
            .filter(|c| c.0 == 0x0001)
            .nth(1)
            .expect("keys")
            .1;
    let first_type = pkg + inner.iter().find(|c| c.0 == 0x0201).expect("type").1;

    add("arsc-empty", Vec::new(), Expect::Anomaly("truncated"));
    add(
        "arsc-is-a-manifest",
        entry_bytes(wallet, MANIFEST),
        Expect::Anomaly("not a resource table"),
    );
    // One u32 set to a lie each.
    for (name, at, value, text) in [
        ("arsc-table-size-zero", 4, 0, "size 0, which do not fit"),
        (
            "arsc-package-past-the-table",
            pkg + 4,
            (pkg_size + 0x1000) as u32,
            "do not fit",
        ),
        (
            "arsc-pool-count-huge",
            pool + 8,
            u32::MAX,
            "strings declared",
        ),
        (
            "arsc-entry-count-huge",
            first_type + 12,
            0x4000_0000,
            "entries of 4 bytes declared",
        ),
    ] {
        let mut m = orig.clone();
        put32(&mut m, at, value);
        add(name, m, Expect::Anomaly(text));
    }
    let mut m = orig.clone();
    m[first_type + 8] = 0;
    add("arsc-type-id-zero", m, Expect::Anomaly("type id 0"));
    let mut m = orig.clone();
    let keys = u32::from_le_bytes(m[key_pool + 8..key_pool + 12].try_into().expect("4")) as usize;
    for k in 0..keys {
        put32(&mut m, key_pool + 28 + 4 * k, 0x00ff_fff0);
    }
    add(
        "arsc-key-offsets-past-the-pool",
        m,
        Expect::Anomaly("entries cannot be read"),
    );
    add(
        "arsc-cut-in-half",
        orig[..orig.len() / 2].to_vec(),
        Expect::Anomaly("do not fit"),
    );
    let mut rng = Rng(0xa55c);
    for k in 0..12 {
        let mut m = orig.clone();
        for _ in 0..=rng.below(6) {
            let i = rng.below(m.len());
            m[i] = rng.next() as u8;
        }
        add(&format!("arsc-flip-{k}"), m, Expect::Any);
    }
    out
}

// --- truncations and flips ---

// ---------------------------------------------------------------------------------------------
// App Bundle tricks: aapt2's protobuf in the base manifest (refused), in a feature's manifest,
// the resource table and BundleConfig.pb (recorded).

/// A protobuf field: `tag` then a length-delimited body.
fn pb_len(field: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    uleb(&mut out, field << 3 | 2);
    uleb(&mut out, u32::try_from(body.len()).expect("small"));
    out.extend_from_slice(body);
    out
}

/// `depth` elements, each the only child of the one above.
fn pb_nested_elements(depth: usize) -> Vec<u8> {
    let mut node = pb_len(1, &pb_len(3, b"manifest"));
    for _ in 1..depth {
        let mut el = pb_len(3, b"a");
        el.extend(pb_len(5, &node));
        node = pb_len(1, &el);
    }
    node
}

fn aab_tricks(bundle: &[u8]) -> Vec<Variant> {
    const BASE: &str = "base/manifest/AndroidManifest.xml";
    const FEATURE: &str = "feature_camera/manifest/AndroidManifest.xml";
    const TABLE: &str = "base/resources.pb";
    const CONFIG: &str = "BundleConfig.pb";
    let manifest = entry_bytes(bundle, BASE);
    let mut out = Vec::new();
    let mut add = |name: &str, entry: &str, bytes: Vec<u8>, expect: Expect| {
        out.push(v(name, with_entry(bundle, entry, &bytes), expect));
    };
    add(
        "aab-varint-truncated",
        BASE,
        b"\x0a\x80".to_vec(),
        Expect::Error("XmlNode at offset 0x1: truncated"),
    );
    add(
        "aab-length-past-end",
        BASE,
        b"\x0a\x05ab".to_vec(),
        Expect::Error("length 5 runs past the end of the XmlNode"),
    );
    add(
        "aab-deep-nesting",
        BASE,
        pb_nested_elements(300),
        Expect::Error("elements nested more than 256 deep"),
    );
    add(
        "aab-wrong-wire-type",
        BASE,
        b"\x08\x01".to_vec(),
        Expect::Error("field 1 is varint, expected length-delimited"),
    );
    add(
        "aab-group",
        BASE,
        b"\x0b\x0c".to_vec(),
        Expect::Error("group wire type 3"),
    );
    add(
        "aab-string-not-utf8",
        BASE,
        pb_len(1, &pb_len(3, b"\xff\xfe")),
        Expect::Error("string is not UTF-8"),
    );
    // 300,000 empty attributes: 600 kB of input that would be 30 MB of attributes.
    let mut many = pb_len(3, b"manifest");
    for _ in 0..300_000 {
        many.extend_from_slice(&[0x22, 0x00]);
    }
    add(
        "aab-huge-repeated-count",
        BASE,
        pb_len(1, &many),
        Expect::Error("over a limit: more than 262144"),
    );
    add(
        "aab-not-a-manifest",
        BASE,
        pb_len(1, &pb_len(3, b"resources")),
        Expect::Error("manifest"),
    );
    add(
        "aab-feature-truncated",
        FEATURE,
        manifest[..manifest.len() / 2].to_vec(),
        Expect::Anomaly(FEATURE),
    );
    add(
        "aab-table-wrong-wire-type",
        TABLE,
        b"\x10\x01".to_vec(),
        Expect::Anomaly("field 2 is varint"),
    );
    // 1.1 million empty entries in one type: over the entry budget.
    let mut ty = pb_len(2, b"string");
    for _ in 0..1_100_000 {
        ty.extend_from_slice(&[0x1a, 0x00]);
    }
    add(
        "aab-table-huge-repeated-count",
        TABLE,
        pb_len(2, &pb_len(3, &ty)),
        Expect::Anomaly("more than 1048576 resource entries"),
    );
    add(
        "aab-config-past-end",
        CONFIG,
        b"\x0a\x7f".to_vec(),
        Expect::Anomaly(CONFIG),
    );
    // Truncations of the base manifest: an error or a result, never worse.
    for cut in (0..manifest.len()).step_by(97) {
        add(
            &format!("aab-manifest-cut-{cut}"),
            BASE,
            manifest[..cut].to_vec(),
            Expect::Any,
        );
    }
    out
}

fn truncations_and_flips() -> Vec<Variant> {
    let mut out = Vec::new();
    for (n, case) in CASES.iter().enumerate() {
        let data = std::fs::read(apk(case)).expect("fixture");
        let mut rng = Rng(0x5eed_0000 + n as u64);
        for k in 0..8 {
            let cut = if k < 2 { k * 11 } else { rng.below(data.len()) };
            out.push(v(
                format!("{case}-cut-{cut}"),
                data[..cut].to_vec(),
                Expect::Any,
            ));
        }
        for k in 0..10 {
            let mut d = data.clone();
            for _ in 0..=rng.below(16) {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            out.push(v(format!("{case}-flip-{k}"), d, Expect::Any));
        }
        // Flips inside the manifest and the first DEX, with the zip around them intact.
        for (entry, rounds) in [(MANIFEST, 6), ("classes.dex", 6)] {
            let orig = entry_bytes(&data, entry);
            for k in 0..rounds {
                let mut d = orig.clone();
                for _ in 0..=rng.below(6) {
                    let i = rng.below(d.len());
                    d[i] = rng.next() as u8;
                }
                out.push(v(
                    format!("{case}-{entry}-flip-{k}"),
                    with_entry(&data, entry, &d),
                    Expect::Any,
                ));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Running the binary, bounded.

const MEMORY_KIB: u32 = 1 << 20;
const TIME_LIMIT: Duration = Duration::from_secs(10);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// The binary under test: `APPAUDIT_BIN` when set (a build kept apart from a shared target
/// directory), else the one cargo built for this test.
fn binary() -> PathBuf {
    std::env::var_os("APPAUDIT_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_appaudit")))
}

/// Runs the binary under the memory limit; kills it at three times the time limit (so that a hang
/// fails the test instead of stalling it).
fn bounded_run(args: &[&str], file: &Path) -> Run {
    let start = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let (out_p, err_p) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec \"$0\" \"$@\""))
        .arg(binary())
        .args(args)
        .arg(file)
        .stdout(std::fs::File::create(&out_p).expect("out"))
        .stderr(std::fs::File::create(&err_p).expect("err"))
        .spawn()
        .expect("run appaudit");
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break Some(st);
        }
        if start.elapsed() > 3 * TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Run {
        code: status.and_then(|s| s.code()),
        stdout: read(&out_p),
        stderr: read(&err_p),
        took: start.elapsed(),
    }
}

/// Checks one variant through the binary, and in-process for the expected anomaly or error.
fn check(dir: &Path, var: &Variant) -> Result<(), String> {
    let path: PathBuf = dir.join(format!("{}.apk", var.name));
    std::fs::write(&path, &var.bytes).expect("write variant");
    let r = bounded_run(&["inspect", "--format", "json"], &path);
    let what = &var.name;
    if r.code != Some(0) && r.code != Some(2) {
        return Err(format!(
            "{what}: exit {:?} (a panic, a signal or out of memory?): {}",
            r.code, r.stderr
        ));
    }
    if r.stderr.contains("panicked") {
        return Err(format!("{what}: {}", r.stderr));
    }
    if r.took > TIME_LIMIT {
        return Err(format!("{what}: took {:?}", r.took));
    }
    if r.code == Some(2)
        && !(r.stderr.contains("appaudit: error:")
            && r.stderr.contains(&path.display().to_string()))
    {
        return Err(format!(
            "{what}: the error does not name the file: {}",
            r.stderr
        ));
    }
    match &var.expect {
        Expect::Any => Ok(()),
        Expect::Error(text) => {
            if r.code != Some(2) || !r.stderr.contains(text) {
                return Err(format!(
                    "{what}: expected an error with {text:?}, got exit {:?}: {}",
                    r.code, r.stderr
                ));
            }
            Ok(())
        }
        Expect::Anomaly(text) => {
            if r.code != Some(0) {
                return Err(format!(
                    "{what}: expected a result, got exit {:?}: {}",
                    r.code, r.stderr
                ));
            }
            let app = analyze_bytes(&path, &var.bytes, &Options::default())
                .map_err(|e| format!("{what}: in-process: {e}"))?;
            let in_dex = app.dex.iter().flat_map(|d| d.anomalies.iter());
            if !app
                .anomalies
                .iter()
                .any(|a| a.message.contains(text) || a.source.contains(text))
                && !in_dex.clone().any(|a| a.contains(text))
            {
                return Err(format!(
                    "{what}: no anomaly with {text:?}: {:#?} {:#?}",
                    app.anomalies,
                    in_dex.collect::<Vec<_>>()
                ));
            }
            if !text.is_empty() && !r.stdout.contains("anomalies") {
                return Err(format!("{what}: inspect JSON does not show the anomalies"));
            }
            Ok(())
        }
    }
}

fn run_all(variants: Vec<Variant>) {
    // MALFORMED_CORPUS_DIR=path keeps the generated files there (to replay one by hand).
    let keep = std::env::var_os("MALFORMED_CORPUS_DIR").map(PathBuf::from);
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = match &keep {
        Some(d) => {
            std::fs::create_dir_all(d).expect("MALFORMED_CORPUS_DIR");
            d.as_path()
        }
        None => tmp.path(),
    };
    let started = Instant::now();
    let n = variants.len();
    // Two at a time: the machine running CI is shared.
    let (a, b): (Vec<_>, Vec<_>) = variants.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let failures: Vec<String> = std::thread::scope(|s| {
        let h1 = s.spawn(|| {
            a.iter()
                .filter_map(|(_, v)| check(dir, v).err())
                .collect::<Vec<_>>()
        });
        let h2 = s.spawn(|| {
            b.iter()
                .filter_map(|(_, v)| check(dir, v).err())
                .collect::<Vec<_>>()
        });
        let mut f = h1.join().expect("thread");
        f.extend(h2.join().expect("thread"));
        f
    });
    eprintln!("{n} variants in {:?}", started.elapsed());
    assert!(
        failures.is_empty(),
        "{} of {n} variants failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn zip_tricks_are_analysed_or_refused_and_recorded() {
    let wallet = std::fs::read(apk("wallet")).expect("fixture");
    run_all(zip_tricks(&wallet));
}

#[test]
fn axml_tricks_are_analysed_or_refused_and_recorded() {
    let wallet = std::fs::read(apk("wallet")).expect("fixture");
    run_all(axml_tricks(&wallet));
}

#[test]
fn dex_tricks_are_analysed_or_refused_and_recorded() {
    let wallet = std::fs::read(apk("wallet")).expect("fixture");
    run_all(dex_tricks(&wallet));
}

#[test]
fn arsc_tricks_are_analysed_and_recorded() {
    let wallet = std::fs::read(apk("wallet")).expect("fixture");
    let variants = arsc_tricks(&wallet);
    // In-process as well: the anomaly names resources.arsc and no string resource is listed.
    for var in &variants {
        let app = analyze_bytes(Path::new(&var.name), &var.bytes, &Options::default())
            .unwrap_or_else(|e| panic!("{}: {e}", var.name));
        if let Expect::Anomaly(text) = var.expect {
            let a = app
                .anomalies
                .iter()
                .find(|a| a.source == RESOURCES)
                .unwrap_or_else(|| panic!("{}: {:?}", var.name, app.anomalies));
            assert!(a.message.contains(text), "{}: {a:?}", var.name);
            assert!(app.string_resources.is_empty(), "{}", var.name);
        }
    }
    run_all(variants);
}

#[test]
fn aab_protobuf_tricks_are_refused_or_recorded() {
    let bundle = std::fs::read(common::root().join("fixtures/bundle.aab")).expect("fixture");
    run_all(aab_tricks(&bundle));
}

#[test]
fn truncations_and_seeded_flips_stay_bounded() {
    run_all(truncations_and_flips());
}

#[test]
fn the_million_entry_archive_is_refused_from_the_end_record_alone() {
    let z = million_entries();
    assert!(z.len() < 1024, "built without allocating the directory");
    let started = Instant::now();
    let e = Archive::parse(&z, Limits::default()).unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(100));
    assert!(
        e.to_string()
            .contains("1000000 entries declared, the limit is 200000 (--max-entries)"),
        "{e}"
    );
}

#[test]
fn the_generator_is_deterministic() {
    let a: Vec<Vec<u8>> = truncations_and_flips()
        .into_iter()
        .map(|v| v.bytes)
        .collect();
    let b: Vec<Vec<u8>> = truncations_and_flips()
        .into_iter()
        .map(|v| v.bytes)
        .collect();
    assert!(a == b);
}

// ---------------------------------------------------------------------------------------------
// Regressions: one test per bug found while building this corpus, named after the bug.

fn archive_anomalies(z: &[u8]) -> Vec<String> {
    Archive::parse(z, Limits::default())
        .expect("zip")
        .anomalies()
        .iter()
        .map(|a| a.message.clone())
        .collect()
}

#[test]
fn regression_local_header_mismatch_was_not_recorded() {
    let wallet = std::fs::read(apk("wallet")).expect("fixture");
    assert!(archive_anomalies(&wallet).is_empty());
    let mut e = entries_of(&wallet);
    let d = idx(&e, "classes.dex");
    e[d].lfh.name = b"classes9.dex".to_vec();
    let got = archive_anomalies(&build_zip(&e, &[], false));
    assert!(
        got.iter()
            .any(|m| m.contains("local header of classes.dex disagrees")
                && m.contains("name classes9.dex")),
        "{got:?}"
    );
}

#[test]
fn regression_control_characters_and_bad_utf8_in_names_were_not_recorded() {
    for name in [&b"a\nb.txt"[..], b"a\x7fb", b"\xff\xfe.jar"] {
        let mut x = Ent::stored("x", b"payload");
        x.cd.name = name.to_vec();
        x.lfh.name = name.to_vec();
        let got = archive_anomalies(&build_zip(&[x], &[], false));
        assert!(
            got.iter().any(|m| m.contains("is unusual")),
            "{name:?}: {got:?}"
        );
    }
}

#[test]
fn regression_stored_data_under_an_unknown_method_read_as_a_short_deflate_stream() {
    // The manifest's first byte (0x03) starts a final fixed-Huffman deflate block: inflating it
    // "succeeds" with a few bytes. The raw bytes, of exactly the declared size, must be used.
    let wallet = std::fs::read(apk("wallet")).expect("fixture");
    let manifest = entry_bytes(&wallet, MANIFEST);
    let mut x = Ent::stored(MANIFEST, &manifest);
    x.cd.method = 12;
    x.lfh.method = 12;
    let z = build_zip(&[x], &[], false);
    let a = Archive::parse(&z, Limits::default()).expect("zip");
    let (bytes, bad_crc) = a.read(a.find(MANIFEST).expect("entry")).expect("read");
    assert_eq!(&bytes[..], &manifest[..]);
    assert!(bad_crc.is_none());
}

#[test]
fn regression_overlapping_entries_were_not_recorded_and_were_parsed_once_per_record() {
    let wallet = std::fs::read(apk("wallet")).expect("fixture");
    let base = entries_of(&wallet);
    let d = idx(&base, "classes.dex");
    let mut e = base.clone();
    for k in 0..300 {
        let mut x = base[d].clone();
        x.cd.name = format!("assets/over{k}.dex").into_bytes();
        x.same_as = Some(d);
        e.push(x);
    }
    let z = build_zip(&e, &[], false);
    let got = archive_anomalies(&z);
    assert!(got.iter().any(|m| m.contains("overlap")), "{got:?}");
    let app = analyze_bytes(Path::new("o.apk"), &z, &Options::default()).expect("analysed");
    // classes.dex and classes2.dex, once each.
    assert_eq!(
        app.dex.len(),
        2,
        "{:?}",
        app.dex.iter().map(|d| &d.name).collect::<Vec<_>>()
    );
    assert_eq!(
        app.anomalies
            .iter()
            .filter(|a| a.message.contains("not read again"))
            .count(),
        300
    );
}

#[test]
fn regression_attribute_strings_amplified_memory() {
    let started = Instant::now();
    let e = appaudit::apk::axml::parse(&amplifier()).unwrap_err();
    assert!(e.to_string().contains("bytes of strings decoded"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn regression_nameless_and_namespace_less_attributes_were_not_recorded() {
    let wallet = std::fs::read(apk("wallet")).expect("fixture");
    let orig = entry_bytes(&wallet, MANIFEST);
    let mut m = orig.clone();
    each_attr(&mut m, |m, a| put32(m, a + 4, u32::MAX));
    let doc = appaudit::apk::axml::parse(&m).expect("decodes");
    assert!(
        doc.anomalies
            .iter()
            .any(|a| a.message.contains("has no name")),
        "{:?}",
        doc.anomalies
    );
    let mut m = orig;
    each_attr(&mut m, |m, a| put32(m, a, u32::MAX));
    let doc = appaudit::apk::axml::parse(&m).expect("decodes");
    assert!(
        doc.anomalies
            .iter()
            .any(|a| a.message.contains("no namespace")),
        "{:?}",
        doc.anomalies
    );
    // Android still reads them by resource id: the manifest is the same.
    let plain = appaudit::apk::axml::parse(&entry_bytes(&wallet, MANIFEST)).expect("decodes");
    assert_eq!(
        appaudit::apk::Manifest::from_document(&doc)
            .expect("manifest")
            .uses_permissions,
        appaudit::apk::Manifest::from_document(&plain)
            .expect("manifest")
            .uses_permissions
    );
}

#[test]
fn regression_shared_code_items_made_the_dex_walk_quadratic() {
    use appaudit::apk::dex::{parse_dex, DexOptions};
    for (name, d) in [
        ("shared code", shared_code_dex(20_000, 100_000)),
        ("shared class data", shared_class_data_dex(5_000, 20_000)),
    ] {
        let started = Instant::now();
        let s = parse_dex("classes.dex", &d, &DexOptions::default()).expect(name);
        assert!(!s.classes.is_empty());
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{name}: {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn tampered_archive_is_reported_by_audit() {
    let wallet = std::fs::read(apk("wallet")).expect("fixture");
    let mut e = entries_of(&wallet);
    for x in &mut e {
        x.cd.flags |= 1;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("encrypted-flag.apk");
    std::fs::write(&p, build_zip(&e, &[], false)).expect("write");
    let policy = common::root().join("fixtures/wallet/policy.txt");
    let policy = if policy.exists() {
        policy
    } else {
        common::root().join("fixtures/clean/policy.txt")
    };
    let out = Command::new(binary())
        .arg("audit")
        .arg(&p)
        .arg("--policy")
        .arg(&policy)
        .args(["--format", "json", "--fail-on", "none"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    let f = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "tampered-archive")
        .unwrap_or_else(|| panic!("no tampered-archive finding: {text}"));
    assert_eq!(f["severity"], "medium");
    assert!(f["evidence"].to_string().contains("encryption flag"), "{f}");
    // The untouched fixture has no tamper finding.
    let out = Command::new(binary())
        .arg("audit")
        .arg(apk("wallet"))
        .arg("--policy")
        .arg(&policy)
        .args(["--format", "json", "--fail-on", "none"])
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("tampered-"));
}

/// Every crash input kept under tests/data/regressions/ is named by the test that covers it.
#[test]
fn every_committed_crash_input_has_a_test() {
    let dir = common::root().join("tests/data/regressions");
    let sources: String = [
        "tests/malformed_corpus.rs",
        "src/apk/axml.rs",
        "src/apk/archive.rs",
    ]
    .iter()
    .map(|p| std::fs::read_to_string(common::root().join(p)).unwrap_or_default())
    .collect();
    for f in std::fs::read_dir(&dir).expect("regressions dir") {
        let name = f.expect("entry").file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            continue;
        }
        assert!(sources.contains(&name), "{name} has no test naming it");
    }
}
