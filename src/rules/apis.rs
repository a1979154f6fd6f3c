//! The sensitive-API catalogue (`rules/apis.toml`): which framework calls, field reads and string
//! constants reveal which data type. All three kinds are matched in the bytecode (see the header
//! of `rules/apis.toml` for the exact semantics); `confidence = "low"` entries are matched only
//! when asked for (`DexOptions::include_low`).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// How an entry shows up in code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiKind {
    /// A method call (`Lcls;->name`), matched in the bytecode.
    Invoke,
    /// A field read, static or instance (`Lcls;->FIELD`), matched on sget*/iget*.
    Field,
    /// A string constant (`content://sms`, `/proc/net/arp`), matched on const-string(/jumbo).
    String,
}

/// How a `kind = "string"` entry compares with a string constant of the code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StringMatch {
    /// The constant is exactly the entry's `api`.
    #[default]
    Exact,
    /// The constant starts with the entry's `api` (`content://sms` matches `content://sms/inbox`).
    Prefix,
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
    /// For `kind = "string"`: exact (default) or prefix comparison. Not allowed on other kinds.
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub string_match: Option<StringMatch>,
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

/// Member name bytes -> index of the rule, for one class.
pub type MethodRules = HashMap<Box<[u8]>, usize, FastHash>;

/// The maps below are built from the catalogue only and then just probed with names read from
/// DEX files, so a fast non-keyed hash (FxHash's multiply-rotate) is safe: probing cannot
/// degrade them, only inserting could. SipHash showed up in profiles of large apps.
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FxHasher;
    fn build_hasher(&self) -> FxHasher {
        FxHasher(0)
    }
}

/// The hasher of [`FastHash`].
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn write_usize(&mut self, n: usize) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        self.0 = (self.0.rotate_left(5) ^ n as u64).wrapping_mul(K);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Class descriptor bytes -> its member rules.
type ClassRules = HashMap<Box<[u8]>, MethodRules, FastHash>;

/// The catalogue, indexed for bytecode matching: invokes and fields by (class descriptor, member
/// name), strings by value.
#[derive(Debug, Default)]
pub struct ApiCatalog {
    rules: Vec<ApiRule>,
    /// class descriptor bytes -> method name bytes -> index into `rules` (invoke entries only).
    by_class: ClassRules,
    /// class descriptor bytes -> field name bytes -> index into `rules` (field entries only).
    fields_by_class: ClassRules,
    /// Shortest and longest class descriptor of `by_class` and `fields_by_class`: a cheap
    /// first filter, since most classes looked up are the app's own.
    class_len: (usize, usize),
    /// (MUTF-8 bytes, prefix?, index into `rules`) of every string entry, in file order.
    strings: Vec<(Box<[u8]>, bool, usize)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    api: Vec<toml::Table>,
}

/// `rules/apis.toml` (the tests compare the embedded entries with it).
#[cfg(test)]
const BUILTIN: &str = include_str!("../../rules/apis.toml");

/// `rules/apis.toml`'s `[[api]]` tables as build.rs embeds them (JSON, with their lines).
const BUILTIN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/apis.json"));

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
    /// The catalogue built into the binary (`rules/apis.toml`, embedded by build.rs as JSON: no
    /// TOML parse at start-up).
    pub fn builtin() -> &'static ApiCatalog {
        static CATALOG: OnceLock<ApiCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // The embedded file is checked by a unit test; an error here is a build defect.
            super::permissions::embedded_entries::<ApiRule>(BUILTIN_JSON, "rules/apis.toml")
                .and_then(|e| {
                    let entries = e.into_iter().map(|(line, r)| (line, Ok(r))).collect();
                    ApiCatalog::from_entries(entries, "rules/apis.toml")
                })
                .unwrap_or_default()
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
        let entries = raw
            .api
            .into_iter()
            .enumerate()
            .map(|(i, table)| {
                let line = headers.get(i).copied().unwrap_or(1);
                let rule = toml::Value::Table(table)
                    .try_into::<ApiRule>()
                    .map_err(|e| e.message().trim().to_string());
                (line, rule)
            })
            .collect();
        Self::from_entries(entries, file)
    }

    /// Checks and indexes the entries of a catalogue, each with its line in `file` (or why it
    /// could not be read).
    fn from_entries(
        entries: Vec<(usize, Result<ApiRule, String>)>,
        file: &str,
    ) -> Result<ApiCatalog, Vec<String>> {
        let mut errors = Vec::new();
        let mut cat = ApiCatalog::default();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (line, rule) in entries {
            let rule = match rule {
                Ok(r) => r,
                Err(e) => {
                    errors.push(format!("{file}:{line}: {e}"));
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
            if rule.string_match.is_some() && rule.kind != ApiKind::String {
                errors.push(format!(
                    "{file}:{line}: `match` is only for kind = \"string\" entries"
                ));
            }
            if let Some(first) = seen.insert(rule.api.clone(), line) {
                errors.push(format!(
                    "{file}:{line}: duplicate api {:?} (first at line {first})",
                    rule.api
                ));
                continue;
            }
            let index = cat.rules.len();
            match rule.kind {
                ApiKind::Invoke | ApiKind::Field => {
                    let map = if rule.kind == ApiKind::Invoke {
                        &mut cat.by_class
                    } else {
                        &mut cat.fields_by_class
                    };
                    if let Some((class, member)) = rule.class_and_member() {
                        cat.class_len = if cat.class_len == (0, 0) {
                            (class.len(), class.len())
                        } else {
                            (
                                cat.class_len.0.min(class.len()),
                                cat.class_len.1.max(class.len()),
                            )
                        };
                        map.entry(class.as_bytes().into())
                            .or_default()
                            .insert(member.as_bytes().into(), index);
                    }
                }
                ApiKind::String => {
                    let prefix = rule.string_match == Some(StringMatch::Prefix);
                    let bytes = crate::apk::dex::mutf8::encode(&rule.api);
                    cat.strings.push((bytes.into(), prefix, index));
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
        if !self.may_hold(class_descriptor) {
            return None;
        }
        self.by_class.get(class_descriptor)
    }

    /// False if no invoke or field entry can be on this class (by length alone).
    fn may_hold(&self, class_descriptor: &[u8]) -> bool {
        (self.class_len.0..=self.class_len.1).contains(&class_descriptor.len())
    }

    /// True if the catalogue has field entries.
    pub fn has_fields(&self) -> bool {
        !self.fields_by_class.is_empty()
    }

    /// True if the catalogue has string entries.
    pub fn has_strings(&self) -> bool {
        !self.strings.is_empty()
    }

    /// The field names watched on a class (field entries), if the class is in the catalogue.
    pub fn class_fields(&self, class_descriptor: &[u8]) -> Option<&MethodRules> {
        if !self.may_hold(class_descriptor) {
            return None;
        }
        self.fields_by_class.get(class_descriptor)
    }

    /// The field rule for a field, by class descriptor and field name.
    pub fn lookup_field(&self, class_descriptor: &str, field_name: &str) -> Option<&ApiRule> {
        let i = *self
            .fields_by_class
            .get(class_descriptor.as_bytes())?
            .get(field_name.as_bytes())?;
        self.rules.get(i)
    }

    /// The index of the first string entry (in file order) matching a string constant given as
    /// raw MUTF-8 bytes: equal to its `api`, or starting with it for `match = "prefix"`.
    pub fn match_string(&self, value: &[u8]) -> Option<usize> {
        self.strings
            .iter()
            .find(|(s, prefix, _)| {
                if *prefix {
                    value.starts_with(s)
                } else {
                    value == &s[..]
                }
            })
            .map(|&(_, _, i)| i)
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
        let f = cat
            .lookup_field(
                "Landroid/provider/ContactsContract$Contacts;",
                "CONTENT_URI",
            )
            .unwrap();
        assert_eq!((f.kind, f.data_type.as_str()), (ApiKind::Field, "contacts"));
        assert!(cat
            .lookup(
                "Landroid/provider/ContactsContract$Contacts;",
                "CONTENT_URI"
            )
            .is_none());
        let rule = |v: &str| cat.match_string(v.as_bytes()).and_then(|i| cat.get(i));
        assert_eq!(rule("content://sms/inbox").unwrap().api, "content://sms");
        assert_eq!(rule("content://sms").unwrap().data_type, "sms");
        assert_eq!(rule("ro.serialno").unwrap().data_type, "device_serial");
        assert!(
            rule("ro.serialno.x").is_none(),
            "exact entries match whole strings"
        );
        assert!(rule("xcontent://sms").is_none());
        assert!(rule("android_id").is_none());
    }

    #[test]
    fn match_is_only_for_strings() {
        let text = r#"
[[api]]
api = "content://x"
data_type = "x"
kind = "string"
confidence = "high"
match = "prefix"

[[api]]
api = "Lcom/a/B;->C"
data_type = "x"
kind = "field"
confidence = "high"
match = "prefix"
"#;
        let errs = ApiCatalog::from_toml(text, "apis.toml").unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with("apis.toml:9: `match`"), "{errs:?}");
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
