//! Data-access rules: undisclosed-data-access (the whole policy), sdk-data-not-disclosed (the
//! SDK's own row).

use crate::audit::normalize::fold;
use crate::audit::sdks::{row_file, sdk_name};
use crate::audit::{AuditInput, Finding};
use crate::model::{Arg, Evidence, RuleId, SubjectKind};
use crate::rules::data_types::DataTypeCatalog;
use std::collections::BTreeMap;

/// Whether `text` names the data type by any of its terms, or by a term's core written as a
/// list item of its own (`MAC` in `设备标识符（IMEI、MAC）` is `MAC地址`: one type).
fn names_data_type(text: &str, data_type: &str, catalog: &DataTypeCatalog) -> bool {
    let folded = fold(text);
    let Some(rule) = catalog.get(data_type) else {
        return folded.contains(&fold(data_type));
    };
    let terms: Vec<String> = rule
        .zh_terms
        .iter()
        .chain(rule.en_terms.iter())
        .chain(std::iter::once(&rule.name_zh))
        .chain(std::iter::once(&rule.name_en))
        .map(|t| fold(t))
        .filter(|t| !t.is_empty())
        .collect();
    if terms.iter().any(|t| folded.contains(t)) {
        return true;
    }
    let items: Vec<String> = text
        .split(|c: char| "、，,（）()/；;：: 　等和及\n".contains(c))
        .map(fold)
        .filter(|t| t.chars().count() >= 2)
        .collect();
    terms
        .iter()
        .filter_map(|t| term_core(t))
        .any(|core| items.contains(&core))
}

/// A term without its generic tail (`mac地址` → `mac`, `macaddress` → `mac`), when one is left.
fn term_core(term: &str) -> Option<String> {
    ["地址", "address", "信息", "info", "号码", "号"]
        .iter()
        .find_map(|tail| term.strip_suffix(tail))
        .filter(|core| core.chars().count() >= 2)
        .map(str::to_string)
}

/// A data type's name in both languages (its id when the rules do not know it).
pub fn data_type_arg(id: &str, catalog: &DataTypeCatalog) -> Arg {
    catalog
        .get(id)
        .map_or_else(|| Arg::text(id), |r| Arg::both(&r.name_zh, &r.name_en))
}

/// A data type's display name in a language.
pub fn data_type_name(id: &str, lang: crate::model::Lang) -> String {
    data_type_arg(id, DataTypeCatalog::builtin())
        .get(lang)
        .to_string()
}

fn call_evidence(c: &crate::audit::AttributedCall) -> Evidence {
    Evidence::Call {
        caller: c.caller.clone(),
        api: c.api.clone(),
        data_type: c.data_type.clone(),
        sdk: c.sdk.clone(),
        library: match c.sdk {
            None => crate::detect::library_of(&c.caller).map(str::to_string),
            Some(_) => None,
        },
        dex: c.dex.clone(),
    }
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
        let mut evidence: Vec<Evidence> = calls.iter().take(10).map(|c| call_evidence(c)).collect();
        // Without the permission the API returns nothing: the code is there, the data is not.
        if let Some(perms) = missing_permission(data_type, input) {
            evidence.push(Evidence::ManifestLacks {
                permissions: perms
                    .iter()
                    .map(|p| format!("android.permission.{p}"))
                    .collect(),
            });
            findings.push(
                Finding::new(
                    RuleId::UndisclosedDataAccess,
                    data_type,
                    SubjectKind::DataType,
                    "no-permission",
                    vec![("data", data_type_arg(data_type, catalog))],
                    evidence,
                )
                .at(crate::model::Severity::Info),
            );
            continue;
        }
        findings.push(Finding::new(
            RuleId::UndisclosedDataAccess,
            data_type,
            SubjectKind::DataType,
            "",
            vec![("data", data_type_arg(data_type, catalog))],
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
        let names: Vec<Arg> = missing.keys().map(|t| data_type_arg(t, catalog)).collect();
        let joined = |lang: crate::model::Lang, sep: &str| {
            names
                .iter()
                .map(|a| a.get(lang).to_string())
                .collect::<Vec<_>>()
                .join(sep)
        };
        let data = Arg::both(
            &joined(crate::model::Lang::Zh, "、"),
            &joined(crate::model::Lang::En, ", "),
        );
        let mut evidence: Vec<Evidence> = missing
            .values()
            .flatten()
            .take(8)
            .map(|c| call_evidence(c))
            .collect();
        if let Some(r) = row {
            evidence.push(Evidence::PolicyLine {
                file: row_file(r.file.as_ref(), policy),
                line: r.line,
                quote: if r.data.is_empty() {
                    r.name.clone()
                } else {
                    format!("{}: {}", r.name, r.data.join("、"))
                },
            });
        }
        findings.push(Finding::new(
            RuleId::SdkDataNotDisclosed,
            &sdk.id,
            SubjectKind::Sdk,
            if names.len() > 1 { "many" } else { "" },
            vec![
                ("sdk", sdk_name(sdk)),
                ("data", data),
                ("line", Arg::text(row.map_or(0, |r| r.line))),
            ],
            evidence,
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_core_listed_alone_names_the_type() {
        let cat = DataTypeCatalog::builtin();
        assert!(names_data_type(
            "设备标识符（IMEI、Android ID、MAC、OAID等）",
            "wifi_mac",
            cat
        ));
        assert!(names_data_type("imei/imsi、mac", "wifi_mac", cat));
        assert!(names_data_type("Wi-Fi MAC", "wifi_mac", cat));
        assert!(!names_data_type("machine learning", "wifi_mac", cat));
        assert!(!names_data_type("设备型号", "wifi_mac", cat));
    }
}
