//! An Android App Bundle (`.aab`) read as one app, as the universal APK bundletool would build
//! from it.
//!
//! A bundle is a zip of modules: `base/` and one directory per feature (or asset pack), each with
//! `manifest/AndroidManifest.xml` and `resources.pb` in aapt2's protobuf form, `dex/*.dex`,
//! `lib/<abi>/*.so`, `assets/**`, `res/**` and `root/**` (files that go to the APK's root, such
//! as `META-INF/*.version`). Package, versions, SDK levels, flags and meta-data come from the base
//! manifest; every module's manifest adds its permissions and components.
//!
//! Names: the base module's items keep the names they have in the APK (`classes.dex`,
//! `lib/arm64-v8a/libx.so`, `assets/x`, `META-INF/x.version`), so a bundle and its universal APK
//! report the same. A feature's DEX files keep their bundle path (`feature_camera/dex/classes.dex`);
//! its other entries are `<module>!<path in the APK>` (`feature_camera!assets/x`), as a split
//! set names `<split>!<entry>`, so the rules that match paths inside an APK see them.

use crate::apk::aapt2;
use crate::apk::archive::{Archive, Entry};
use crate::apk::manifest::Manifest;
use crate::apk::reader::{self, CodeKind, Options};
use crate::apk::{Anomaly, App};
use crate::error::{Error, ParseError, Result};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The module every bundle has.
pub const BASE: &str = "base";
/// A module's manifest, inside its directory.
const MODULE_MANIFEST: &str = "manifest/AndroidManifest.xml";
/// A module's resource table, inside its directory.
const MODULE_RESOURCES: &str = "resources.pb";
/// The bundle's configuration, at the top level.
pub const BUNDLE_CONFIG: &str = "BundleConfig.pb";

/// The bundle path of a module's manifest.
pub fn manifest_path(module: &str) -> String {
    format!("{module}/{MODULE_MANIFEST}")
}

/// The modules of a bundle: the top-level directories holding a manifest, base first.
pub fn modules(archive: &Archive<'_>) -> Vec<String> {
    let mut set: BTreeSet<&str> = BTreeSet::new();
    for e in archive.entries() {
        if let Some(module) = e
            .name
            .strip_suffix(MODULE_MANIFEST)
            .and_then(|m| m.strip_suffix('/'))
        {
            if !module.is_empty() && !module.contains('/') {
                set.insert(module);
            }
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(set.len());
    if set.remove(BASE) {
        out.push(BASE.to_string());
    }
    out.extend(set.into_iter().map(str::to_string));
    out
}

/// Where a file of a module goes in the module's APK, or `None` for the bundle's own metadata
/// (`manifest/`, `resources.pb`, `assets.pb`, `native.pb`...).
fn apk_path(inner: &str) -> Option<&str> {
    if let Some(rest) = inner.strip_prefix("dex/") {
        return Some(rest);
    }
    if let Some(rest) = inner.strip_prefix("root/") {
        return Some(rest);
    }
    ["lib/", "assets/", "res/"]
        .iter()
        .any(|p| inner.starts_with(p))
        .then_some(inner)
}

/// Reads a module's manifest into a typed manifest.
fn read_manifest(
    archive: &Archive<'_>,
    module: &str,
) -> Result<(Manifest, Vec<Anomaly>), ParseError> {
    let name = manifest_path(module);
    let entry = archive
        .find(&name)
        .ok_or_else(|| ParseError::invalid(name.clone(), 0, "missing"))?;
    let (bytes, bad_crc) = archive.read(entry)?;
    let doc = aapt2::parse_xml(&bytes)?;
    let manifest = Manifest::from_document(&doc)
        .map_err(|msg| ParseError::invalid("manifest element", 0, msg))?;
    let mut anomalies = doc.anomalies;
    if let Some(message) = bad_crc {
        anomalies.push(Anomaly {
            source: name,
            message,
        });
    }
    Ok((manifest, anomalies))
}

/// The decoded XML of a module's manifest (for `inspect --manifest`).
pub fn manifest_document(
    archive: &Archive<'_>,
    module: &str,
) -> Result<crate::apk::axml::Document, ParseError> {
    let name = manifest_path(module);
    let entry = archive
        .find(&name)
        .ok_or_else(|| ParseError::invalid(name.clone(), 0, "missing"))?;
    let (bytes, _) = archive.read(entry)?;
    aapt2::parse_xml(&bytes)
}

/// Adds what a feature module's manifest declares: its permissions and components.
fn merge_manifest(base: &mut Manifest, feature: Manifest) {
    for p in feature.uses_permissions {
        if !base.uses_permissions.iter().any(|q| q.name == p.name) {
            base.uses_permissions.push(p);
        }
    }
    for p in feature.declared_permissions {
        if !base.declared_permissions.iter().any(|q| q.name == p.name) {
            base.declared_permissions.push(p);
        }
    }
    for c in feature.components {
        if !base
            .components
            .iter()
            .any(|d| d.kind == c.kind && d.name == c.name)
        {
            base.components.push(c);
        }
    }
}

/// Reads a bundle (a zip whose `base/manifest/AndroidManifest.xml` exists) as one app.
pub fn analyze_app_bundle(
    path: &Path,
    data: &[u8],
    archive: &Archive<'_>,
    opts: &Options,
) -> Result<App> {
    let mut anomalies: Vec<Anomaly> = archive.anomalies().to_vec();
    let mut note = |source: &str, message: String| {
        anomalies.push(Anomaly {
            source: source.to_string(),
            message,
        })
    };
    if let Some(e) = archive.find(BUNDLE_CONFIG) {
        if let Err(err) = archive
            .read(e)
            .and_then(|(bytes, _)| aapt2::bundletool_version(&bytes))
        {
            note(BUNDLE_CONFIG, format!("not read: {err}"));
        }
    }
    let modules = modules(archive);
    let (mut manifest, doc_anomalies) =
        read_manifest(archive, BASE).map_err(|source| Error::Input {
            path: path.to_path_buf(),
            context: manifest_path(BASE),
            source,
        })?;
    for a in doc_anomalies {
        note(&a.source, a.message);
    }
    for module in modules.iter().filter(|m| *m != BASE) {
        match read_manifest(archive, module) {
            Ok((feature, doc_anomalies)) => {
                for a in doc_anomalies {
                    note(&a.source, a.message);
                }
                if feature.package != manifest.package {
                    note(
                        &manifest_path(module),
                        format!(
                            "module of package {:?}, not the base's {:?}",
                            feature.package, manifest.package
                        ),
                    );
                }
                merge_manifest(&mut manifest, feature);
            }
            Err(e) => note(&manifest_path(module), format!("not read: {e}")),
        }
    }

    // String resources of every module; the label from the base's table.
    let mut string_resources: Vec<String> = Vec::new();
    for module in &modules {
        let name = format!("{module}/{MODULE_RESOURCES}");
        let Some(entry) = archive.find(&name) else {
            continue;
        };
        match archive
            .read(entry)
            .and_then(|(bytes, _)| aapt2::parse_resource_table(&bytes))
        {
            Ok(table) => {
                if module == BASE {
                    reader::resolve_label(&mut manifest, |id| table.string_value(id));
                }
                string_resources.extend(table.string_names);
            }
            Err(e) => note(&name, format!("not read: {e}")),
        }
    }
    string_resources.sort_unstable();
    string_resources.dedup();

    // Every module file that goes into an APK, renamed as the report names it.
    let mut entries: Vec<String> = Vec::new();
    let mut version_files: Vec<(String, String)> = Vec::new();
    let mut code: Vec<(usize, CodeKind, Entry)> = Vec::new();
    let mut read_at: HashMap<u64, String> = HashMap::new();
    for e in archive.entries() {
        if !archive
            .find(&e.name)
            .is_some_and(|first| std::ptr::eq(first, e))
        {
            continue; // a duplicate name: Android's reader sees the first
        }
        let Some((module, inner)) = e.name.split_once('/') else {
            continue;
        };
        let Some(index) = modules.iter().position(|m| m == module) else {
            continue;
        };
        let Some(apk) = apk_path(inner) else {
            continue;
        };
        let name = if index == 0 {
            apk.to_string()
        } else {
            format!("{module}!{apk}")
        };
        entries.push(name.clone());
        if let Some(v) = reader::version_file(archive, e, apk) {
            version_files.push((name.clone(), v));
        }
        let Some(mut kind) = reader::classify(apk) else {
            continue;
        };
        if matches!(kind, CodeKind::PrimaryDex(_)) && !inner.starts_with("dex/") {
            kind = CodeKind::Nested; // a `root/classes.dex`: not loaded as the module's code
        }
        if let Some(first) = read_at.get(&e.header_offset) {
            note(&name, format!("same data as {first}; not read again"));
            continue;
        }
        read_at.insert(e.header_offset, name.clone());
        let mut renamed = e.clone();
        renamed.name = match kind {
            CodeKind::PrimaryDex(_) if index > 0 => e.name.clone(),
            _ => name,
        };
        code.push((index, kind, renamed));
    }
    // Each module's APK loads classes.dex, classes2.dex, ... and stops at the first gap.
    code.sort_by_key(|(module, k, _)| match k {
        CodeKind::PrimaryDex(n) => (0, *module, *n),
        CodeKind::Native => (1, *module, 0),
        CodeKind::Nested => (2, *module, 0),
    });
    let mut expected: HashMap<usize, u32> = HashMap::new();
    for (module, k, e) in code.iter_mut() {
        if let CodeKind::PrimaryDex(n) = *k {
            let want = expected.entry(*module).or_insert(1);
            if n == *want {
                *want += 1;
            } else {
                note(
                    &e.name,
                    format!(
                        "classes{want}.dex is missing in its module, so Android would not load {}; \
                         read as secondary code",
                        e.name
                    ),
                );
                *k = CodeKind::Nested;
            }
        }
    }

    let units: Vec<(CodeKind, &Entry)> = code.iter().map(|(_, k, e)| (*k, e)).collect();
    let (dex, native_libs) = reader::read_code(archive, &units, opts, &mut anomalies, true);
    Ok(App {
        path: path.display().to_string(),
        sha256: reader::hex(&<sha2::Sha256 as sha2::Digest>::digest(data)),
        size: data.len() as u64,
        manifest,
        dex,
        native_libs,
        entries,
        version_files,
        string_resources,
        anomalies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_files_map_to_apk_paths() {
        assert_eq!(apk_path("dex/classes2.dex"), Some("classes2.dex"));
        assert_eq!(
            apk_path("root/META-INF/a_b.version"),
            Some("META-INF/a_b.version")
        );
        assert_eq!(
            apk_path("lib/arm64-v8a/libx.so"),
            Some("lib/arm64-v8a/libx.so")
        );
        assert_eq!(apk_path("assets/x/y.bin"), Some("assets/x/y.bin"));
        assert_eq!(apk_path("manifest/AndroidManifest.xml"), None);
        assert_eq!(apk_path("resources.pb"), None);
        assert_eq!(apk_path("native.pb"), None);
    }
}
