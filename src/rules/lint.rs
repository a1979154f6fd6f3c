//! `appaudit rules lint` and `appaudit rules list`: the knowledge base checked by the same parser
//! the tool uses, and listed as a table.

use super::sdks::{Diagnostic, SdkCatalog, SigConfidence};
use crate::model::{locale, Lang};
use crate::report::table::{self, Priority};
use std::path::Path;

/// Lints a rules directory (its `sdks/` subdirectory when it has one), or the built-in rules.
/// Returns every problem; empty means clean.
pub fn lint(dir: Option<&Path>) -> Vec<Diagnostic> {
    let result = match dir {
        Some(d) => {
            let sdks = d.join("sdks");
            let d = if sdks.is_dir() { sdks } else { d.to_path_buf() };
            SdkCatalog::load_dir(&d).map(|_| ())
        }
        // Validated at build time; its matchers are compiled on first use: all of them now.
        None => SdkCatalog::builtin().and_then(SdkCatalog::compile_all),
    };
    result.err().unwrap_or_default()
}

/// The catalog (optionally one category) as a table: id, name, vendor, category, signatures.
pub fn list_table(cat: &SdkCatalog, category: Option<&str>) -> String {
    list_table_in(cat, category, None)
}

/// The table in a language (`--lang`): `zh` Chinese words and names, `en` English words and
/// names; `None` English words and the names Chinese policies use.
pub fn list_table_in(cat: &SdkCatalog, category: Option<&str>, lang: Option<Lang>) -> String {
    let words = lang.unwrap_or(Lang::En);
    let titles = ["id", "name", "vendor", "category", "signatures"]
        .map(|k| locale::word(words, "rules-list", k));
    let mut table = table::new(&titles.each_ref().map(String::as_str));
    table.priority(0, Priority::High);
    for r in cat
        .iter()
        .filter(|r| category.is_none_or(|c| r.category == c))
    {
        let mut high = 0;
        let mut medium = 0;
        let metas = r
            .class_prefixes
            .iter()
            .map(|s| &s.meta)
            .chain(r.native_libs.iter().map(|s| &s.meta))
            .chain(r.manifest.iter().map(|s| &s.meta))
            .chain(r.assets.iter().map(|s| &s.meta))
            .chain(r.dex_strings.iter().map(|s| &s.meta));
        for m in metas {
            match m.confidence {
                SigConfidence::High => high += 1,
                SigConfidence::Medium => medium += 1,
            }
        }
        let name = r
            .names
            .first()
            .cloned()
            .unwrap_or_else(|| r.name_en.clone());
        let vendor = if r.vendor_zh.is_empty() {
            r.vendor_en.clone()
        } else {
            r.vendor_zh.clone()
        };
        let (name, vendor, category) = match lang {
            Some(Lang::En) => (
                super::vendor::english_display(&r.name_en),
                if r.vendor_en.trim().is_empty() {
                    vendor
                } else {
                    r.vendor_en.clone()
                },
                r.category.clone(),
            ),
            Some(Lang::Zh) => (name, vendor, locale::category(Lang::Zh, &r.category)),
            None => (name, vendor, r.category.clone()),
        };
        table.add_row(vec![
            r.id.clone(),
            name,
            vendor,
            category,
            format!("{high}/{medium}"),
        ]);
    }
    let mut out = table.to_string();
    out.push('\n');
    out
}
