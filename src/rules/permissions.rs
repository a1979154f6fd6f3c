//! The Android permission catalogue (`rules/permissions.toml`): each permission, whether it is
//! dangerous or otherwise privacy-relevant, and the words a privacy policy uses for it.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

use super::table_lines::table_starts;

/// One Android permission and how a policy names it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionRule {
    /// Full name, e.g. `android.permission.CAMERA`.
    pub name: String,
    /// AOSP `protectionLevel` contains `dangerous` (a runtime prompt).
    pub dangerous: bool,
    /// AOSP protection level as written in the reference.
    pub protection_level: String,
    /// The Chinese permission group (TC260-PG-20204A), e.g. 相机权限.
    #[serde(default)]
    pub group_zh: Option<String>,
    /// An undisclosed request of it is a finding.
    pub privacy_relevant: bool,
    /// Every phrase a Chinese policy may use for it, umbrella words included.
    #[serde(default)]
    pub zh_terms: Vec<String>,
    /// English phrases.
    #[serde(default)]
    pub en_terms: Vec<String>,
    /// Data type ids (`rules/data-types.toml`) it gives access to.
    #[serde(default)]
    pub data_types: Vec<String>,
    /// The regulation or standard the classification rests on.
    #[serde(default)]
    pub basis: Option<String>,
    /// The AOSP permission group, e.g. `CAMERA`.
    #[serde(default)]
    pub android_group: Option<String>,
    /// Counted as 可收集个人信息的权限 (a permission that can collect personal information).
    #[serde(default)]
    pub pi_capable: bool,
    /// API level that added it.
    #[serde(default)]
    pub added_api: Option<u32>,
    /// `zh_terms` without umbrella words: a match on one of these is a strong disclosure.
    #[serde(default)]
    pub zh_specific: Vec<String>,
    /// Google Play policy that restricts it, if any.
    #[serde(default)]
    pub play_policy: Option<String>,
    /// Free notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// All permission rules, looked up by full or short name.
#[derive(Debug, Clone)]
pub struct PermissionCatalog {
    rules: Vec<PermissionRule>,
    by_name: HashMap<String, usize>,
}

static BUILTIN: OnceLock<PermissionCatalog> = OnceLock::new();

impl PermissionCatalog {
    /// The catalogue shipped in the binary (`rules/permissions.toml`, embedded by build.rs as
    /// JSON: no TOML parse at start-up).
    pub fn builtin() -> &'static PermissionCatalog {
        BUILTIN.get_or_init(|| {
            // The shipped file is checked by a unit test, so this cannot fail in a release.
            embedded_entries(
                include_str!(concat!(env!("OUT_DIR"), "/permissions.json")),
                "rules/permissions.toml",
            )
            .and_then(|e| PermissionCatalog::from_entries(e, "rules/permissions.toml"))
            .expect("built-in rules/permissions.toml is valid")
        })
    }

    /// Parse a catalogue; every problem is reported as `file:line: message`.
    pub fn from_toml(text: &str, file: &str) -> Result<PermissionCatalog, Vec<String>> {
        let entries = load_entries::<PermissionRule>(text, file, "permission")?;
        Self::from_entries(entries, file)
    }

    /// Checks the entries of a catalogue, each with its line in `file`.
    fn from_entries(
        entries: Vec<(usize, PermissionRule)>,
        file: &str,
    ) -> Result<PermissionCatalog, Vec<String>> {
        let mut errors = Vec::new();
        let mut rules = Vec::with_capacity(entries.len());
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut first_line: HashMap<String, usize> = HashMap::new();
        for (line, rule) in entries {
            if rule.name.trim().is_empty() || rule.name.contains(char::is_whitespace) {
                errors.push(format!(
                    "{file}:{line}: invalid permission name {:?}",
                    rule.name
                ));
                continue;
            }
            if let Some(first) = first_line.get(&rule.name) {
                errors.push(format!(
                    "{file}:{line}: duplicate permission {} (first at line {first})",
                    rule.name
                ));
                continue;
            }
            first_line.insert(rule.name.clone(), line);
            by_name.insert(rule.name.clone(), rules.len());
            rules.push(rule);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Short forms: `CAMERA` for `android.permission.CAMERA`; other namespaces only when unambiguous.
        let mut short: HashMap<String, Option<usize>> = HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            if let Some(s) = rule.name.strip_prefix("android.permission.") {
                short.insert(s.to_string(), Some(i));
            }
        }
        for (i, rule) in rules.iter().enumerate() {
            if rule.name.starts_with("android.permission.") {
                continue;
            }
            if let Some((_, s)) = rule.name.rsplit_once('.') {
                short
                    .entry(s.to_string())
                    .and_modify(|v| {
                        // An AOSP name wins; two non-AOSP names sharing a short form are ambiguous.
                        if let Some(j) = *v {
                            if !rules[j].name.starts_with("android.permission.") {
                                *v = None;
                            }
                        }
                    })
                    .or_insert(Some(i));
            }
        }
        for (s, i) in short {
            if let Some(i) = i {
                by_name.entry(s).or_insert(i);
            }
        }
        Ok(PermissionCatalog { rules, by_name })
    }

    /// The rule for `android.permission.CAMERA`, or the short form `CAMERA`.
    pub fn get(&self, name: &str) -> Option<&PermissionRule> {
        self.by_name
            .get(name.trim())
            .and_then(|&i| self.rules.get(i))
    }

    /// Every rule, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &PermissionRule> {
        self.rules.iter()
    }
}

/// The `[[key]]` tables of a catalogue as build.rs embeds them: JSON `[[line, {table}], ...]`.
pub(crate) fn embedded_entries<T: DeserializeOwned>(
    json: &str,
    file: &str,
) -> Result<Vec<(usize, T)>, Vec<String>> {
    serde_json::from_str(json).map_err(|e| vec![format!("{file}: embedded entries: {e}")])
}

/// Read the `[[key]]` tables of a rules file, each with the line it starts on. Unknown top-level
/// keys and malformed entries are all reported, as `file:line: message`.
pub(crate) fn load_entries<T: DeserializeOwned>(
    text: &str,
    file: &str,
    key: &str,
) -> Result<Vec<(usize, T)>, Vec<String>> {
    let doc: toml::Table = match text.parse::<toml::Table>() {
        Ok(d) => d,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            return Err(vec![format!("{file}:{line}: {}", first_line(e.message()))]);
        }
    };
    let mut errors = Vec::new();
    for k in doc.keys() {
        if k != key {
            let line = find_line(text, &format!("[[{k}]]"))
                .or_else(|| find_line(text, &format!("{k} =")))
                .unwrap_or(1);
            errors.push(format!(
                "{file}:{line}: unknown key `{k}` (expected `[[{key}]]` tables)"
            ));
        }
    }
    let starts = table_starts(text, key);
    let mut out = Vec::new();
    match doc.get(key) {
        None => {}
        Some(toml::Value::Array(items)) => {
            for (n, item) in items.iter().enumerate() {
                let line = starts.get(n).copied().unwrap_or(1);
                match T::deserialize(item.clone()) {
                    Ok(v) => out.push((line, v)),
                    Err(e) => {
                        // Point at the offending key when the message names one.
                        let at = key_line(text, line, e.message()).unwrap_or(line);
                        errors.push(format!(
                            "{file}:{at}: {key} #{}: {}",
                            n + 1,
                            first_line(e.message())
                        ));
                    }
                }
            }
        }
        Some(_) => errors.push(format!(
            "{file}:{}: `{key}` must be an array of tables ([[{key}]])",
            find_line(text, key).unwrap_or(1)
        )),
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s).trim()
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with(needle))
        .map(|i| i + 1)
}

/// The line of a key named in a serde message (`unknown field `foo``), searched from the table start.
fn key_line(text: &str, start: usize, message: &str) -> Option<usize> {
    let name = message.split('`').nth(1)?;
    for (i, l) in text.lines().enumerate().skip(start) {
        let t = l.trim_start();
        if t.starts_with("[[") {
            break;
        }
        if let Some(rest) = t.strip_prefix(name) {
            if rest.trim_start().starts_with('=') {
                return Some(i + 1);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_is_valid_and_complete() {
        let c = PermissionCatalog::builtin();
        // 65 from the reference permission map, plus 12 normal/launcher permissions that policies
        // name (VIBRATE, WAKE_LOCK, INSTALL_SHORTCUT ...), none of them privacy-relevant.
        assert_eq!(c.iter().count(), 77);
        assert!(c.iter().skip(65).all(|r| !r.privacy_relevant));
        let cam = c.get("CAMERA").expect("short form");
        assert_eq!(cam.name, "android.permission.CAMERA");
        assert!(cam.dangerous && cam.privacy_relevant);
        assert!(c.get("android.permission.READ_PHONE_STATE").is_some());
        assert_eq!(
            c.get("AD_ID").map(|r| r.name.as_str()),
            Some("com.google.android.gms.permission.AD_ID")
        );
        // The AOSP name wins over the GMS one.
        assert_eq!(
            c.get("ACTIVITY_RECOGNITION").map(|r| r.name.as_str()),
            Some("android.permission.ACTIVITY_RECOGNITION")
        );
        assert!(!c
            .get("INTERNET")
            .map(|r| r.privacy_relevant)
            .unwrap_or(true));
        assert!(c
            .get("QUERY_ALL_PACKAGES")
            .map(|r| r.privacy_relevant)
            .unwrap_or(false));
    }

    #[test]
    fn builtin_data_types_are_known() {
        let types = crate::rules::data_types::DataTypeCatalog::builtin();
        for p in PermissionCatalog::builtin().iter() {
            for d in &p.data_types {
                assert!(
                    types.get(d).is_some(),
                    "{} names unknown data type {d}",
                    p.name
                );
            }
        }
    }

    #[test]
    fn errors_have_file_and_line() {
        let text = "[[permission]]\nname = \"a.B\"\ndangerous = true\nprotection_level = \"x\"\nprivacy_relevant = true\nbogus = 1\n\n[[permission]]\nname = \"a.B\"\ndangerous = true\nprotection_level = \"x\"\nprivacy_relevant = true\n\n[[permission]]\nname = \"a.C\"\n";
        let errs = PermissionCatalog::from_toml(text, "p.toml")
            .err()
            .unwrap_or_default();
        assert!(
            errs.iter()
                .any(|e| e.starts_with("p.toml:6:") && e.contains("bogus")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.starts_with("p.toml:14:") && e.contains("missing")),
            "{errs:?}"
        );
        let errs = PermissionCatalog::from_toml("[[permission]\n", "p.toml")
            .err()
            .unwrap_or_default();
        assert!(errs.iter().all(|e| e.starts_with("p.toml:1:")), "{errs:?}");
        let dup = "[[permission]]\nname = \"a.B\"\ndangerous = true\nprotection_level = \"x\"\nprivacy_relevant = true\n[[permission]]\nname = \"a.B\"\ndangerous = true\nprotection_level = \"x\"\nprivacy_relevant = true\n";
        let errs = PermissionCatalog::from_toml(dup, "p.toml")
            .err()
            .unwrap_or_default();
        assert_eq!(
            errs,
            vec!["p.toml:6: duplicate permission a.B (first at line 1)".to_string()]
        );
    }
}
