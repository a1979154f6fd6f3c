//! The words of a draft taken from the knowledge base: clean data-type labels, legal names.
//!
//! The knowledge base's `data_types.items` are notes for analysts ("设备信息 (IMEI, IMSI, ...)",
//! "seed: ...", "(documented by ...)"): never text for a policy. A draft names data only by the
//! labels of a vocabulary: the data types of `rules/data-types.toml` (the ones the audit checks),
//! and a few kinds of personal data that no API reveals but SDK vendors declare (device model,
//! face images...), listed here. A note contributes the labels whose terms it contains; a note
//! that names none (for instance "不收集用户信息") contributes nothing.

use crate::report::html::Lang;
use crate::rules::data_types::DataTypeCatalog;
use std::collections::BTreeSet;

/// Data a vendor declares that is not one of the audited data types: (id, zh, en, terms).
const EXTRA: &[(&str, &str, &str, &[&str])] = &[
    ("name", "姓名", "name", &["姓名"]),
    (
        "id_card",
        "身份证信息",
        "identity card details",
        &["身份证", "ID card", "ID-card", "identity card"],
    ),
    (
        "face",
        "人脸信息",
        "facial images",
        &["人脸", "face", "liveness", "活体"],
    ),
    (
        "bank_card",
        "银行卡信息",
        "bank card details",
        &["银行卡", "bank card", "bank-card"],
    ),
    (
        "device_model",
        "设备型号",
        "device model",
        &[
            "设备型号",
            "型号",
            "品牌",
            "制造商",
            "device model",
            "model",
            "brand",
            "manufacturer",
        ],
    ),
    (
        "os_version",
        "操作系统版本",
        "operating system version",
        &[
            "操作系统",
            "系统版本",
            "系统类型",
            "OS",
            "operating system",
            "Android version",
        ],
    ),
    (
        "location",
        "位置信息",
        "location",
        &["位置", "地理位置", "location", "电子围栏"],
    ),
    ("sensor", "传感器信息", "sensor data", &["传感器", "sensor"]),
    (
        "app_info",
        "应用信息",
        "app information",
        &[
            "应用信息",
            "应用基本信息",
            "app info",
            "package info",
            "package name",
        ],
    ),
    (
        "push_token",
        "推送标识符",
        "push token",
        &[
            "Push Token",
            "push token",
            "AAID",
            "PUSHID",
            "RegID",
            "Registration ID",
        ],
    ),
    (
        "crash_log",
        "崩溃日志",
        "crash logs",
        &["崩溃", "crash", "日志", "logs"],
    ),
    (
        "uploaded_files",
        "用户上传的文件",
        "files the user uploads",
        &["上传的文件", "uploaded file"],
    ),
];

/// Short forms that notes use for an audited data type: (term, data type id).
const SHORT: &[(&str, &str)] = &[
    ("MAC", "wifi_mac"),
    ("WiFi地址", "wifi_mac"),
    ("IP", "ip_address"),
    ("WiFi", "wifi_info"),
    ("Wi-Fi", "wifi_info"),
    ("网络信息", "network_state"),
    ("network info", "network_state"),
    ("网络类型", "network_state"),
    ("运营商", "carrier_info"),
    ("基站", "cell_info"),
    ("手机号", "phone_number"),
    ("应用列表", "installed_apps"),
    ("app list", "installed_apps"),
];

/// One label of the draft's vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataLabel {
    /// A data type id of `rules/data-types.toml`, or one of this module's own.
    pub id: String,
    /// The label in the draft's language.
    pub label: String,
}

struct Entry {
    id: String,
    zh: String,
    en: String,
    terms: Vec<String>,
}

fn vocabulary() -> Vec<Entry> {
    let mut out: Vec<Entry> = DataTypeCatalog::builtin()
        .iter()
        .map(|r| {
            // Specific words only: umbrella words (设备信息) would name every identifier.
            let mut terms: Vec<String> = vec![r.name_zh.clone(), r.name_en.clone()];
            terms.extend(r.zh_specific.iter().cloned());
            terms.extend(r.en_terms.iter().cloned());
            terms.extend(
                SHORT
                    .iter()
                    .filter(|(_, id)| *id == r.id)
                    .map(|(t, _)| t.to_string()),
            );
            Entry {
                id: r.id.clone(),
                zh: r.name_zh.clone(),
                en: r.name_en.clone(),
                terms,
            }
        })
        .collect();
    out.extend(EXTRA.iter().map(|(id, zh, en, terms)| Entry {
        id: id.to_string(),
        zh: zh.to_string(),
        en: en.to_string(),
        terms: terms.iter().map(|t| t.to_string()).collect(),
    }));
    out
}

/// Where `text` contains `term`: CJK terms anywhere, ASCII terms as whole words (case-blind,
/// except acronyms such as "OS" or "IP", which must be written in capitals).
fn occurrences(text: &str, term: &str) -> Vec<std::ops::Range<usize>> {
    if term.is_empty() {
        return Vec::new();
    }
    if !term.is_ascii() {
        return text
            .match_indices(term)
            .map(|(i, m)| i..i + m.len())
            .collect();
    }
    let acronym = term.chars().all(|c| !c.is_ascii_lowercase());
    // ASCII lower-casing keeps byte offsets.
    let (hay, needle) = if acronym {
        (text.to_string(), term.to_string())
    } else {
        (text.to_ascii_lowercase(), term.to_ascii_lowercase())
    };
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    hay.match_indices(&needle)
        .filter(|(i, m)| {
            !word(hay[..*i].chars().next_back()) && !word(hay[i + m.len()..].chars().next())
        })
        .map(|(i, m)| i..i + m.len())
        .collect()
}

/// The vocabulary entries a note names. Longer terms are matched first and claim their words,
/// so "IP地址" names the IP address and not also "地址" (an address).
fn named_in(note: &str, terms: &[(&str, usize)]) -> Vec<usize> {
    let mut claimed = vec![false; note.len()];
    let mut out = Vec::new();
    for &(term, entry) in terms {
        for r in occurrences(note, term) {
            if claimed[r.clone()].iter().any(|&c| c) {
                continue;
            }
            claimed[r].iter_mut().for_each(|c| *c = true);
            out.push(entry);
        }
    }
    out
}

/// The labels for an SDK: those its knowledge-base notes name, and the data types its code was
/// seen collecting (`seen`), once each, in the vocabulary's order.
pub fn labels(notes: &[String], seen: &[String], lang: Lang) -> Vec<DataLabel> {
    let mut ids: BTreeSet<&str> = seen.iter().map(String::as_str).collect();
    let vocab = vocabulary();
    let mut terms: Vec<(&str, usize)> = vocab
        .iter()
        .enumerate()
        .flat_map(|(i, e)| e.terms.iter().map(move |t| (t.as_str(), i)))
        .collect();
    terms.sort_by_key(|(t, _)| std::cmp::Reverse(t.chars().count()));
    for note in notes {
        for entry in named_in(note, &terms) {
            ids.insert(vocab[entry].id.as_str());
        }
    }
    let mut out: Vec<DataLabel> = vocab
        .iter()
        .filter(|e| ids.contains(e.id.as_str()))
        .map(|e| DataLabel {
            id: e.id.clone(),
            label: match lang {
                Lang::Zh => e.zh.clone(),
                Lang::En => e.en.clone(),
            },
        })
        .collect();
    // A seen id outside the vocabulary (a custom rules file) keeps its id as its label.
    for id in seen {
        if !out.iter().any(|l| &l.id == id) {
            out.push(DataLabel {
                id: id.clone(),
                label: id.clone(),
            });
        }
    }
    let mut labels_seen = BTreeSet::new();
    out.retain(|l| labels_seen.insert(l.label.clone()));
    out
}

/// Legal-form words of company names written in Latin letters.
const LEGAL_FORMS: &[&str] = &[
    "LLC",
    "Inc.",
    "Inc",
    "Ltd.",
    "Ltd",
    "Limited",
    "GmbH",
    "Corporation",
    "Corp.",
    "S.A.",
    "B.V.",
    "AB",
    "Oy",
    "PLC",
    "Pte.",
    "N.V.",
];

/// The text with every parenthesised note removed ("Umeng (Alibaba)" -> "Umeng").
pub fn without_notes(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The parts of a text inside parentheses.
fn parenthesised(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '（' => {
                depth += 1;
                if depth == 1 {
                    cur.clear();
                    continue;
                }
            }
            ')' | '）' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(cur.trim().to_string());
                    continue;
                }
            }
            _ => {}
        }
        if depth > 0 {
            cur.push(c);
        }
    }
    out
}

/// A company name in Latin letters with its legal form, if the text holds one.
fn latin_legal_name(text: &str) -> Option<String> {
    let mut candidates = vec![without_notes(text)];
    candidates.extend(parenthesised(text));
    candidates
        .into_iter()
        .find(|c| c.split([' ', ',']).any(|w| LEGAL_FORMS.contains(&w)))
}

/// The vendor's legal name: the first registered company name in the knowledge base's Chinese
/// vendor text (which may carry notes), else a Latin name with its legal form.
pub fn legal_name(vendor_zh: &str, vendor_en: &str) -> Option<String> {
    crate::engine::company_names(vendor_zh)
        .into_iter()
        .next()
        .or_else(|| latin_legal_name(vendor_en))
        .or_else(|| latin_legal_name(vendor_zh))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(notes: &[&str]) -> Vec<String> {
        let notes: Vec<String> = notes.iter().map(|s| s.to_string()).collect();
        labels(&notes, &[], Lang::Zh)
            .into_iter()
            .map(|l| l.id)
            .collect()
    }

    #[test]
    fn notes_become_labels_and_chatter_is_dropped() {
        assert_eq!(ids(&["seed: 不收集用户信息"]), Vec::<String>::new());
        let got = ids(&[
            "设备信息 (IMEI, IMSI, Android ID, OAID, MAC, 设备型号, OS)",
            "应用列表信息 (documented by Getui for push/风控)",
        ]);
        for want in [
            "imei",
            "imsi",
            "android_id",
            "wifi_mac",
            "oaid",
            "installed_apps",
            "device_model",
            "os_version",
        ] {
            assert!(got.iter().any(|g| g == want), "{want} not in {got:?}");
        }
        // "IP地址" is an IP address, not also an address.
        assert_eq!(ids(&["IP地址", "MAC address"]), ["wifi_mac", "ip_address"]);
        // "iOS" is not "OS", "IPv6" is not "IP".
        assert!(!ids(&["iOS only"]).contains(&"os_version".to_string()));
        assert!(!ids(&["IPv6"]).contains(&"ip_address".to_string()));
    }

    #[test]
    fn labels_are_unique_and_in_the_drafts_language() {
        let notes = vec!["IMEI".to_string(), "IMEI/MEID".to_string()];
        let seen = vec!["imei".to_string()];
        let zh = labels(&notes, &seen, Lang::Zh);
        assert_eq!(zh.iter().filter(|l| l.id == "imei").count(), 1);
        let en: Vec<String> = labels(&["位置信息".to_string()], &[], Lang::En)
            .into_iter()
            .map(|l| l.label)
            .collect();
        assert_eq!(en, ["location"]);
    }

    #[test]
    fn legal_names_come_from_the_vendor_text_without_its_notes() {
        assert_eq!(
            legal_name(
                "珠海市魅族科技有限公司（policies also write 魅族科技有限公司）",
                "Meizu"
            )
            .as_deref(),
            Some("珠海市魅族科技有限公司")
        );
        assert_eq!(
            legal_name("谷歌 (Google LLC)", "Google LLC").as_deref(),
            Some("Google LLC")
        );
        assert_eq!(
            legal_name("", "Functional Software, Inc. (Sentry)").as_deref(),
            Some("Functional Software, Inc.")
        );
        assert_eq!(legal_name("", "Bangcle / SecNeo"), None);
        assert_eq!(without_notes("Getui Push (GeTui)"), "Getui Push");
    }
}
