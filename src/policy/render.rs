//! The human view of a policy as understood (`policy --format table`), within 80 columns.

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

fn table(header: &[&str]) -> Table {
    crate::report::table::new(header)
}

/// Render what was understood of a policy as text tables.
pub fn render_table(doc: &PolicyDoc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "policy:   {}", doc.path);
    let _ = writeln!(
        out,
        "language: {}   encoding: {}   format: {}",
        doc.language, doc.encoding, doc.format
    );
    if let Some(d) = &doc.date {
        let _ = writeln!(out, "date:     {d}");
    }
    let _ = writeln!(
        out,
        "\nSDKs and third parties disclosed: {}",
        doc.sdks.len()
    );
    if !doc.sdks.is_empty() {
        let mut t = table(&["line", "name", "vendor", "purpose", "data"]);
        for s in &doc.sdks {
            let mut name = short(&s.name, 24);
            if !s.packages.is_empty() {
                name = format!("{name}\n{}", short(&s.packages.join(", "), 30));
            }
            t.add_row(vec![
                s.line.to_string(),
                name,
                short(s.vendor.as_deref().unwrap_or("-"), 20),
                short(s.purpose.as_deref().unwrap_or("-"), 24),
                format!("{} fields", s.data.len()),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    let _ = writeln!(out, "\nPermissions disclosed: {}", doc.permissions.len());
    if !doc.permissions.is_empty() {
        let mut t = table(&["line", "permission", "words"]);
        for p in &doc.permissions {
            t.add_row(vec![
                p.line.to_string(),
                p.permission
                    .trim_start_matches("android.permission.")
                    .to_string(),
                short(&p.text, 30),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    let _ = writeln!(out, "\nData types disclosed: {}", doc.data_types.len());
    if !doc.data_types.is_empty() {
        let mut t = table(&["line", "data type", "words"]);
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
        let _ = writeln!(out, "\nCollection table rows: {}", doc.collection.len());
        let mut t = table(&["line", "scenario", "data"]);
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
