//! Shared comfy-table set-up: plain ASCII borders, wrapped to the terminal (80 columns when unknown).

use comfy_table::{presets, ContentArrangement, Table};

/// A table with these headers, fitting an 80-column terminal unless a wider one is known.
pub fn new(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::ASCII_MARKDOWN)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width());
    if headers.iter().any(|h| !h.is_empty()) {
        t.set_header(headers.to_vec());
    }
    t
}

/// Drops the header row of a key-value table.
pub fn no_header(t: &mut Table) {
    t.load_preset(presets::NOTHING);
}

fn width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &u16| w >= 40)
        .unwrap_or(80)
}
