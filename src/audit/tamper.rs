//! Tampering as a signal: the zip and binary-XML tricks that Android tolerates (so the app still
//! installs and appaudit still analyses it) but that exist to break analysis tools. The readers
//! record each trick as an anomaly; this module turns them into two findings,
//! `tampered-archive` and `tampered-manifest`, each listing every anomaly of its layer.

use crate::apk::reader::MANIFEST;
use crate::apk::{Anomaly, App};
use crate::audit::{AuditInput, Finding, Severity};
use crate::model::{Arg, Evidence, RuleId, SubjectKind};

/// The source the zip reader gives its anomalies.
const ARCHIVE: &str = "archive";

/// Archive tricks used to break analysis tools (the reader's wording): the encryption flag,
/// an unknown compression method, a local header that disagrees with the central directory,
/// data before the zip (the Janus trick, CVE-2017-13156).
const ARCHIVE_EVASION: &[&str] = &[
    "encryption flag",
    "compression method",
    "local header",
    "precede",
];

/// Manifest tricks used to break analysis tools: attributes renamed, nameless or without a
/// namespace (Android resolves them by resource id), unknown chunks, junk after the document,
/// header sizes other than the compiler's.
const MANIFEST_EVASION: &[&str] = &[
    "has the resource id of android:",
    "no name",
    "namespace",
    "unknown chunk type",
    "follow the XML chunk",
    "header size",
];

/// Runs the tamper rules.
pub fn check(input: &AuditInput<'_>) -> Vec<Finding> {
    check_app(input.app)
}

/// The tamper findings of an app (also usable without a policy).
pub fn check_app(app: &App) -> Vec<Finding> {
    let mut findings = Vec::new();
    let layer = |source: &str| -> Vec<&Anomaly> {
        app.anomalies
            .iter()
            .filter(|a| a.source == source)
            .collect()
    };
    let archive = layer(ARCHIVE);
    if !archive.is_empty() {
        findings.push(finding(
            RuleId::TamperedArchive,
            "archive",
            &archive,
            ARCHIVE_EVASION,
        ));
    }
    let manifest = layer(MANIFEST);
    if !manifest.is_empty() {
        findings.push(finding(
            RuleId::TamperedManifest,
            MANIFEST,
            &manifest,
            MANIFEST_EVASION,
        ));
    }
    findings
}

fn finding(rule: RuleId, subject: &str, anomalies: &[&Anomaly], evasion: &[&str]) -> Finding {
    let evasive = anomalies
        .iter()
        .any(|a| evasion.iter().any(|e| a.message.contains(e)));
    let evidence = anomalies
        .iter()
        .map(|a| Evidence::Anomaly {
            source: a.source.clone(),
            message: a.message.clone(),
        })
        .collect();
    let f = Finding::new(
        rule,
        subject,
        SubjectKind::ApkEntry,
        "",
        vec![("count", Arg::text(anomalies.len()))],
        evidence,
    );
    if evasive {
        f.at(Severity::Medium)
    } else {
        f.at(Severity::Info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(anomalies: &[(&str, &str)]) -> App {
        App {
            path: "a.apk".into(),
            sha256: String::new(),
            size: 0,
            manifest: Default::default(),
            dex: Vec::new(),
            native_libs: Vec::new(),
            entries: Vec::new(),
            version_files: Vec::new(),
            string_resources: Vec::new(),
            anomalies: anomalies
                .iter()
                .map(|(s, m)| Anomaly {
                    source: s.to_string(),
                    message: m.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn nothing_odd_no_finding() {
        assert!(check_app(&app(&[("classes2.dex", "DEX not parsed: x")])).is_empty());
    }

    #[test]
    fn evasion_tricks_are_medium_others_info() {
        let f = check_app(&app(&[
            (
                "archive",
                "entry x has the encryption flag set; read as plain data, as Android does",
            ),
            (
                "archive",
                "duplicate entry name \"a\"; the first one is used",
            ),
            ("AndroidManifest.xml", "1 element(s) left open at the end"),
        ]));
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].rule, RuleId::TamperedArchive);
        assert_eq!(f[0].severity, Severity::Medium);
        assert_eq!(f[0].evidence.len(), 2);
        assert!(f[0].evidence[1].starts_with("archive: duplicate"));
        assert_eq!(f[1].rule, RuleId::TamperedManifest);
        assert_eq!(f[1].severity, Severity::Info);
        let f = check_app(&app(&[(
            "archive",
            "duplicate entry name \"a\"; the first one is used",
        )]));
        assert_eq!(f[0].severity, Severity::Info);
        let f = check_app(&app(&[(
            "archive",
            "4096 bytes precede the zip data; offsets adjusted",
        )]));
        assert_eq!(f[0].severity, Severity::Medium);
    }
}
