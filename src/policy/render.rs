//! The human view of a policy as understood (`policy --format table`), within 80 columns, its
//! words from the catalogues (`locales/*.toml`, `[policy-table]`).

use crate::model::{locale, Lang};
use crate::report::table::Table;
use std::fmt::Write;

use super::PolicyDoc;

fn short(s: &str, n: usize) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() <= n {
        s
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Render what was understood of a policy as text tables, in English.
pub fn render_table(doc: &PolicyDoc) -> String {
    render_table_in(doc, Lang::En)
}

/// Render what was understood of a policy as text tables, in a language.
pub fn render_table_in(doc: &PolicyDoc, lang: Lang) -> String {
    let w = |key: &str| locale::word(lang, "policy-table", key);
    let f = |key: &str, args: &[(&str, String)]| locale::format(lang, "policy-table", key, args);
    let table = |keys: &[&str]| -> Table {
        let titles: Vec<String> = keys.iter().map(|k| w(k)).collect();
        let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
        crate::report::table::new(&titles)
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}", f("policy", &[("path", doc.path.clone())]));
    let _ = writeln!(
        out,
        "{}",
        f(
            "language",
            &[
                ("language", doc.language.to_string()),
                ("encoding", doc.encoding.clone()),
                ("format", doc.format.to_string()),
            ]
        )
    );
    if let Some(d) = &doc.date {
        let _ = writeln!(out, "{}", f("date", &[("date", d.clone())]));
    }
    let open_source = doc
        .sdks
        .iter()
        .filter(|s| s.source == super::SdkSource::OpenSource)
        .count();
    let count = |n: usize| [("count", n.to_string())];
    let _ = writeln!(
        out,
        "\n{}{}",
        f("sdks", &count(doc.sdks.len() - open_source)),
        if open_source > 0 {
            f("open_source_tail", &count(open_source))
        } else {
            String::new()
        }
    );
    if !doc.sdks.is_empty() {
        let mut t = table(&[
            "col_line",
            "col_name",
            "col_vendor",
            "col_purpose",
            "col_data",
        ]);
        for s in &doc.sdks {
            let mut name = short(&s.name, 24);
            if s.source == super::SdkSource::OpenSource {
                name.push('\n');
                name.push_str(&w("open_source"));
            }
            if !s.packages.is_empty() {
                name = format!("{name}\n{}", short(&s.packages.join(", "), 30));
            }
            t.add_row(vec![
                s.line.to_string(),
                name,
                short(s.vendor.as_deref().unwrap_or("-"), 20),
                short(s.purpose.as_deref().unwrap_or("-"), 24),
                f("fields", &count(s.data.len())),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    let _ = writeln!(out, "\n{}", f("permissions", &count(doc.permissions.len())));
    if !doc.permissions.is_empty() {
        let mut t = table(&["col_line", "col_permission", "col_words"]);
        for p in &doc.permissions {
            t.add_row(vec![
                p.line.to_string(),
                format!(
                    "{}{}",
                    p.permission.trim_start_matches("android.permission."),
                    // Implied by a data type only: kept for the audit, not a permission statement.
                    if p.via == "data" {
                        w("via_data")
                    } else {
                        String::new()
                    }
                ),
                short(&p.text, 30),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    let _ = writeln!(out, "\n{}", f("data_types", &count(doc.data_types.len())));
    if !doc.data_types.is_empty() {
        let mut t = table(&["col_line", "col_data_type", "col_words"]);
        for d in &doc.data_types {
            t.add_row(vec![
                d.line.to_string(),
                d.data_type.clone(),
                short(&d.text, 30),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    if !doc.collection.is_empty() {
        let _ = writeln!(out, "\n{}", f("collection", &count(doc.collection.len())));
        let mut t = table(&["col_line", "col_scenario", "col_data"]);
        for c in &doc.collection {
            t.add_row(vec![
                c.line.to_string(),
                short(c.scenario.as_deref().unwrap_or("-"), 20),
                short(&c.data.join("、"), 40),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    out
}
