//! Data-access rules: undisclosed-data-access (the whole policy), sdk-data-not-disclosed (the
//! SDK's own row).

use crate::audit::normalize::fold;
use crate::audit::{AuditInput, Finding};
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
        let evidence = calls
            .iter()
            .take(10)
            .map(|c| {
                format!(
                    "{} calls {} ({})",
                    c.caller,
                    c.api,
                    c.sdk.as_deref().unwrap_or("app")
                )
            })
            .collect();
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
        for c in input
            .calls
            .iter()
            .filter(|c| c.sdk.as_deref() == Some(&sdk.id))
        {
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
