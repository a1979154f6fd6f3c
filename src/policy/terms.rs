//! Vocabulary matching: permission and data-type terms found in a text, leftmost-longest, on the
//! normalised text, with word boundaries around ASCII words.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::OnceLock;

use super::text::normalize_with_map;
use crate::rules::data_types::DataTypeCatalog;
use crate::rules::permissions::PermissionCatalog;

/// A set of terms, each naming one or more ids.
pub(crate) struct Matcher {
    ac: Option<AhoCorasick>,
    ids: Vec<Vec<String>>,
}

/// A term found: the ids it names and the words as written.
pub(crate) struct Hit {
    pub ids: Vec<String>,
    pub words: String,
    /// Byte offset of the words in the text searched.
    pub start: usize,
}

impl Matcher {
    fn new(entries: impl Iterator<Item = (String, String)>) -> Matcher {
        let mut pats: Vec<String> = Vec::new();
        let mut ids: Vec<Vec<String>> = Vec::new();
        for (term, id) in entries {
            let t = super::text::normalize(term.trim());
            if t.chars().count() < 2 {
                continue;
            }
            match pats.iter().position(|p| *p == t) {
                Some(i) => {
                    if !ids[i].contains(&id) {
                        ids[i].push(id);
                    }
                }
                None => {
                    pats.push(t);
                    ids.push(vec![id]);
                }
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&pats)
            .ok();
        Matcher { ac, ids }
    }

    /// Every term in `text`, in order.
    pub(crate) fn find(&self, text: &str) -> Vec<Hit> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let (norm, map) = normalize_with_map(text);
        let mut out = Vec::new();
        for m in ac.find_iter(&norm) {
            let before = norm[..m.start()].chars().next_back();
            let after = norm[m.end()..].chars().next();
            let pat = &norm[m.start()..m.end()];
            let first = pat.chars().next();
            let last = pat.chars().next_back();
            // ASCII words must not run into other ASCII letters or digits ("imei" in "imeisv").
            let bad_start = first.is_some_and(|c| c.is_ascii_alphanumeric())
                && before.is_some_and(|c| c.is_ascii_alphanumeric());
            let bad_end = last.is_some_and(|c| c.is_ascii_alphanumeric())
                && after.is_some_and(|c| c.is_ascii_alphanumeric());
            if bad_start || bad_end {
                continue;
            }
            let (s, e) = (
                map.get(m.start()).copied().unwrap_or(0),
                map.get(m.end()).copied().unwrap_or(text.len()),
            );
            let words = text.get(s..e).unwrap_or(pat).to_string();
            if let Some(ids) = self.ids.get(m.pattern().as_usize()) {
                out.push(Hit {
                    ids: ids.clone(),
                    words,
                    start: s,
                });
            }
        }
        out
    }
}

/// Which vocabulary: all Chinese terms (inside a permission list), only the specific ones, or English.
#[derive(Clone, Copy)]
pub(crate) enum Vocab {
    ZhAll,
    ZhSpecific,
    En,
}

/// Permission matchers over the built-in catalogue.
pub(crate) fn permissions(v: Vocab) -> &'static Matcher {
    static M: OnceLock<[Matcher; 3]> = OnceLock::new();
    let all = M.get_or_init(|| {
        let cat = PermissionCatalog::builtin();
        let build = |pick: fn(&crate::rules::permissions::PermissionRule) -> Vec<String>| {
            Matcher::new(cat.iter().flat_map(move |r| {
                let name = r.name.clone();
                let short = name.rsplit('.').next().unwrap_or(&name).to_string();
                let mut terms = pick(r);
                // The permission's own name, full and short (READ_PHONE_STATE), always counts.
                terms.push(name.clone());
                if short.contains('_') {
                    terms.push(short);
                }
                terms.into_iter().map(move |t| (t, name.clone()))
            }))
        };
        [
            build(|r| r.zh_terms.clone()),
            build(|r| r.zh_specific.clone()),
            build(|r| {
                r.en_terms
                    .iter()
                    .filter(|t| !EN_TOO_GENERIC.contains(&t.as_str()))
                    .cloned()
                    .collect()
            }),
        ]
    });
    match v {
        Vocab::ZhAll => &all[0],
        Vocab::ZhSpecific => &all[1],
        Vocab::En => &all[2],
    }
}

/// English terms that name a permission only inside a permission list, not in running text.
const EN_TOO_GENERIC: &[&str] = &[
    "storage",
    "calendar",
    "contacts",
    "camera",
    "notifications",
    "phone number",
];

/// Data-type matchers over the built-in vocabulary.
pub(crate) fn data_types(v: Vocab) -> &'static Matcher {
    static M: OnceLock<[Matcher; 2]> = OnceLock::new();
    let all = M.get_or_init(|| {
        let cat = DataTypeCatalog::builtin();
        let zh = Matcher::new(cat.iter().flat_map(|r| {
            let id = r.id.clone();
            r.zh_specific
                .clone()
                .into_iter()
                .map(move |t| (t, id.clone()))
        }));
        let en = Matcher::new(cat.iter().flat_map(|r| {
            let id = r.id.clone();
            r.en_terms
                .iter()
                .filter(|t| !t.contains('(') && !t.contains('/'))
                .cloned()
                .collect::<Vec<_>>()
                .into_iter()
                .map(move |t| (t, id.clone()))
        }));
        [zh, en]
    });
    match v {
        Vocab::En => &all[1],
        _ => &all[0],
    }
}
