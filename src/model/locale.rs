//! Localisation as data: every user-visible word of the reports, one catalogue per language
//! (`locales/zh.toml`, `locales/en.toml`, embedded at build time). Finding messages are templates
//! over the finding's typed arguments (`{name}`); evidence lines are templates too.

use super::{Arg, Evidence, Lang};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const ZH: &str = include_str!("../../locales/zh.toml");
const EN: &str = include_str!("../../locales/en.toml");

/// One language's words: section -> key -> text.
#[derive(Debug, Default)]
pub struct Catalogue {
    /// The tables of the file.
    pub sections: BTreeMap<String, BTreeMap<String, String>>,
}

impl Catalogue {
    /// Parses a catalogue file (every value a string, one level of tables).
    pub fn parse(text: &str) -> Result<Catalogue, String> {
        toml::from_str(text)
            .map(|sections| Catalogue { sections })
            .map_err(|e| e.to_string())
    }

    /// The text of `section.key`, if present.
    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.sections
            .get(section)
            .and_then(|s| s.get(key))
            .map(String::as_str)
    }

    /// The text of `section.key`; a missing key shows as `⟦section.key⟧` (tests/locales.rs
    /// fails on any).
    pub fn text(&self, section: &str, key: &str) -> String {
        self.get(section, key)
            .map_or_else(|| format!("⟦{section}.{key}⟧"), str::to_string)
    }
}

/// The catalogue of a language (parsed once).
pub fn catalogue(lang: Lang) -> &'static Catalogue {
    static CATS: OnceLock<[Catalogue; 2]> = OnceLock::new();
    let cats = CATS.get_or_init(|| {
        // The files are part of the build and tested; a broken one shows every key as missing.
        [
            Catalogue::parse(ZH).unwrap_or_default(),
            Catalogue::parse(EN).unwrap_or_default(),
        ]
    });
    match lang {
        Lang::Zh => &cats[0],
        Lang::En => &cats[1],
    }
}

/// The raw catalogue files, for tests.
pub fn sources() -> [(Lang, &'static str); 2] {
    [(Lang::Zh, ZH), (Lang::En, EN)]
}

/// Fills `{name}` placeholders from `args` (a missing argument shows as `{name}`).
pub fn fill(template: &str, args: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_') =>
            {
                let name = &after[..close];
                out.push_str(&args(name).unwrap_or_else(|| format!("{{{name}}}")));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of `section.key` in a language with its `{name}` placeholders filled from `args`.
pub fn format(lang: Lang, section: &str, key: &str, args: &[(&str, String)]) -> String {
    fill(&catalogue(lang).text(section, key), &|name| {
        args.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    })
}

/// A finding message in a language.
pub fn message(lang: Lang, key: &str, args: &BTreeMap<&'static str, Arg>) -> String {
    let template = catalogue(lang).text("messages", key);
    fill(&template, &|name| {
        args.get(name).map(|a| a.get(lang).to_string())
    })
}

/// A word of a section (`severity`, `sdk-status`, `category`...).
pub fn word(lang: Lang, section: &str, key: &str) -> String {
    catalogue(lang).text(section, key)
}

/// A category's name; an unknown category shows its id.
pub fn category(lang: Lang, id: &str) -> String {
    catalogue(lang)
        .get("category", id)
        .map_or_else(|| id.to_string(), str::to_string)
}

/// Whether the text holds a CJK ideograph.
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{3400}'..='\u{9fff}').contains(&c))
}

/// An evidence line in a language.
pub fn evidence(lang: Lang, e: &Evidence) -> String {
    let cat = catalogue(lang);
    let sep = match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    };
    let (key, args): (&str, Vec<(&str, String)>) = match e {
        Evidence::DexClass { class, count } if *count > 1 => (
            "dex-classes",
            vec![("class", class.clone()), ("count", count.to_string())],
        ),
        Evidence::DexClass { class, .. } => ("dex-class", vec![("class", class.clone())]),
        Evidence::NativeLib { path } => ("native-lib", vec![("path", path.clone())]),
        Evidence::ManifestElement { element } => {
            ("manifest-element", vec![("element", element.clone())])
        }
        Evidence::ManifestDefault {
            attribute,
            target_sdk: Some(t),
        } => (
            "manifest-default-target",
            vec![("attribute", attribute.clone()), ("target", t.to_string())],
        ),
        Evidence::ManifestDefault { attribute, .. } => {
            ("manifest-default", vec![("attribute", attribute.clone())])
        }
        Evidence::Component {
            tag,
            name,
            explicit,
        } => (
            if *explicit {
                "component-explicit"
            } else {
                "component-implied"
            },
            vec![("tag", tag.clone()), ("name", name.clone())],
        ),
        Evidence::ManifestLacks { permissions } => (
            "manifest-lacks",
            vec![("permissions", permissions.join(sep))],
        ),
        Evidence::ApkTrace { source, value } => (
            "apk-trace",
            vec![("source", source.clone()), ("value", value.clone())],
        ),
        Evidence::Call {
            caller,
            api,
            sdk,
            library,
            ..
        } => (
            "call",
            vec![
                ("caller", caller.clone()),
                ("api", api.clone()),
                (
                    "owner",
                    sdk.clone()
                        .or_else(|| {
                            library
                                .as_ref()
                                .map(|l| format!("{l} {}", cat.text("evidence", "call-library")))
                        })
                        .unwrap_or_else(|| cat.text("evidence", "call-app")),
                ),
            ],
        ),
        Evidence::PolicyLine { line, quote, .. } => (
            "policy-line",
            vec![("line", line.to_string()), ("quote", quote.clone())],
        ),
        Evidence::PolicyLacks { terms } => {
            // An English report lists the English words when there are any.
            let latin: Vec<&str> = terms
                .iter()
                .map(String::as_str)
                .filter(|t| !has_cjk(t))
                .collect();
            let shown: Vec<&str> = match lang {
                Lang::En if !latin.is_empty() => latin,
                _ => terms.iter().map(String::as_str).collect(),
            };
            ("policy-lacks", vec![("terms", shown.join(" / "))])
        }
        Evidence::KnownVendor { zh, en } => {
            // An English report names the vendor in English when the knowledge base can.
            let names: Vec<&String> = match lang {
                Lang::En if !en.is_empty() => en.iter().collect(),
                _ => zh.iter().chain(en).collect(),
            };
            let names: Vec<&str> = names.into_iter().map(String::as_str).collect();
            ("known-vendor", vec![("names", names.join(" / "))])
        }
        Evidence::Anomaly { source, message } => (
            "anomaly",
            vec![("source", source.clone()), ("message", message.clone())],
        ),
        Evidence::BaselineReason { reason } => {
            ("baseline-reason", vec![("reason", reason.clone())])
        }
        Evidence::CallPath {
            entry,
            steps,
            call,
            decided,
            ..
        } => {
            let mut path: Vec<String> = steps.iter().map(|s| s.readable()).collect();
            path.push(super::readable_method(call));
            (
                if *decided {
                    "call-path"
                } else {
                    "call-path-undecided"
                },
                vec![
                    ("entry", entry_name(lang, entry)),
                    ("path", path.join(" → ")),
                ],
            )
        }
    };
    fill(&cat.text("evidence", key), &|name| {
        args.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    })
}

/// An entry point's kind as a report names it.
pub fn entry_name(lang: Lang, kind: &str) -> String {
    let key = format!("entry-{kind}");
    catalogue(lang)
        .get("evidence", &key)
        .map_or_else(|| kind.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_fill_and_braces_survive() {
        let got = fill("a {x} b {y} {not a name} {", &|n| {
            (n == "x").then(|| "1".to_string())
        });
        assert_eq!(got, "a 1 b {y} {not a name} {");
    }

    #[test]
    fn both_catalogues_parse() {
        for (lang, text) in sources() {
            let c = Catalogue::parse(text).unwrap_or_else(|e| panic!("{lang:?}: {e}"));
            assert!(c.get("labels", "title").is_some(), "{lang:?}");
        }
    }
}
