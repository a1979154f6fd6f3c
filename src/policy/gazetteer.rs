//! The knowledge base's SDK names and aliases as a gazetteer: a cell or title equal to a known
//! SDK name is a name, whatever its column header says.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::text::normalize;
use crate::rules::sdks::SdkCatalog;

/// A name for comparison: normalised, no white space or quote marks, no trailing `sdk`.
pub(crate) fn key(s: &str) -> String {
    let mut k: String = normalize(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !"【】“”\"'‘’《》「」".contains(*c))
        .collect();
    while let Some(stripped) = k.strip_suffix("sdk") {
        k = stripped.to_string();
    }
    k
}

fn names() -> &'static HashSet<String> {
    static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut out = HashSet::new();
        if let Ok(cat) = SdkCatalog::builtin() {
            for r in cat.iter() {
                for n in r.names.iter().chain(std::iter::once(&r.name_en)) {
                    let k = key(n);
                    // Two letters name nothing reliably ("QQ" does: keep Han or 2+ ASCII letters).
                    if k.chars().count() >= 2 {
                        out.insert(k);
                    }
                }
            }
        }
        out
    })
}

/// Whether `s` is the name (or an alias) of an SDK of the knowledge base.
pub(crate) fn is_known_sdk(s: &str) -> bool {
    let k = key(s);
    !k.is_empty() && names().contains(&k)
}
