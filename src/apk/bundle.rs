//! App containers that are not a single APK: split APK sets (`.apks`, `.xapk`, `.apkm`: a zip of
//! `base.apk` plus configuration and feature splits) and Android App Bundles (`.aab`).
//!
//! A split set is read as one app: the base APK's manifest, and the code and native libraries of
//! every split. Items from a split are named `<split file>!<entry>`, so a report says where each
//! came from; the base's keep their plain names (assets rules match them as in a plain APK).
//! An App Bundle is read by [`crate::apk::aab`].

use crate::apk::archive::{Archive, Limits};
use crate::apk::reader::{self, Options, MANIFEST};
use crate::apk::{Anomaly, App};
use crate::error::{Error, ParseError, Result};
use std::path::Path;

/// The manifest of an Android App Bundle's base module.
pub const AAB_MANIFEST: &str = "base/manifest/AndroidManifest.xml";

/// What kind of container a zip without a top-level manifest is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// APK files inside: a split set.
    SplitApks,
    /// An Android App Bundle.
    AppBundle,
    /// Neither.
    Unknown,
}

/// Recognises the container from its entries.
pub fn container_kind(archive: &Archive<'_>) -> Container {
    if archive.find(AAB_MANIFEST).is_some() {
        return Container::AppBundle;
    }
    if archive.entries().iter().any(|e| is_apk_entry(&e.name)) {
        return Container::SplitApks;
    }
    Container::Unknown
}

fn is_apk_entry(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".apk") && !name.ends_with('/')
}

/// Reads a zip that has no top-level `AndroidManifest.xml`: a split set or an App Bundle, else
/// the "not an APK" error.
pub fn analyze_container(
    path: &Path,
    data: &[u8],
    archive: &Archive<'_>,
    opts: &Options,
) -> Result<App> {
    match container_kind(archive) {
        Container::SplitApks => analyze_split_set(path, data, archive, opts),
        Container::AppBundle => crate::apk::aab::analyze_app_bundle(path, data, archive, opts),
        Container::Unknown => Err(Error::Unsupported {
            path: path.to_path_buf(),
            message: format!(
                "no {MANIFEST} in the archive and no APK inside: not an APK, split APK set or App Bundle"
            ),
        }),
    }
}

/// One APK of a split set, read into memory.
struct Split {
    name: String,
    bytes: Vec<u8>,
    /// The manifest's `split` attribute (`None` for the base).
    split: Option<String>,
}

/// Limits for an archive nested in `outer`: what is left of the outer inflation budget.
fn inner_limits(outer: &Archive<'_>) -> Limits {
    let mut limits = outer.limits();
    limits.max_total = limits.max_total.saturating_sub(outer.inflated_total());
    limits
}

fn analyze_split_set(
    path: &Path,
    data: &[u8],
    archive: &Archive<'_>,
    opts: &Options,
) -> Result<App> {
    let input_err = |context: String, source: ParseError| Error::Input {
        path: path.to_path_buf(),
        context,
        source,
    };
    let mut anomalies: Vec<Anomaly> = archive.anomalies().to_vec();
    let mut splits: Vec<Split> = Vec::new();
    for e in archive.entries().iter().filter(|e| is_apk_entry(&e.name)) {
        let (bytes, bad_crc) = archive.read(e).map_err(|s| input_err(e.name.clone(), s))?;
        if let Some(msg) = bad_crc {
            anomalies.push(Anomaly {
                source: e.name.clone(),
                message: msg,
            });
        }
        let bytes = bytes.into_owned();
        let split =
            match reader::manifest_document(Path::new(&e.name), &bytes, inner_limits(archive)) {
                Ok(doc) => doc.root.plain_attr("split").map(|v| v.as_text()),
                Err(err) => {
                    anomalies.push(Anomaly {
                        source: e.name.clone(),
                        message: format!("not read as a split APK: {err}"),
                    });
                    continue;
                }
            };
        splits.push(Split {
            name: e.name.clone(),
            bytes,
            split,
        });
    }
    // The base: `base.apk` by name (bundletool, SAI), else the one APK whose manifest names no split.
    let base_index = splits
        .iter()
        .position(|s| s.name.rsplit('/').next() == Some("base.apk") && s.split.is_none())
        .or_else(|| splits.iter().position(|s| s.split.is_none()))
        .ok_or_else(|| Error::Unsupported {
            path: path.to_path_buf(),
            message: "split APK set without a base APK (every APK inside names a split)"
                .to_string(),
        })?;
    let base_split = splits.remove(base_index);
    let split_opts = |limits: Limits| Options {
        limits,
        string_needles: opts.string_needles.clone(),
        native_strings: opts.native_strings.clone(),
        call_graph: opts.call_graph,
    };
    let mut app = reader::analyze_bytes(
        Path::new(&base_split.name),
        &base_split.bytes,
        &split_opts(inner_limits(archive)),
    )
    .map_err(|e| Error::Unsupported {
        path: path.to_path_buf(),
        message: format!("base APK {}: {e}", base_split.name),
    })?;
    drop(base_split);
    for s in splits {
        let part = match reader::analyze_bytes(
            Path::new(&s.name),
            &s.bytes,
            &split_opts(inner_limits(archive)),
        ) {
            Ok(p) => p,
            Err(e) => {
                anomalies.push(Anomaly {
                    source: s.name.clone(),
                    message: format!("split not read: {e}"),
                });
                continue;
            }
        };
        if part.manifest.package != app.manifest.package {
            anomalies.push(Anomaly {
                source: s.name.clone(),
                message: format!(
                    "split of package {:?}, not the base's {:?}",
                    part.manifest.package, app.manifest.package
                ),
            });
        }
        merge_split(&mut app, part, &s.name);
    }
    app.anomalies.append(&mut anomalies);
    app.path = path.display().to_string();
    app.sha256 = reader::hex(&<sha2::Sha256 as sha2::Digest>::digest(data));
    app.size = data.len() as u64;
    Ok(app)
}

/// Adds a split's code, libraries, entries and anomalies to the app, named `<split>!<item>`,
/// and its string resources (the union, sorted).
fn merge_split(app: &mut App, part: App, split: &str) {
    let named = |s: &str| format!("{split}!{s}");
    for mut d in part.dex {
        d.name = named(&d.name);
        app.dex.push(d);
    }
    for mut lib in part.native_libs {
        lib.path = named(&lib.path);
        app.native_libs.push(lib);
    }
    app.entries.extend(part.entries.iter().map(|e| named(e)));
    app.version_files.extend(
        part.version_files
            .into_iter()
            .map(|(name, version)| (named(&name), version)),
    );
    app.string_resources.extend(part.string_resources);
    app.string_resources.sort_unstable();
    app.string_resources.dedup();
    for mut a in part.anomalies {
        a.source = named(&a.source);
        app.anomalies.push(a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apk_entries_are_known_by_name() {
        assert!(is_apk_entry("base.apk"));
        assert!(is_apk_entry("split_config.arm64_v8a.APK"));
        assert!(!is_apk_entry("icon.png"));
        assert!(!is_apk_entry("dir.apk/"));
    }
}
