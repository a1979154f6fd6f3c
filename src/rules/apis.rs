//! The sensitive-API catalogue (`rules/apis.toml`): which framework calls collect which data type.
//! Only `kind = "invoke"` entries drive bytecode matching; `field` and `string` entries are kept
//! as data for other checks.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// How an entry shows up in code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiKind {
    /// A method call (`Lcls;->name`), matched in the bytecode.
    Invoke,
    /// A static field read (`Lcls;->FIELD`).
    Field,
    /// A string constant (`content://sms`, `/proc/net/arp`).
    String,
}

/// How surely a match means the data is collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Calling the API may or may not read the data.
    Low,
    /// Usually reads the data.
    Medium,
    /// Reads the data.
    High,
}

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiRule {
    /// Smali form without proto (`Landroid/telephony/TelephonyManager;->getDeviceId`), or the
    /// string itself for `kind = "string"`.
    pub api: String,
    /// The data type collected (`imei`, `location`...).
    pub data_type: String,
    /// How the entry shows up in code.
    pub kind: ApiKind,
    /// How surely a match means the data is collected.
    pub confidence: Confidence,
    /// The permission guarding the API, as prose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// Free-form notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl ApiRule {
    /// The class descriptor and member name of an `invoke`/`field` entry.
    pub fn class_and_member(&self) -> Option<(&str, &str)> {
        let (class, member) = self.api.split_once(";->")?;
        Some((self.api.get(..class.len() + 1)?, member))
    }
}

/// Method name bytes -> index of the rule, for one class.
pub type MethodRules = HashMap<Box<[u8]>, usize>;

/// The catalogue, indexed for bytecode matching by (class descriptor, method name).
#[derive(Debug, Default)]
pub struct ApiCatalog {
    rules: Vec<ApiRule>,
    /// class descriptor bytes -> method name bytes -> index into `rules` (invoke entries only).
    by_class: HashMap<Box<[u8]>, MethodRules>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    api: Vec<toml::Table>,
}

const BUILTIN: &str = include_str!("../../rules/apis.toml");

/// 1-based line of byte offset `pos` in `text`.
fn line_of(text: &str, pos: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(pos)
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn valid_descriptor(s: &str) -> bool {
    s.len() > 2
        && s.starts_with('L')
        && s.ends_with(';')
        && !s[1..s.len() - 1].contains([';', '.', '['])
}

impl ApiCatalog {
    /// The catalogue built into the binary.
    pub fn builtin() -> &'static ApiCatalog {
        static CATALOG: OnceLock<ApiCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // The embedded file is checked by a unit test; an error here is a build defect.
            ApiCatalog::from_toml(BUILTIN, "rules/apis.toml").unwrap_or_default()
        })
    }

    /// Reads a catalogue, collecting every problem as `file:line: message`.
    pub fn from_toml(text: &str, file: &str) -> Result<ApiCatalog, Vec<String>> {
        let raw: RawFile = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let line = e.span().map_or(1, |s| line_of(text, s.start));
                return Err(vec![format!("{file}:{line}: {}", e.message())]);
            }
        };
        // The line of each `[[api]]` header, in order, to place per-entry errors.
        let headers: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == "[[api]]")
            .map(|(i, _)| i + 1)
            .collect();
        let mut errors = Vec::new();
        let mut cat = ApiCatalog::default();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, table) in raw.api.into_iter().enumerate() {
            let line = headers.get(i).copied().unwrap_or(1);
            let rule: ApiRule = match toml::Value::Table(table).try_into() {
                Ok(r) => r,
                Err(e) => {
                    errors.push(format!("{file}:{line}: {}", e.message().trim()));
                    continue;
                }
            };
            if rule.data_type.trim().is_empty() {
                errors.push(format!("{file}:{line}: empty data_type"));
            }
            match rule.kind {
                ApiKind::Invoke | ApiKind::Field => match rule.class_and_member() {
                    Some((class, member)) if valid_descriptor(class) && !member.is_empty() => {}
                    _ => errors.push(format!(
                        "{file}:{line}: api {:?} is not `Lpkg/Class;->member`",
                        rule.api
                    )),
                },
                ApiKind::String if rule.api.is_empty() => {
                    errors.push(format!("{file}:{line}: empty api string"))
                }
                ApiKind::String => {}
            }
            if let Some(first) = seen.insert(rule.api.clone(), line) {
                errors.push(format!(
                    "{file}:{line}: duplicate api {:?} (first at line {first})",
                    rule.api
                ));
                continue;
            }
            if rule.kind == ApiKind::Invoke {
                if let Some((class, member)) = rule.class_and_member() {
                    cat.by_class
                        .entry(class.as_bytes().into())
                        .or_default()
                        .insert(member.as_bytes().into(), cat.rules.len());
                }
            }
            cat.rules.push(rule);
        }
        if errors.is_empty() {
            Ok(cat)
        } else {
            Err(errors)
        }
    }

    /// The invoke rule for a method, by class descriptor (`Landroid/...;`) and method name.
    pub fn lookup(&self, class_descriptor: &str, method_name: &str) -> Option<&ApiRule> {
        self.lookup_bytes(class_descriptor.as_bytes(), method_name.as_bytes())
    }

    /// [`lookup`](Self::lookup) over raw (MUTF-8) bytes, so DEX strings need no decoding.
    pub fn lookup_bytes(&self, class_descriptor: &[u8], method_name: &[u8]) -> Option<&ApiRule> {
        let i = *self.by_class.get(class_descriptor)?.get(method_name)?;
        self.rules.get(i)
    }

    /// The method names watched on a class (invoke entries), if the class is in the catalogue:
    /// checked first, so names of methods on other classes are never read.
    pub fn class_methods(&self, class_descriptor: &[u8]) -> Option<&MethodRules> {
        self.by_class.get(class_descriptor)
    }

    /// Rule `i` (an index from [`class_methods`](Self::class_methods)).
    pub fn get(&self, i: usize) -> Option<&ApiRule> {
        self.rules.get(i)
    }

    /// Every entry, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &ApiRule> {
        self.rules.iter()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_is_valid() {
        let cat = ApiCatalog::from_toml(BUILTIN, "rules/apis.toml").unwrap();
        assert_eq!(cat.len(), ApiCatalog::builtin().len());
        assert!(cat.len() >= 100);
        let r = cat
            .lookup("Landroid/telephony/TelephonyManager;", "getDeviceId")
            .unwrap();
        assert_eq!(r.data_type, "imei");
        assert_eq!(r.kind, ApiKind::Invoke);
        assert!(
            cat.lookup("Landroid/os/Build;", "SERIAL").is_none(),
            "fields do not match calls"
        );
        assert!(cat.iter().any(|r| r.kind == ApiKind::String));
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let text = r#"
[[api]]
api = "Lcom/a/B;->c"
data_type = "imei"
kind = "invoke"
confidence = "high"

[[api]]
api = "Lcom/a/B;->c"
data_type = "imei"
kind = "invoke"
confidence = "high"

[[api]]
api = "not a method"
data_type = "x"
kind = "invoke"
confidence = "low"

[[api]]
api = "Lx;->y"
data_type = "x"
kind = "invoke"
confidence = "sure"
colour = "red"
"#;
        let errs = ApiCatalog::from_toml(text, "apis.toml").unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs[0].starts_with("apis.toml:8: duplicate"), "{errs:?}");
        assert!(errs[1].starts_with("apis.toml:14: "), "{errs:?}");
        assert!(errs[2].starts_with("apis.toml:20: "), "{errs:?}");
        let syntax = ApiCatalog::from_toml("[[api]\n", "f").unwrap_err();
        assert!(syntax[0].starts_with("f:1: "), "{syntax:?}");
    }
}
