//! From a file on disk to an [`App`]: open the archive, decode the manifest and the names of the
//! string resources (`resources.arsc`), then read every DEX and native library in parallel. A
//! broken resource table, DEX or `.so` becomes an anomaly; only a file that is not an APK at all
//! (no zip, no manifest) is an error.

use crate::apk::archive::{Archive, Entry, Limits};
use crate::apk::dex::{parse_dex, DexOptions, DexSummary};
use crate::apk::elf::{parse_elf_keeping_strings, NativeLib};
use crate::apk::{arsc, axml, Anomaly, App, Manifest};
use crate::error::{Error, ParseError, Result};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The manifest's path inside an APK.
pub const MANIFEST: &str = "AndroidManifest.xml";
/// The compiled resource table's path inside an APK.
pub const RESOURCES: &str = "resources.arsc";
/// How deep archives inside archives are opened (an APK's jar's dex is depth 1).
const MAX_NESTING: u32 = 2;

/// What to read and within which limits.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Zip limits.
    pub limits: Limits,
    /// Substrings looked for in DEX string pools (see [`DexOptions::string_needles`]).
    pub string_needles: Vec<String>,
    /// The native libraries, by file name, whose version-shaped strings are kept
    /// ([`NativeLib::version_strings`]; the SDK rules' `native-string` libraries). `None`: every
    /// library's.
    pub native_strings: Option<regex::RegexSet>,
    /// Read every method's calls for the consent analysis ([`DexOptions::call_graph`]).
    pub call_graph: bool,
}

/// What kind of code an archive entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeKind {
    /// `classes.dex`, `classes2.dex`... in Android's order (the position).
    PrimaryDex(u32),
    /// A `.so` anywhere.
    Native,
    /// A `.dex`/`.jar`/`.apk`/`.zip` elsewhere: code loaded dynamically.
    Nested,
}

/// The `N` of `classesN.dex` (`classes.dex` is 1), when the name is one Android loads.
fn primary_dex_index(name: &str) -> Option<u32> {
    let mid = name.strip_prefix("classes")?.strip_suffix(".dex")?;
    if mid.is_empty() {
        return Some(1);
    }
    if mid.starts_with('0') || !mid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    mid.parse().ok().filter(|&n| n >= 2)
}

pub(crate) fn classify(name: &str) -> Option<CodeKind> {
    if let Some(n) = primary_dex_index(name) {
        return Some(CodeKind::PrimaryDex(n));
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".so") || lower.contains(".so.") && lower.starts_with("lib/") {
        return Some(CodeKind::Native);
    }
    if [".dex", ".jar", ".apk", ".zip"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        return Some(CodeKind::Nested);
    }
    None
}

/// Reads and analyses one APK file.
pub fn analyze(path: &Path, opts: &Options) -> Result<App> {
    let data = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    analyze_bytes(path, &data, opts)
}

/// Analyses APK bytes already in memory; `path` is used for messages and the report.
pub fn analyze_bytes(path: &Path, data: &[u8], opts: &Options) -> Result<App> {
    let input_err = |context: &str, source: ParseError| Error::Input {
        path: path.to_path_buf(),
        context: context.to_string(),
        source,
    };
    let archive = Archive::parse(data, opts.limits).map_err(|e| input_err("zip archive", e))?;
    let mut anomalies: Vec<Anomaly> = archive.anomalies().to_vec();
    let Some(manifest_entry) = archive.find(MANIFEST) else {
        // A split APK set or an App Bundle: read by `bundle`.
        return crate::apk::bundle::analyze_container(path, data, &archive, opts);
    };
    let (mut manifest, mut manifest_anomalies) =
        read_manifest(&archive, manifest_entry).map_err(|e| input_err(MANIFEST, e))?;
    anomalies.append(&mut manifest_anomalies);
    let string_resources = read_string_resources(&archive, &mut manifest, &mut anomalies);

    let mut code: Vec<(CodeKind, &Entry)> = archive
        .entries()
        .iter()
        .filter(|e| {
            archive
                .find(&e.name)
                .is_some_and(|first| std::ptr::eq(first, *e))
        })
        .filter_map(|e| classify(&e.name).map(|k| (k, e)))
        .collect();
    // Entries sharing one local header hold the same bytes: read them once (an overlap bomb
    // would otherwise have the same DEX parsed once per central-directory record).
    let mut read_at: std::collections::HashMap<u64, &str> = std::collections::HashMap::new();
    code.retain(|(_, e)| match read_at.get(&e.header_offset) {
        Some(first) => {
            anomalies.push(Anomaly {
                source: e.name.clone(),
                message: format!("same data as {first}; not read again"),
            });
            false
        }
        None => {
            read_at.insert(e.header_offset, &e.name);
            true
        }
    });
    // Android loads classes.dex, classes2.dex, ... and stops at the first gap.
    code.sort_by_key(|(k, _)| match k {
        CodeKind::PrimaryDex(n) => (0, *n),
        CodeKind::Native => (1, 0),
        CodeKind::Nested => (2, 0),
    });
    let mut expected = 1;
    for (k, e) in code.iter_mut() {
        if let CodeKind::PrimaryDex(n) = *k {
            if n == expected {
                expected += 1;
            } else {
                anomalies.push(Anomaly {
                    source: e.name.clone(),
                    message: format!(
                        "classes{expected}.dex is missing, so Android would not load {}; read as secondary code",
                        e.name
                    ),
                });
                *k = CodeKind::Nested;
            }
        }
    }

    // The digest of the whole file runs beside the code reading (one core's work otherwise
    // left to the end); a small app is read on this thread alone.
    let (sha256, (dex, native_libs)) = if worth_threads(data, &code) {
        rayon::join(
            || hex(&Sha256::digest(data)),
            || read_code(&archive, &code, opts, &mut anomalies, true),
        )
    } else {
        let sha256 = hex(&Sha256::digest(data));
        (
            sha256,
            read_code(&archive, &code, opts, &mut anomalies, false),
        )
    };
    Ok(App {
        path: path.display().to_string(),
        sha256,
        size: data.len() as u64,
        manifest,
        dex,
        native_libs,
        entries: archive.entries().iter().map(|e| e.name.clone()).collect(),
        version_files: version_files(&archive),
        string_resources,
        anomalies,
    })
}

/// The names of the string resources in `resources.arsc`, sorted, and the app's label resolved
/// through it. A table that is missing yields none; one that cannot be read yields none and an
/// anomaly (Android would refuse to install such an APK, but its code is still worth auditing).
fn read_string_resources(
    archive: &Archive<'_>,
    manifest: &mut Manifest,
    anomalies: &mut Vec<Anomaly>,
) -> Vec<String> {
    let Some(entry) = archive.find(RESOURCES) else {
        return Vec::new();
    };
    let mut note = |message: String| {
        anomalies.push(Anomaly {
            source: RESOURCES.to_string(),
            message,
        })
    };
    let bytes = match archive.read(entry) {
        Ok((bytes, bad_crc)) => {
            if let Some(msg) = bad_crc {
                note(msg);
            }
            bytes
        }
        Err(e) => {
            note(format!("not read: {e}"));
            return Vec::new();
        }
    };
    match arsc::parse(&bytes) {
        Ok(table) => {
            resolve_label(manifest, |id| table.string_value(id));
            if table.skipped_entries() > 0 {
                note(format!(
                    "{} entries cannot be read and were left out (Android fails only their lookups)",
                    table.skipped_entries()
                ));
            }
            table
                .names_of_type("string")
                .into_iter()
                .map(str::to_string)
                .collect()
        }
        Err(e) => {
            note(e.to_string());
            Vec::new()
        }
    }
}

/// The contents of small `META-INF/<group>_<artifact>.version` files: what Gradle records of
/// each AndroidX / Play services / SDK artifact's version.
fn version_files(archive: &Archive<'_>) -> Vec<(String, String)> {
    archive
        .entries()
        .iter()
        .filter_map(|e| version_file(archive, e, &e.name).map(|v| (e.name.clone(), v)))
        .collect()
}

/// The version an entry at `apk_path` (its path inside an APK) records, when it is a small
/// `META-INF/*.version` file holding one version-shaped word.
pub(crate) fn version_file(archive: &Archive<'_>, e: &Entry, apk_path: &str) -> Option<String> {
    if !(apk_path.starts_with("META-INF/") && apk_path.ends_with(".version") && e.size <= 128) {
        return None;
    }
    let (bytes, _) = archive.read(e).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?.trim();
    let ok = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_+".contains(c));
    ok.then(|| text.to_string())
}

/// The app's label as text when the manifest names a string resource that `lookup` knows
/// (`@0x7f0b0001` -> `Wallet`); otherwise left as it is.
pub(crate) fn resolve_label<'t>(manifest: &mut Manifest, lookup: impl Fn(u32) -> Option<&'t str>) {
    let Some(label) = manifest.application.label.as_deref() else {
        return;
    };
    let id = label
        .strip_prefix("@0x")
        .and_then(|hex| u32::from_str_radix(hex, 16).ok());
    if let Some(text) = id.and_then(lookup) {
        manifest.application.label = Some(text.to_string());
    }
}

/// Reads the manifest entry into a typed manifest plus the oddities met.
pub fn read_manifest(
    archive: &Archive<'_>,
    entry: &Entry,
) -> Result<(Manifest, Vec<Anomaly>), ParseError> {
    let (bytes, bad_crc) = archive.read(entry)?;
    let doc = axml::parse(&bytes)?;
    let manifest = Manifest::from_document(&doc)
        .map_err(|msg| ParseError::invalid("manifest element", 0, msg))?;
    let mut anomalies = doc.anomalies;
    if let Some(msg) = bad_crc {
        anomalies.push(Anomaly {
            source: MANIFEST.to_string(),
            message: msg,
        });
    }
    Ok((manifest, anomalies))
}

/// Reads the manifest of APK bytes and returns the decoded document (for `inspect --manifest`).
pub fn manifest_document(path: &Path, data: &[u8], limits: Limits) -> Result<axml::Document> {
    let input_err = |context: &str, source: ParseError| Error::Input {
        path: path.to_path_buf(),
        context: context.to_string(),
        source,
    };
    let archive = Archive::parse(data, limits).map_err(|e| input_err("zip archive", e))?;
    let Some(entry) = archive.find(MANIFEST) else {
        // An App Bundle: its base module's manifest, in aapt2's protobuf XML.
        let base = crate::apk::aab::manifest_path(crate::apk::aab::BASE);
        if archive.find(&base).is_some() {
            return crate::apk::aab::manifest_document(&archive, crate::apk::aab::BASE)
                .map_err(|e| input_err(&base, e));
        }
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            message: format!("no {MANIFEST} in the archive: not an APK"),
        });
    };
    let (bytes, _) = archive.read(entry).map_err(|e| input_err(MANIFEST, e))?;
    axml::parse(&bytes).map_err(|e| input_err(MANIFEST, e))
}

/// What one code entry yielded.
#[derive(Default)]
pub(crate) struct Unit {
    pub dex: Vec<DexSummary>,
    pub native: Vec<NativeLib>,
    pub anomalies: Vec<Anomaly>,
}

/// Below this many bytes (the file, and the declared sizes of its code entries), an app is read
/// on the calling thread: starting the thread pool and handing work to it would cost more (about
/// a millisecond of waiting) than the parallel reading saves.
const PARALLEL_FROM: u64 = 1 << 20;

/// Whether reading this app on several threads pays.
fn worth_threads(data: &[u8], code: &[(CodeKind, &Entry)]) -> bool {
    let code_bytes = code.iter().fold(0u64, |n, (_, e)| n.saturating_add(e.size));
    data.len() as u64 >= PARALLEL_FROM || code_bytes >= PARALLEL_FROM
}

/// Reads the code entries, in parallel (rayon) when `parallel`, in their order: the DEX
/// summaries and native libraries, with every unit's anomalies appended to `anomalies`.
pub(crate) fn read_code(
    archive: &Archive<'_>,
    code: &[(CodeKind, &Entry)],
    opts: &Options,
    anomalies: &mut Vec<Anomaly>,
    parallel: bool,
) -> (Vec<DexSummary>, Vec<NativeLib>) {
    let dex_opts = DexOptions {
        string_needles: &opts.string_needles,
        call_graph: opts.call_graph,
        ..DexOptions::default()
    };
    let read = |(kind, entry): &(CodeKind, &Entry)| {
        read_unit(
            archive,
            *kind,
            entry,
            &dex_opts,
            opts.native_strings.as_ref(),
            0,
        )
    };
    let results: Vec<Unit> = if parallel && code.len() > 1 {
        code.par_iter().map(read).collect()
    } else {
        code.iter().map(read).collect()
    };
    let mut dex = Vec::new();
    let mut native_libs = Vec::new();
    for unit in results {
        dex.extend(unit.dex);
        native_libs.extend(unit.native);
        anomalies.extend(unit.anomalies);
    }
    (dex, native_libs)
}

/// A buffer kept by each thread that reads code entries: every DEX or library it inflates goes
/// into the same allocation, so memory stays at (threads x the largest entry) and pages are
/// faulted in once, not once per entry. A nested archive's entries, read while the outer one's
/// bytes are in use, get their own buffer.
const KEEP_BUFFER: usize = 256 << 20;

thread_local! {
    static INFLATE_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Reads one code entry; items and anomalies are named after `entry.name`.
pub(crate) fn read_unit(
    archive: &Archive<'_>,
    kind: CodeKind,
    entry: &Entry,
    dex_opts: &DexOptions<'_>,
    native_strings: Option<&regex::RegexSet>,
    depth: u32,
) -> Unit {
    let mut buf = INFLATE_BUFFER.with(std::cell::Cell::take);
    let unit = read_unit_in(
        archive,
        kind,
        entry,
        dex_opts,
        native_strings,
        depth,
        &mut buf,
    );
    if buf.capacity() <= KEEP_BUFFER {
        INFLATE_BUFFER.with(|b| {
            let kept = b.take();
            b.set(if kept.capacity() > buf.capacity() {
                kept
            } else {
                buf
            });
        });
    }
    unit
}

fn read_unit_in(
    archive: &Archive<'_>,
    kind: CodeKind,
    entry: &Entry,
    dex_opts: &DexOptions<'_>,
    native_strings: Option<&regex::RegexSet>,
    depth: u32,
    buf: &mut Vec<u8>,
) -> Unit {
    let mut unit = Unit::default();
    let note = |unit: &mut Unit, source: &str, message: String| {
        unit.anomalies.push(Anomaly {
            source: source.to_string(),
            message,
        })
    };
    // `stored`: the entry's bytes borrowed from the archive; `None`: inflated into `buf`.
    let (stored, bytes) = match archive.read_into(entry, buf) {
        Ok((stored, bad_crc)) => {
            if let Some(msg) = bad_crc {
                note(&mut unit, &entry.name, msg);
            }
            (stored.is_some(), stored.unwrap_or(&buf[..]))
        }
        Err(e) => {
            note(&mut unit, &entry.name, format!("not read: {e}"));
            return unit;
        }
    };
    match kind {
        CodeKind::PrimaryDex(_) => match parse_dex(&entry.name, bytes, dex_opts) {
            Ok(mut d) => {
                if dex_opts.call_graph {
                    // Kept until the consent search is done (engine::analyze_app drops it): the
                    // inflate buffer itself is handed over (this thread inflates its next entry
                    // into a new one), a stored entry is copied out of the archive.
                    let kept = if stored {
                        bytes.to_vec()
                    } else {
                        std::mem::take(buf)
                    };
                    d.code = Some(std::sync::Arc::new(
                        crate::apk::dex::calls::DexCode::accepted(kept),
                    ));
                }
                unit.dex.push(d)
            }
            Err(e) => note(&mut unit, &entry.name, format!("DEX not parsed: {e}")),
        },
        CodeKind::Native => {
            if bytes.starts_with(b"\x7fELF") {
                let name = entry.name.rsplit('/').next().unwrap_or(&entry.name);
                let keep_strings = native_strings.is_none_or(|set| set.is_match(name));
                match parse_elf_keeping_strings(&entry.name, bytes, keep_strings) {
                    Ok(lib) => unit.native.push(lib),
                    Err(e) => note(&mut unit, &entry.name, format!("ELF not parsed: {e}")),
                }
            } else {
                note(
                    &mut unit,
                    &entry.name,
                    "named .so but is not an ELF file (encrypted or packed?)".to_string(),
                );
                unit.native.push(NativeLib {
                    path: entry.name.clone(),
                    abi: "unknown".to_string(),
                    ..Default::default()
                });
            }
        }
        CodeKind::Nested => read_nested(
            &mut unit,
            archive,
            entry,
            bytes,
            dex_opts,
            native_strings,
            depth,
        ),
    }
    unit
}

fn read_nested(
    unit: &mut Unit,
    archive: &Archive<'_>,
    entry: &Entry,
    bytes: &[u8],
    dex_opts: &DexOptions<'_>,
    native_strings: Option<&regex::RegexSet>,
    depth: u32,
) {
    if bytes.starts_with(b"dex\n") {
        match parse_dex(&entry.name, bytes, dex_opts) {
            Ok(mut d) => {
                d.secondary = true;
                unit.dex.push(d);
            }
            Err(e) => unit.anomalies.push(Anomaly {
                source: entry.name.clone(),
                message: format!("DEX not parsed: {e}"),
            }),
        }
        return;
    }
    if !bytes.starts_with(b"PK") || depth + 1 > MAX_NESTING {
        return;
    }
    // The nested archive shares what is left of the outer inflation budget.
    let mut limits = archive.limits();
    limits.max_total = limits.max_total.saturating_sub(archive.inflated_total());
    let inner = match Archive::parse(bytes, limits) {
        Ok(a) => a,
        Err(e) => {
            unit.anomalies.push(Anomaly {
                source: entry.name.clone(),
                message: format!("nested archive not read: {e}"),
            });
            return;
        }
    };
    for e in inner.entries() {
        let Some(kind) = classify(&e.name) else {
            continue;
        };
        let mut sub = read_unit(&inner, kind, e, dex_opts, native_strings, depth + 1);
        for d in &mut sub.dex {
            d.name = format!("{}!{}", entry.name, d.name);
            d.secondary = true;
        }
        for lib in &mut sub.native {
            lib.path = format!("{}!{}", entry.name, lib.path);
        }
        for a in &mut sub.anomalies {
            a.source = format!("{}!{}", entry.name, a.source);
        }
        unit.dex.append(&mut sub.dex);
        unit.native.append(&mut sub.native);
        unit.anomalies.append(&mut sub.anomalies);
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dex_names_follow_androids_rules() {
        assert_eq!(primary_dex_index("classes.dex"), Some(1));
        assert_eq!(primary_dex_index("classes2.dex"), Some(2));
        assert_eq!(primary_dex_index("classes1.dex"), None);
        assert_eq!(primary_dex_index("classes02.dex"), None);
        assert_eq!(primary_dex_index("assets/classes.dex"), None);
        assert_eq!(classify("assets/plugin.jar"), Some(CodeKind::Nested));
        assert_eq!(classify("lib/arm64-v8a/libx.so"), Some(CodeKind::Native));
        assert_eq!(classify("res/raw/a.png"), None);
    }
}
