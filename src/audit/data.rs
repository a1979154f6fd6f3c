//! Data-access rules: undisclosed-data-access (the whole policy), sdk-data-not-disclosed (the
//! SDK's own row).

use crate::audit::normalize::fold;
use crate::audit::{AuditInput, Finding};
use crate::rules::data_types::DataTypeCatalog;
use std::collections::BTreeMap;

/// Whether `text` names the data type by any of its terms.
fn names_data_type(text: &str, data_type: &str, catalog: &DataTypeCatalog) -> bool {
    let folded = fold(text);
    let Some(rule) = catalog.get(data_type) else {
        return folded.contains(&fold(data_type));
    };
    rule.zh_terms
        .iter()
        .chain(rule.en_terms.iter())
        .chain(std::iter::once(&rule.name_zh))
        .chain(std::iter::once(&rule.name_en))
        .map(|t| fold(t))
        .any(|t| !t.is_empty() && folded.contains(&t))
}

/// Data types that no code can read without one of these runtime permissions (any of them, on
/// every Android version the type's APIs exist on). Types not listed are never gated.
const NEEDS_PERMISSION: &[(&str, &[&str])] = &[
    (
        "precise_location",
        &["ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION"],
    ),
    (
        "cell_info",
        &["ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION"],
    ),
    (
        "wifi_scan",
        &["ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION"],
    ),
    ("contacts", &["READ_CONTACTS"]),
    ("call_log", &["READ_CALL_LOG"]),
    ("sms", &["READ_SMS", "RECEIVE_SMS"]),
    ("sms_send", &["SEND_SMS"]),
    ("calendar", &["READ_CALENDAR"]),
    ("camera", &["CAMERA"]),
    ("microphone", &["RECORD_AUDIO"]),
    ("media_location", &["ACCESS_MEDIA_LOCATION"]),
];

/// The permissions that gate `data_type` when the app requests none of them.
fn missing_permission(data_type: &str, input: &AuditInput<'_>) -> Option<&'static [&'static str]> {
    let (_, perms) = NEEDS_PERMISSION.iter().find(|(t, _)| *t == data_type)?;
    let requested = input.app.manifest.permission_names().any(|p| {
        let short = p.strip_prefix("android.permission.").unwrap_or(p);
        perms.contains(&short)
    });
    (!requested).then_some(*perms)
}

/// Who made a call, for the evidence: the SDK, a platform library (`android-support`), or the app.
fn caller_owner(c: &crate::audit::AttributedCall) -> String {
    match (&c.sdk, crate::detect::library_of(&c.caller)) {
        (Some(sdk), _) => sdk.clone(),
        (None, Some(lib)) => format!("{lib} library"),
        (None, None) => "app".to_string(),
    }
}

/// Runs the data rules; `rows_of_sdk` gives, per SDK, the policy rows that disclose it.
pub fn check(input: &AuditInput<'_>, rows_of_sdk: &[Vec<usize>]) -> Vec<Finding> {
    let catalog = DataTypeCatalog::builtin();
    let policy = input.policy;
    let mut findings = Vec::new();
    // data type -> calls
    let mut by_type: BTreeMap<&str, Vec<&crate::audit::AttributedCall>> = BTreeMap::new();
    for c in input.calls {
        by_type.entry(c.data_type.as_str()).or_default().push(c);
    }
    for (data_type, calls) in &by_type {
        if policy.data_types.iter().any(|d| d.data_type == *data_type) {
            continue;
        }
        let name = catalog.get(data_type).map_or(data_type.to_string(), |r| {
            format!("{} ({})", r.name_en, r.name_zh)
        });
        let mut evidence: Vec<String> = calls
            .iter()
            .take(10)
            .map(|c| format!("{} calls {} ({})", c.caller, c.api, caller_owner(c)))
            .collect();
        // Without the permission the API returns nothing: the code is there, the data is not.
        if let Some(perms) = missing_permission(data_type, input) {
            evidence.push(format!(
                "the app requests none of {}",
                perms
                    .iter()
                    .map(|p| format!("android.permission.{p}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            findings.push(
                Finding::new(
                    "undisclosed-data-access",
                    data_type,
                    format!(
                        "code present, permission not requested: the code reads {name}, which needs a permission the app does not request"
                    ),
                    evidence,
                )
                .at(crate::audit::Severity::Info),
            );
            continue;
        }
        findings.push(Finding::new(
            "undisclosed-data-access",
            data_type,
            format!("the code collects {name} but the policy never mentions it"),
            evidence,
        ));
    }
    // Per SDK: every data type its code collects must be in its own row.
    for (sdk, rows) in input.sdks.iter().zip(rows_of_sdk) {
        if rows.is_empty() {
            continue;
        }
        let mut missing: BTreeMap<&str, Vec<&crate::audit::AttributedCall>> = BTreeMap::new();
        // A call whose data needs a permission the app does not request collects nothing.
        for c in input.calls.iter().filter(|c| {
            c.sdk.as_deref() == Some(&sdk.id) && missing_permission(&c.data_type, input).is_none()
        }) {
            let listed = rows.iter().filter_map(|&i| policy.sdks.get(i)).any(|row| {
                let text = format!(
                    "{} {}",
                    row.data.join(" "),
                    row.purpose.as_deref().unwrap_or_default()
                );
                names_data_type(&text, &c.data_type, catalog)
            });
            if !listed {
                missing.entry(c.data_type.as_str()).or_default().push(c);
            }
        }
        if missing.is_empty() {
            continue;
        }
        let row = rows.first().and_then(|&i| policy.sdks.get(i));
        let types: Vec<&str> = missing.keys().copied().collect();
        let mut evidence: Vec<String> = missing
            .values()
            .flatten()
            .take(8)
            .map(|c| format!("{} calls {} ({})", c.caller, c.api, c.data_type))
            .collect();
        if let Some(r) = row {
            evidence.push(format!(
                "policy line {}: {} lists {}",
                r.line,
                r.name,
                if r.data.is_empty() {
                    "no data".to_string()
                } else {
                    r.data.join("、")
                }
            ));
        }
        findings.push(Finding::new(
            "sdk-data-not-disclosed",
            &sdk.id,
            format!(
                "{} collects {} but its row{} does not list {}",
                sdk.name,
                types.join(", "),
                row.map_or(String::new(), |r| format!(" (line {})", r.line)),
                if types.len() == 1 { "it" } else { "them" }
            ),
            evidence,
        ));
    }
    findings
}
