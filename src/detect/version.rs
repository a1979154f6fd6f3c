//! SDK versions, where the app reveals them, and where each was read:
//!
//! 1. `META-INF/<group>_<artifact>.version` files of the SDK's Maven artifacts (Gradle writes
//!    them for AndroidX, Play services and Firebase);
//! 2. the SDK's own `[[version]]` rules, in their order: a `static final String` constant
//!    (`com.tencent.mm.opensdk.constants.Build.SDK_VERSION_NAME`), a native library's file name
//!    (`libAMapSDK_MAP_v9_2_0.so`), a string in a native library (`sentry.native.android/0.7.0`);
//! 3. failing those, a version-named constant (`SDK_VERSION`, `VERSION_NAME`...) of a class under
//!    one of the SDK's own package prefixes whose value is shaped like a version.

use super::{file_name, path_in_split, Detection, EvidenceSource};
use crate::apk::App;
use crate::rules::sdks::{CompiledVersion, SdkCatalog, SdkRule, VersionKind};
use regex::Regex;
use std::sync::OnceLock;

/// A version and where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    pub version: String,
    pub source: String,
}

/// Field names the fallback trusts, best first (compared without case). Names such as
/// `PROTOCOL_VERSION` or `MIN_OS_VERSION` are versions of something else.
const VERSION_FIELDS: &[&[&str]] = &[
    &[
        "SDK_VERSION_NAME",
        "SDK_VERSION",
        "SDKVERSION",
        "SDK_VERSION_STR",
        "SDK_VERSION_STRING",
    ],
    &[
        "VERSION_NAME",
        "VERSION",
        "LIB_VERSION",
        "LIBRARY_VERSION",
        "VERSION_INFO",
    ],
];

/// `1.2`, `v3.4.5`, `4.1.9-beta`, `2.3.6.0`: what the fallback accepts as a version value.
fn version_shape() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^[vV]?(\d{1,4}(?:\.\d{1,6}){1,3}(?:[-+][0-9A-Za-z][0-9A-Za-z.-]{0,30})?)$")
            .expect("valid regex")
    })
}

/// The version text from a pattern's captures (joined by `.`), or the whole value when the
/// pattern has none; `6_1_2` becomes `6.1.2`.
fn from_pattern(pattern: Option<&Regex>, value: &str) -> Option<String> {
    let text = match pattern {
        Some(re) => {
            let caps = re.captures(value)?;
            let parts: Vec<&str> = caps
                .iter()
                .skip(1)
                .flatten()
                .map(|m| m.as_str())
                .filter(|s| !s.is_empty())
                .collect();
            if parts.is_empty() {
                return None;
            }
            parts.join(".")
        }
        None => version_shape()
            .captures(value)?
            .get(1)?
            .as_str()
            .to_string(),
    };
    let underscored = text.contains('_') && text.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    Some(if underscored {
        text.replace('_', ".")
    } else {
        text
    })
}

/// The SDK's version, from the first source that reveals it.
pub(super) fn find(app: &App, cat: &SdkCatalog, rule: &SdkRule, det: &Detection) -> Option<Found> {
    from_version_files(app, &det.artifacts)
        .or_else(|| from_rules(app, rule, cat.version_regexes(&rule.id)))
        .or_else(|| from_constants(app, rule, det))
}

fn from_version_files(app: &App, artifacts: &[String]) -> Option<Found> {
    artifacts.iter().find_map(|a| {
        let file = format!("META-INF/{}.version", a.replacen(':', "_", 1));
        // In a split APK set, a split's file is named `<split>.apk!META-INF/...`.
        app.version_files
            .iter()
            .find(|(name, _)| path_in_split(name) == file)
            .map(|(name, v)| Found {
                version: v.clone(),
                source: name.clone(),
            })
    })
}

fn from_rules(app: &App, rule: &SdkRule, compiled: &[CompiledVersion]) -> Option<Found> {
    rule.versions
        .iter()
        .zip(compiled)
        .find_map(|(sig, re)| match &sig.kind {
            VersionKind::DexConstant { class, field } => app
                .dex
                .iter()
                .flat_map(|d| &d.version_constants)
                .filter(|c| &c.class == class && &c.field == field)
                .find_map(|c| {
                    Some(Found {
                        version: from_pattern(re.pattern.as_ref(), &c.value)?,
                        source: format!("constant {class}.{field} = {:?}", c.value),
                    })
                }),
            VersionKind::NativeName => app.native_libs.iter().find_map(|lib| {
                Some(Found {
                    version: from_pattern(re.pattern.as_ref(), file_name(&lib.path))?,
                    source: format!("native library name {}", lib.path),
                })
            }),
            VersionKind::NativeString { .. } => app
                .native_libs
                .iter()
                .filter(|lib| {
                    re.lib
                        .as_ref()
                        .is_some_and(|l| l.is_match(file_name(&lib.path)))
                })
                .find_map(|lib| {
                    lib.version_strings.iter().find_map(|s| {
                        Some(Found {
                            version: from_pattern(re.pattern.as_ref(), s)?,
                            source: format!("string {s:?} in {}", lib.path),
                        })
                    })
                }),
        })
}

/// Whether `class` is `prefix` or inside it (package or nested-class boundary).
fn under(class: &str, prefix: &str) -> bool {
    class
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '$']))
}

/// How good a fallback constant is, smallest best: the field name's rank, not a BuildConfig,
/// package depth, DEX file, class name.
type Rank<'a> = (usize, bool, usize, usize, &'a str);

fn from_constants(app: &App, rule: &SdkRule, det: &Detection) -> Option<Found> {
    // The SDK's own prefixes that matched classes (not vendor bases, shared or bundled ones).
    let prefixes: Vec<&str> = rule
        .class_prefixes
        .iter()
        .filter(|c| c.is_own())
        .map(|c| c.value.as_str())
        .filter(|p| {
            det.evidence
                .iter()
                .any(|e| e.source == EvidenceSource::DexClass && e.value == *p)
        })
        .collect();
    if prefixes.is_empty() {
        return None;
    }
    let mut best: Option<(Rank<'_>, Found)> = None;
    for (dex_i, c) in app
        .dex
        .iter()
        .enumerate()
        .flat_map(|(i, d)| d.version_constants.iter().map(move |c| (i, c)))
    {
        let Some(rank) = VERSION_FIELDS
            .iter()
            .position(|names| names.iter().any(|n| n.eq_ignore_ascii_case(&c.field)))
        else {
            continue;
        };
        if !prefixes.iter().any(|p| under(&c.class, p)) {
            continue;
        }
        let Some(version) = from_pattern(None, &c.value) else {
            continue;
        };
        // Best: an SDK_* name, then a BuildConfig class, then the shallowest class, then the
        // first DEX file.
        let key = (
            rank,
            !c.class.ends_with(".BuildConfig"),
            c.class.matches('.').count(),
            dex_i,
            c.class.as_str(),
        );
        if best.as_ref().is_none_or(|(k, _)| key < *k) {
            best = Some((
                key,
                Found {
                    version,
                    source: format!("constant {}.{} = {:?}", c.class, c.field, c.value),
                },
            ));
        }
    }
    best.map(|(_, f)| f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_join_captures_and_underscores_become_dots() {
        let re = |s: &str| Regex::new(s).unwrap();
        assert_eq!(
            from_pattern(Some(&re(r"^android (\d+(?:\.\d+)+)$")), "android 6.8.0").as_deref(),
            Some("6.8.0")
        );
        assert_eq!(
            from_pattern(
                Some(&re(r"^libAMapSDK_MAP_v(\d+)_(\d+)_(\d+)\.so$")),
                "libAMapSDK_MAP_v9_2_0.so"
            )
            .as_deref(),
            Some("9.2.0")
        );
        assert_eq!(
            from_pattern(Some(&re(r"^(\d+(?:[._]\d+)+)$")), "6_1_2").as_deref(),
            Some("6.1.2")
        );
        assert_eq!(from_pattern(Some(&re(r"^x(\d+)$")), "y1"), None);
        assert_eq!(
            from_pattern(None, "v4.1.9-beta").as_deref(),
            Some("4.1.9-beta")
        );
        assert_eq!(from_pattern(None, "2.3.6.0").as_deref(), Some("2.3.6.0"));
        for not_a_version in ["1", "open", "1.2.3.4.5", "http://a.b/1.2", "12345.1", ""] {
            assert_eq!(from_pattern(None, not_a_version), None, "{not_a_version:?}");
        }
    }

    #[test]
    fn under_respects_boundaries() {
        assert!(under("com.mob.Build", "com.mob"));
        assert!(under("com.mob.a.B$C", "com.mob.a.B"));
        assert!(!under("com.mobvista.Build", "com.mob"));
        assert_eq!(file_name("lib/arm64-v8a/libx.so"), "libx.so");
        assert_eq!(file_name("base.apk!lib/x86/liby.so"), "liby.so");
        assert_eq!(path_in_split("base.apk!lib/x86/liby.so"), "lib/x86/liby.so");
        assert_eq!(path_in_split("assets/a!b/c"), "b/c");
    }
}
