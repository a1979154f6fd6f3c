//! Figures drawn as inline SVG with maud (no scripts, no external references, escaped by
//! construction): findings by severity, and SDK categories by disclosure status.

use crate::model::{SdkStatus, Severity};
use crate::report::audit::AuditReport;
use crate::report::html::labels::Labels;
use maud::{html, Markup};
use std::collections::BTreeMap;

/// The colour of a severity.
pub fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::High => "#c0392b",
        Severity::Medium => "#e67e22",
        Severity::Low => "#b7950b",
        Severity::Info => "#7f8c8d",
    }
}

/// The colour of an SDK status.
pub fn status_colour(s: SdkStatus) -> &'static str {
    match s {
        SdkStatus::Undisclosed => "#c0392b",
        SdkStatus::VendorMismatch => "#e67e22",
        SdkStatus::ListedNotFound => "#7f8c8d",
        SdkStatus::ProseOnly => "#b7950b",
        SdkStatus::Disclosed => "#1e8449",
    }
}

/// A horizontal bar per severity, its length proportional to the count.
pub fn severity_bars(counts: &[(Severity, usize)], l: &Labels) -> Markup {
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0).max(1);
    let (left, width, row) = (70.0_f64, 380.0_f64, 30.0_f64);
    let height = row * counts.len() as f64 + 10.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="fig" id="fig-severity" role="img"
            viewBox={ "0 0 500 " (height) } width="500" height=(height) {
            title { (l.fig_severity) }
            @for (i, (sev, n)) in counts.iter().enumerate() {
                @let y = 5.0 + row * i as f64;
                @let w = if *n == 0 { 0.0 } else { (width * *n as f64 / max as f64).max(3.0) };
                text x=(left - 8.0) y=(y + 15.0) text-anchor="end" font-size="14" fill="#333" { (l.severity(*sev)) }
                rect x=(left) y=(y) width=(width) height="20" fill="#f2f3f4" {}
                rect x=(left) y=(y) width=(format!("{w:.1}")) height="20" fill=(severity_colour(*sev)) {}
                text x=(format!("{:.1}", left + w + 6.0)) y=(y + 15.0) font-size="14" font-weight="bold" fill="#222" { (n) }
            }
        }
    }
}

/// Names of SDKs per (category id, status), for the grid figure.
pub fn grid(rep: &AuditReport, l: &Labels) -> BTreeMap<String, BTreeMap<SdkStatus, Vec<String>>> {
    let mut grid: BTreeMap<String, BTreeMap<SdkStatus, Vec<String>>> = BTreeMap::new();
    for r in &rep.sdk_table {
        grid.entry(r.category.clone())
            .or_default()
            .entry(r.status)
            .or_default()
            .push(r.name.get(l.lang).to_string());
    }
    grid
}

/// A grid: one row per SDK category, one column per status; each cell shows how many SDKs are
/// there, and their names.
pub fn category_grid(rep: &AuditReport, l: &Labels) -> Markup {
    let grid = grid(rep, l);
    let (label_w, cell_w, cell_h, head_h) = (110.0_f64, 150.0_f64, 30.0_f64, 34.0_f64);
    let cols = SdkStatus::ALL.len() as f64;
    let width = label_w + cell_w * cols + 2.0;
    let height = head_h + cell_h * grid.len().max(1) as f64 + 2.0;
    let sep = match l.lang {
        crate::model::Lang::Zh => "、",
        crate::model::Lang::En => ", ",
    };
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="fig" id="fig-grid" role="img"
            viewBox={ "0 0 " (width) " " (height) } width=(width) height=(height) {
            title { (l.fig_grid) }
            @for (j, st) in SdkStatus::ALL.iter().enumerate() {
                text x=(label_w + cell_w * j as f64 + cell_w / 2.0) y="22" text-anchor="middle"
                    font-size="13" font-weight="bold" fill=(status_colour(*st)) { (l.sdk_status(*st)) }
            }
            @for (i, (cat, cells)) in grid.iter().enumerate() {
                @let y = head_h + cell_h * i as f64;
                text x=(label_w - 8.0) y=(y + cell_h / 2.0 + 5.0) text-anchor="end" font-size="13" fill="#333" { (l.category(cat)) }
                @for (j, st) in SdkStatus::ALL.iter().enumerate() {
                    @let x = label_w + cell_w * j as f64;
                    @let names = cells.get(st).map(Vec::as_slice).unwrap_or_default();
                    @let (fill, opacity) = if names.is_empty() { ("#f2f3f4", 1.0) } else { (status_colour(*st), 0.9) };
                    rect x=(x + 2.0) y=(y + 2.0) width=(cell_w - 4.0) height=(cell_h - 4.0) rx="4"
                        fill=(fill) fill-opacity=(opacity) data-category=(cat) data-status=(st.slug()) {
                        title { (super::html::clean(&names.join(", "))) }
                    }
                    @if !names.is_empty() {
                        text x=(x + 10.0) y=(y + cell_h / 2.0 + 5.0) font-size="14" font-weight="bold" fill="#fff" { (names.len()) }
                        text x=(x + 30.0) y=(y + cell_h / 2.0 + 5.0) font-size="11" fill="#fff" { (super::html::clean(&fit(&names.join(sep), 10))) }
                    }
                }
            }
        }
    }
}

/// At most `n` characters, with an ellipsis when cut.
fn fit(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    #[test]
    fn bars_are_self_contained() {
        let bars = severity_bars(
            &[(Severity::High, 3), (Severity::Info, 0)],
            Labels::of(Lang::En),
        )
        .into_string();
        assert!(bars.contains("fig-severity") && !bars.contains("href"));
        assert!(fit("<script>abcdefgh", 5).ends_with('…'));
    }
}
