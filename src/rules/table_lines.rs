//! Where each `[[key]]` table of a TOML catalogue starts, by line: the line numbers the
//! catalogue loaders give in their diagnostics. Shared with `build.rs` (included by `#[path]`),
//! which embeds the catalogues with the same numbering.

/// Line numbers (1-based) of every `[[key]]` header, in order.
pub fn table_starts(text: &str, key: &str) -> Vec<usize> {
    let header = format!("[[{key}]]");
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim();
            t == header
                || t.starts_with(&format!("{header} "))
                || t.starts_with(&format!("{header}#"))
        })
        .map(|(i, _)| i + 1)
        .collect()
}
