//! Figures drawn as inline SVG (no scripts, no external references): findings by severity, and
//! SDK categories by disclosure status.

use crate::audit::Severity;
use crate::report::html::esc;
use crate::report::html::labels::Labels;
use crate::report::html::model::SdkStatus;
use std::collections::BTreeMap;
use std::fmt::Write;

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
pub fn severity_bars(counts: &[(Severity, usize)], l: &Labels) -> String {
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0).max(1);
    let (left, width, row) = (70.0_f64, 380.0_f64, 30.0_f64);
    let height = row * counts.len() as f64 + 10.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="fig" id="fig-severity" role="img" viewBox="0 0 500 {height}" width="500" height="{height}"><title>{}</title>"#,
        esc(l.fig_severity)
    );
    for (i, (sev, n)) in counts.iter().enumerate() {
        let y = 5.0 + row * i as f64;
        let w = if *n == 0 {
            0.0
        } else {
            (width * *n as f64 / max as f64).max(3.0)
        };
        let _ = write!(
            s,
            r##"<text x="{tx}" y="{ty}" text-anchor="end" font-size="14" fill="#333">{name}</text><rect x="{left}" y="{y}" width="{width}" height="20" fill="#f2f3f4"/><rect x="{left}" y="{y}" width="{w:.1}" height="20" fill="{c}"/><text x="{nx:.1}" y="{ty}" font-size="14" font-weight="bold" fill="#222">{n}</text>"##,
            tx = left - 8.0,
            ty = y + 15.0,
            name = esc(l.severity(*sev)),
            c = severity_colour(*sev),
            nx = left + w + 6.0,
        );
    }
    s.push_str("</svg>");
    s
}

/// A grid: one row per SDK category, one column per status; each cell shows how many SDKs are
/// there, and their names.
pub fn category_grid(
    grid: &BTreeMap<String, BTreeMap<SdkStatus, Vec<String>>>,
    l: &Labels,
) -> String {
    let (label_w, cell_w, cell_h, head_h) = (110.0_f64, 150.0_f64, 30.0_f64, 34.0_f64);
    let cols = SdkStatus::ALL.len() as f64;
    let width = label_w + cell_w * cols + 2.0;
    let height = head_h + cell_h * grid.len().max(1) as f64 + 2.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="fig" id="fig-grid" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"><title>{}</title>"#,
        esc(l.fig_grid)
    );
    for (j, st) in SdkStatus::ALL.iter().enumerate() {
        let x = label_w + cell_w * j as f64 + cell_w / 2.0;
        let _ = write!(
            s,
            r#"<text x="{x}" y="22" text-anchor="middle" font-size="13" font-weight="bold" fill="{}">{}</text>"#,
            status_colour(*st),
            esc(l.sdk_status(*st))
        );
    }
    for (i, (cat, cells)) in grid.iter().enumerate() {
        let y = head_h + cell_h * i as f64;
        let _ = write!(
            s,
            r##"<text x="{x}" y="{ty}" text-anchor="end" font-size="13" fill="#333">{}</text>"##,
            esc(&l.category(cat)),
            x = label_w - 8.0,
            ty = y + cell_h / 2.0 + 5.0
        );
        for (j, st) in SdkStatus::ALL.iter().enumerate() {
            let x = label_w + cell_w * j as f64;
            let names = cells.get(st).map(Vec::as_slice).unwrap_or_default();
            let (fill, opacity) = if names.is_empty() {
                ("#f2f3f4", 1.0)
            } else {
                (status_colour(*st), 0.9)
            };
            let _ = write!(
                s,
                r#"<rect x="{rx}" y="{ry}" width="{rw}" height="{rh}" rx="4" fill="{fill}" fill-opacity="{opacity}" data-category="{c}" data-status="{st}"><title>{t}</title></rect>"#,
                rx = x + 2.0,
                ry = y + 2.0,
                rw = cell_w - 4.0,
                rh = cell_h - 4.0,
                c = esc(cat),
                st = st.slug(),
                t = esc(&names.join(", ")),
            );
            if names.is_empty() {
                continue;
            }
            let _ = write!(
                s,
                r##"<text x="{tx}" y="{ty}" font-size="14" font-weight="bold" fill="#fff">{n}</text><text x="{nx}" y="{ty}" font-size="11" fill="#fff">{names}</text>"##,
                tx = x + 10.0,
                ty = y + cell_h / 2.0 + 5.0,
                n = names.len(),
                nx = x + 30.0,
                names = esc(&fit(&names.join("、"), 10)),
            );
        }
    }
    s.push_str("</svg>");
    s
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
    use crate::report::html::labels::EN;

    #[test]
    fn figures_escape_names_and_stay_self_contained() {
        let mut grid = BTreeMap::new();
        grid.entry("ads".to_string())
            .or_insert_with(BTreeMap::new)
            .insert(
                SdkStatus::Undisclosed,
                vec!["<script>x</script>".to_string()],
            );
        let svg = category_grid(&grid, &EN);
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script"));
        let bars = severity_bars(&[(Severity::High, 3), (Severity::Info, 0)], &EN);
        assert!(bars.contains("fig-severity") && !bars.contains("href"));
    }
}
