//! Tables flattened to one cell per line with blank lines between the cells (and list-valued
//! cells on several lines): the header is a run of short header words, a row ends at its link
//! cell (the last column), and each line goes to the column its content fits.

use super::blocks::{is_header_cell, zh_heading_level, Cell, Table};
use super::extract::{classify as role_of_header, Col as HeaderRole};
use super::gazetteer;
use super::text::{packages, squash_ws, urls};

/// Blank lines allowed between two header cells.
const MAX_GAP: usize = 8;
/// Lines one row may take.
const MAX_ROW_LINES: usize = 40;

fn blank(l: &str) -> bool {
    l.trim().is_empty()
}

/// The next non-blank line at or after `j`, within `MAX_GAP` blank lines.
fn next_line(lines: &[&str], mut j: usize) -> Option<usize> {
    let mut gap = 0;
    while j < lines.len() && blank(lines[j]) {
        gap += 1;
        j += 1;
        if gap > MAX_GAP {
            return None;
        }
    }
    (j < lines.len()).then_some(j)
}

/// A table whose header cells are separated by blank lines, starting at `i`.
pub(crate) fn spaced_table(lines: &[&str], i: usize) -> Option<(Table, usize)> {
    let mut header: Vec<(String, usize)> = Vec::new();
    let mut j = i;
    let mut gaps = 0;
    let mut header_gaps: Vec<usize> = Vec::new();
    while let Some(k) = next_line(lines, j) {
        let t = lines[k].trim();
        // A second cell of a role the header has is the first row's (`阿里weexSDK` after `SDK名称`).
        let role = role_of_header(t);
        let repeated =
            role != HeaderRole::Other && header.iter().any(|(h, _)| role_of_header(h) == role);
        if !is_header_cell(t) || repeated {
            break;
        }
        if k > j {
            gaps += 1;
        }
        if !header.is_empty() {
            header_gaps.push(k - j);
        }
        header.push((t.to_string(), k + 1));
        j = k + 1;
    }
    if header.len() < 3 || gaps == 0 {
        return None;
    }
    let roles: Vec<HeaderRole> = header.iter().map(|(t, _)| role_of_header(t)).collect();
    if let Some(found) = tiered_table(lines, i, j, &header, &header_gaps, &roles) {
        return Some(found);
    }
    // The row boundary is the link cell: the table must end in one, and name its SDK.
    if roles.last() != Some(&HeaderRole::Link) || !roles.contains(&HeaderRole::Name) {
        return None;
    }
    let mut rows = vec![header
        .iter()
        .map(|(t, l)| Cell::new(t.clone(), *l))
        .collect::<Vec<_>>()];
    let mut cur: Vec<(String, usize)> = Vec::new();
    let mut end = j;
    while let Some(k) = next_line(lines, j) {
        let t = lines[k].trim();
        if zh_heading_level(t).is_some() || t.starts_with('#') || t.chars().count() > 300 {
            break;
        }
        let has_url = !urls(t).is_empty();
        // A row with no link ends where a line names an SDK (the next row's name cell).
        let names_sdk = t.chars().count() <= 40
            && (gazetteer::is_known_sdk(t) || t.to_lowercase().ends_with("sdk"));
        if names_sdk && cur.len() >= 3 {
            rows.push(assign(&cur, &roles));
            cur.clear();
            end = k;
        }
        cur.push((squash_ws(t), k + 1));
        j = k + 1;
        let next_has_url = next_line(lines, j).is_some_and(|n| !urls(lines[n]).is_empty());
        if has_url && !next_has_url {
            rows.push(assign(&cur, &roles));
            cur.clear();
            end = j;
        } else if cur.len() > MAX_ROW_LINES {
            break;
        }
    }
    Table::flattened(i + 1, rows, 3, end)
}

/// A table whose blank lines come in tiers: the header's cells are `g` blank lines apart, rows
/// are a wider gap `r` apart, and the lines of one cell (a list of permissions) fewer than `g`.
/// A gap of `g + k(g + 1)` holds `k` empty cells; a gap above `r` that is not one ends the table,
/// as do a heading and a gap above `MAX_GAP` with no empty cell in it. `j` is the line after
/// the header.
fn tiered_table(
    lines: &[&str],
    i: usize,
    j: usize,
    header: &[(String, usize)],
    header_gaps: &[usize],
    roles: &[HeaderRole],
) -> Option<(Table, usize)> {
    let g = *header_gaps.first()?;
    if g < 2 || header_gaps.iter().any(|&x| x != g) {
        return None;
    }
    let ncols = header.len();
    // The gap before the first row is the row gap; it must be wider than the cell gap.
    let first = (j..lines.len()).find(|&k| !blank(lines[k]))?;
    let r = first - j;
    if r <= g {
        return None;
    }
    let empties = |gap: usize| -> Option<usize> {
        (gap > g && (gap - g) % (g + 1) == 0).then(|| (gap - g) / (g + 1))
    };
    let mut rows = vec![header
        .iter()
        .map(|(t, l)| Cell::new(t.clone(), *l))
        .collect::<Vec<_>>()];
    // The cells of the row being read: lines of each.
    let mut cur: Vec<Vec<(String, usize)>> = Vec::new();
    let mut end = j;
    let mut k = j;
    let finish = |cur: &mut Vec<Vec<(String, usize)>>, rows: &mut Vec<Vec<Cell>>| {
        let cells = std::mem::take(cur);
        let filled = cells.iter().filter(|c| !c.is_empty()).count();
        if filled * 2 < ncols {
            // A row of one or two cells (a cell cut off from the row before it): its lines go to
            // the previous row's column they fit, never a row of their own.
            let has_prev = rows.len() > 1;
            if let (Some(prev), Some(pc)) = (
                rows.last_mut().filter(|_| has_prev),
                roles.iter().position(|&x| x == HeaderRole::Permission),
            ) {
                for (t, _) in cells.iter().flatten() {
                    if t.contains("permission.") && pc < prev.len() {
                        prev[pc].text.push('\n');
                        prev[pc].text.push_str(t);
                    }
                }
            }
            return;
        }
        rows.push(tier_row(cells, ncols, roles));
    };
    loop {
        let start = k;
        while k < lines.len() && blank(lines[k]) {
            k += 1;
        }
        if k >= lines.len() {
            break;
        }
        let gap = k - start;
        let t = lines[k].trim();
        if zh_heading_level(t).is_some() || t.starts_with('#') || t.chars().count() > 300 {
            break;
        }
        if gap == r {
            finish(&mut cur, &mut rows);
            end = start;
            cur.push(Vec::new());
        } else if gap >= g && gap < r {
            cur.push(Vec::new());
        } else if gap < g && !cur.is_empty() {
            // Another line of the same cell.
        } else if let Some(n) = empties(gap).filter(|_| !cur.is_empty()) {
            for _ in 0..=n {
                cur.push(Vec::new());
            }
        } else {
            break;
        }
        if cur.len() > ncols {
            break;
        }
        if let Some(c) = cur.last_mut() {
            c.push((squash_ws(t), k + 1));
        }
        k += 1;
    }
    if !cur.is_empty() && cur.len() <= ncols {
        finish(&mut cur, &mut rows);
        end = k;
    }
    Table::flattened(i + 1, rows, 3, end)
}

/// The cells of one row of a tiered table: in header order, the first being the name; the
/// cells that do not fit their column by content (a link, Android permission names) are moved to
/// the column they fit when that column is empty.
fn tier_row(cells: Vec<Vec<(String, usize)>>, ncols: usize, roles: &[HeaderRole]) -> Vec<Cell> {
    let mut out: Vec<Cell> = cells
        .into_iter()
        .map(|ls| {
            let line = ls.first().map_or(0, |l| l.1);
            let text = ls.into_iter().map(|l| l.0).collect::<Vec<_>>().join("\n");
            Cell::new(text, line)
        })
        .collect();
    out.resize_with(ncols, || Cell::new("", 0));
    let fits = |t: &str, role: HeaderRole| match role {
        HeaderRole::Permission => t.contains("permission."),
        HeaderRole::Link => !urls(t).is_empty(),
        _ => false,
    };
    for role in [HeaderRole::Permission, HeaderRole::Link] {
        let Some(want) = roles.iter().position(|&x| x == role) else {
            continue;
        };
        if want >= out.len() || fits(&out[want].text, role) {
            continue;
        }
        if let Some(from) =
            (0..out.len()).find(|&c| c != want && c != 0 && fits(&out[c].text, role))
        {
            out.swap(from, want);
        }
    }
    out
}

/// The lines of one row to its columns: the first line names it, links, packages and Android
/// permission names go to their columns, the other lines to the other columns in order.
fn assign(lines: &[(String, usize)], roles: &[HeaderRole]) -> Vec<Cell> {
    let mut cells: Vec<Vec<(String, usize)>> = vec![Vec::new(); roles.len()];
    let col = |r: HeaderRole| roles.iter().position(|&x| x == r);
    let name_col = col(HeaderRole::Name).unwrap_or(0);
    let mut rest: Vec<&(String, usize)> = Vec::new();
    for (n, l) in lines.iter().enumerate() {
        let t = l.0.as_str();
        if n == 0 {
            cells[name_col].push(l.clone());
        } else if !urls(t).is_empty() && col(HeaderRole::Link).is_some() {
            cells[col(HeaderRole::Link).unwrap_or(0)].push(l.clone());
        } else if t.contains("permission.") && col(HeaderRole::Permission).is_some() {
            cells[col(HeaderRole::Permission).unwrap_or(0)].push(l.clone());
        } else if !packages(t).is_empty() && t.is_ascii() && col(HeaderRole::Package).is_some() {
            cells[col(HeaderRole::Package).unwrap_or(0)].push(l.clone());
        } else {
            rest.push(l);
        }
    }
    let free: Vec<usize> = (0..roles.len())
        .filter(|&c| {
            c != name_col
                && !matches!(
                    roles[c],
                    HeaderRole::Link
                        | HeaderRole::Permission
                        | HeaderRole::Package
                        | HeaderRole::Serial
                )
        })
        .collect();
    for (n, l) in rest.into_iter().enumerate() {
        if let Some(&c) = free.get(n.min(free.len().saturating_sub(1))) {
            cells[c].push(l.clone());
        }
    }
    cells
        .into_iter()
        .map(|ls| {
            let line = ls.first().map_or(0, |l| l.1);
            let text = ls.into_iter().map(|l| l.0).collect::<Vec<_>>().join("\n");
            Cell::new(text, line)
        })
        .collect()
}

/// Cells of a grouped table, at most (a row of list-valued cells).
const MAX_GROUP_LINES: usize = 40;

/// A table flattened with one blank line between cells, a longer run of blank lines between
/// rows, and list-valued cells on consecutive lines; its header is a run of short lines.
pub(crate) fn grouped_table(lines: &[&str], i: usize) -> Option<(Table, usize)> {
    // The header: consecutive short lines, most of them header words, then a blank line.
    let mut header: Vec<(String, usize)> = Vec::new();
    let mut j = i;
    while j < lines.len() && !blank(lines[j]) {
        let t = lines[j].trim();
        if t.chars().count() > 12 || t.contains(['。', '，', '：', ':', '；']) {
            return None;
        }
        header.push((t.to_string(), j + 1));
        j += 1;
    }
    let words = header.iter().filter(|(t, _)| is_header_cell(t)).count();
    if header.len() < 4 || words * 4 < header.len() * 3 {
        return None;
    }
    let roles: Vec<HeaderRole> = header.iter().map(|(t, _)| role_of_header(t)).collect();
    if !roles.contains(&HeaderRole::Name) || roles[0] != HeaderRole::Name {
        return None;
    }
    // Groups: runs of non-blank lines, with the blank lines before each.
    let mut groups: Vec<(usize, Vec<(String, usize)>)> = Vec::new();
    let mut k = j;
    while k < lines.len() && groups.len() < header.len() * 200 {
        let mut gap = 0;
        while k < lines.len() && blank(lines[k]) {
            gap += 1;
            k += 1;
        }
        if gap > MAX_GAP || k >= lines.len() {
            break;
        }
        let t = lines[k].trim();
        if zh_heading_level(t).is_some() || t.starts_with('#') || t.chars().count() > 300 {
            break;
        }
        let mut g = Vec::new();
        while k < lines.len() && !blank(lines[k]) && g.len() < MAX_GROUP_LINES {
            g.push((squash_ws(lines[k].trim()), k + 1));
            k += 1;
        }
        groups.push((gap, g));
    }
    // Rows are split where the gap is the widest seen: it must be wider than the gap in a row.
    // Judged on the first rows: the end of the table may be followed by a wider gap.
    let first = || groups.iter().skip(1).take(header.len() * 2);
    let widest = first().map(|g| g.0).max()?;
    let narrowest = first().map(|g| g.0).min()?;
    if widest <= narrowest {
        return None;
    }
    let mut rows = vec![header
        .iter()
        .map(|(t, l)| Cell::new(t.clone(), *l))
        .collect::<Vec<_>>()];
    let mut cur: Vec<Vec<(String, usize)>> = Vec::new();
    let mut end = j;
    let mut last_line = j;
    // The lines the last column has held (`Android` / `iOS`): a group made only of them is a
    // row's last cell, whatever the gap after it.
    let mut last_values: Vec<String> = Vec::new();
    let is_last = |g: &[(String, usize)], seen: &[String]| {
        !g.is_empty() && g.iter().all(|(t, _)| seen.contains(t))
    };
    let mut ended = false;
    for (n, (gap, g)) in groups.into_iter().enumerate() {
        if n > 0 && (gap >= widest || ended) && !cur.is_empty() {
            if cur.len() > header.len() {
                break;
            }
            if cur.len() == header.len() {
                if let Some(l) = cur.last() {
                    last_values.extend(l.iter().map(|(t, _)| t.clone()));
                }
            }
            rows.push(group_row(std::mem::take(&mut cur), &roles, &last_values));
            end = last_line;
        }
        ended = !cur.is_empty() && is_last(&g, &last_values);
        last_line = g.last().map_or(last_line, |l| l.1);
        cur.push(g);
    }
    if !cur.is_empty() && cur.len() <= header.len() && cur.len() + 1 >= header.len() {
        rows.push(group_row(cur, &roles, &last_values));
        end = last_line;
    }
    Table::flattened(i + 1, rows, 3, end)
}

/// The cells of one row of a grouped table. A row with fewer groups than columns has cells run
/// together (`type` / `company` / `permissions…` on consecutive lines): such a group is cut at its
/// anchors, the company's name (a legal-name ending, or the line just before the permissions
/// when the vendor column precedes the permission column) and the run of permission lines, so
/// each part lands in its column; a last group of the last column's values goes to the last column.
/// A line that reads as an Android permission (`连接网络权限`, `获取网络状态`, `读取日志权限`).
fn permission_line(t: &str) -> bool {
    const VERBS: &[&str] = &[
        "获取", "读取", "写入", "访问", "修改", "连接", "使用", "允许", "开启", "调用", "拨打",
    ];
    t.chars().count() <= 40
        && (t.ends_with("权限")
            || t.contains("permission")
            || VERBS.iter().any(|v| t.starts_with(v)))
}

/// Groups of a short row, cut at their anchors (see `group_row`); one group per column at most
/// before the last.
fn split_run_together(
    groups: Vec<Vec<(String, usize)>>,
    roles: &[HeaderRole],
) -> Vec<Vec<(String, usize)>> {
    let vendor = roles.iter().position(|&r| r == HeaderRole::Vendor);
    let perm = roles.iter().position(|&r| r == HeaderRole::Permission);
    let is_org = |t: &str| {
        crate::policy::text::org_name(t).is_some_and(|o| o.chars().count() + 2 >= t.chars().count())
    };
    let mut out: Vec<Vec<(String, usize)>> = Vec::new();
    for g in groups {
        let c = out.len();
        let p = perm
            .filter(|&pc| pc > c)
            .and_then(|_| g.iter().position(|(t, _)| permission_line(t)));
        let o = vendor.filter(|&v| v >= c).and_then(|v| {
            g.iter()
                .position(|(t, _)| is_org(t))
                .or_else(|| p.filter(|&p| p > 0 && perm == Some(v + 1)).map(|p| p - 1))
        });
        let (Some(v), Some(o)) = (vendor.filter(|&v| v >= c), o) else {
            out.push(g);
            continue;
        };
        if g.len() < 2 || (o == 0 && v == c && p.is_none()) {
            out.push(g);
            continue;
        }
        // Lines before the company: one cell per column up to the vendor's, the last of them
        // taking any extra lines.
        for (n, l) in g[..o].iter().enumerate() {
            if c + n < v {
                out.push(vec![l.clone()]);
            } else if let Some(last) = out.last_mut() {
                last.push(l.clone());
            }
        }
        out.resize_with(v, Vec::new);
        out.push(vec![g[o].clone()]);
        let rest = &g[o + 1..];
        if rest.is_empty() {
            continue;
        }
        // The permission lines, then what follows them (data), each a cell.
        let k = rest
            .iter()
            .position(|(t, _)| !permission_line(t))
            .unwrap_or(rest.len());
        match perm {
            Some(pc) if pc == out.len() && k > 0 => {
                out.push(rest[..k].to_vec());
                if k < rest.len() {
                    out.push(rest[k..].to_vec());
                }
            }
            _ => out.push(rest.to_vec()),
        }
    }
    out
}

fn group_row(
    groups: Vec<Vec<(String, usize)>>,
    roles: &[HeaderRole],
    last_values: &[String],
) -> Vec<Cell> {
    let ncols = roles.len();
    let mut groups = if groups.len() < ncols {
        split_run_together(groups, roles)
    } else {
        groups
    };
    let last_is_last = groups.len() < ncols
        && groups
            .last()
            .is_some_and(|g| !g.is_empty() && g.iter().all(|(t, _)| last_values.contains(t)));
    let tail = if last_is_last { groups.pop() } else { None };
    let to_cell = |g: Vec<(String, usize)>| {
        let line = g.first().map_or(0, |l| l.1);
        let text = g.into_iter().map(|l| l.0).collect::<Vec<_>>().join("\n");
        Cell::new(text, line)
    };
    let mut cells: Vec<Cell> = groups.into_iter().map(to_cell).collect();
    cells.resize_with(ncols, || Cell::new("", 0));
    if let (Some(t), Some(last)) = (tail, cells.last_mut()) {
        *last = to_cell(t);
    }
    cells
}
