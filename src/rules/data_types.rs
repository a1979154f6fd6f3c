//! The data-type vocabulary (`rules/data-types.toml`): each kind of personal data an app can
//! collect, and the words a privacy policy uses for it.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

use super::permissions::{embedded_entries, load_entries};

/// One data type and how a policy names it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DataTypeRule {
    /// Stable id, e.g. `imei`, `installed_apps`.
    pub id: String,
    /// Chinese display name.
    pub name_zh: String,
    /// English display name.
    pub name_en: String,
    /// Every phrase a Chinese policy may use for it, umbrella words included.
    #[serde(default)]
    pub zh_terms: Vec<String>,
    /// English phrases.
    #[serde(default)]
    pub en_terms: Vec<String>,
    /// 敏感个人信息 (PIPL 28, GB/T 35273 Annex B).
    #[serde(default)]
    pub sensitive: bool,
    /// `zh_terms` without umbrella words: a match on one of these is a strong disclosure.
    #[serde(default)]
    pub zh_specific: Vec<String>,
}

/// All data-type rules, looked up by id.
#[derive(Debug, Clone)]
pub struct DataTypeCatalog {
    rules: Vec<DataTypeRule>,
    by_id: HashMap<String, usize>,
}

static BUILTIN: OnceLock<DataTypeCatalog> = OnceLock::new();

impl DataTypeCatalog {
    /// The vocabulary shipped in the binary (`rules/data-types.toml`, embedded by build.rs as
    /// JSON: no TOML parse at start-up).
    pub fn builtin() -> &'static DataTypeCatalog {
        BUILTIN.get_or_init(|| {
            // The shipped file is checked by a unit test, so this cannot fail in a release.
            embedded_entries(
                include_str!(concat!(env!("OUT_DIR"), "/data-types.json")),
                "rules/data-types.toml",
            )
            .and_then(|e| DataTypeCatalog::from_entries(e, "rules/data-types.toml"))
            .expect("built-in rules/data-types.toml is valid")
        })
    }

    /// Parse a vocabulary; every problem is reported as `file:line: message`.
    pub fn from_toml(text: &str, file: &str) -> Result<DataTypeCatalog, Vec<String>> {
        let entries = load_entries::<DataTypeRule>(text, file, "data_type")?;
        Self::from_entries(entries, file)
    }

    /// Checks the entries of a vocabulary, each with its line in `file`.
    fn from_entries(
        entries: Vec<(usize, DataTypeRule)>,
        file: &str,
    ) -> Result<DataTypeCatalog, Vec<String>> {
        let mut errors = Vec::new();
        let mut rules = Vec::with_capacity(entries.len());
        let mut by_id = HashMap::new();
        let mut first_line: HashMap<String, usize> = HashMap::new();
        for (line, rule) in entries {
            let valid = !rule.id.is_empty()
                && rule
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                errors.push(format!(
                    "{file}:{line}: invalid data type id {:?} (lower-case letters, digits and _)",
                    rule.id
                ));
                continue;
            }
            if let Some(first) = first_line.get(&rule.id) {
                errors.push(format!(
                    "{file}:{line}: duplicate data type {} (first at line {first})",
                    rule.id
                ));
                continue;
            }
            first_line.insert(rule.id.clone(), line);
            by_id.insert(rule.id.clone(), rules.len());
            rules.push(rule);
        }
        if errors.is_empty() {
            Ok(DataTypeCatalog { rules, by_id })
        } else {
            Err(errors)
        }
    }

    /// The rule for an id such as `imei`.
    pub fn get(&self, id: &str) -> Option<&DataTypeRule> {
        self.by_id.get(id.trim()).and_then(|&i| self.rules.get(i))
    }

    /// Every rule, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &DataTypeRule> {
        self.rules.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_is_valid() {
        let c = DataTypeCatalog::builtin();
        assert!(c.iter().count() >= 50);
        let imei = c.get("imei").expect("imei");
        assert!(imei.zh_terms.iter().any(|t| t == "IMEI"));
        assert!(c.get("installed_apps").is_some());
        assert!(c.get("clipboard").is_some());
        assert!(c.get("contacts").map(|r| r.sensitive).unwrap_or(false));
    }

    #[test]
    fn rejects_unknown_keys_and_duplicates() {
        let text = "[[data_type]]\nid = \"imei\"\nname_zh = \"a\"\nname_en = \"b\"\ncolour = 1\n[[data_type]]\nid = \"x\"\nname_zh = \"a\"\nname_en = \"b\"\n[[data_type]]\nid = \"x\"\nname_zh = \"a\"\nname_en = \"b\"\n";
        let errs = DataTypeCatalog::from_toml(text, "d.toml")
            .err()
            .unwrap_or_default();
        assert!(errs.iter().any(|e| e.starts_with("d.toml:5:")), "{errs:?}");
    }
}
