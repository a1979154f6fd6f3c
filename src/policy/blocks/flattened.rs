//! Tables flattened to one cell per line: a header of short column-title lines, then rows that
//! start at a serial number or are groups of lines between blank lines.

use super::parse::{md_heading_level, zh_heading_level};
use super::{Cell, Table};
use crate::policy::text::{split_marker, squash_ws};

/// Words that make a short line a column header.
pub(crate) const HEADER_WORDS: &[&str] = &[
    "序号",
    "编号",
    "名称",
    "sdk",
    "第三方",
    "主体",
    "公司",
    "提供方",
    "开发者",
    "目的",
    "用途",
    "功能",
    "场景",
    "方式",
    "信息",
    "字段",
    "类型",
    "数据",
    "权限",
    "链接",
    "官网",
    "隐私政策",
    "包名",
    "说明",
    "范围",
    "name",
    "vendor",
    "provider",
    "purpose",
    "data",
    "package",
    "link",
    "permission",
];

pub(crate) fn is_header_cell(t: &str) -> bool {
    let n = t.chars().count();
    // A colon means a key-value line (SDK名称：…), not a column header.
    if n == 0
        || n > 24
        || t.contains(['。', '；', '：', ':'])
        || t.ends_with('.')
        || split_marker(t).is_some()
        // A company's name is a cell, not a header (`…科技有限公司` has 公司 in it).
        || crate::policy::text::org_name(t).is_some_and(|o| o.chars().count() + 2 >= n)
    {
        return false;
    }
    let l = t.to_lowercase();
    HEADER_WORDS.iter().any(|w| l.contains(w))
}

fn is_serial_header(t: &str) -> bool {
    matches!(t, "序号" | "编号" | "No." | "No" | "#" | "NO." | "序列")
}

/// A header: three or more consecutive short header-like lines, the first starting the table.
fn flattened_header(lines: &[&str], i: usize) -> Option<Vec<(String, usize)>> {
    let mut header = Vec::new();
    let mut j = i;
    while j < lines.len() {
        let t = lines[j].trim();
        if t.is_empty() || !is_header_cell(t) {
            break;
        }
        header.push((t.to_string(), j + 1));
        j += 1;
    }
    if header.len() < 3 {
        return None;
    }
    // The header must name something tabular: a name or a data column, not just three list lines.
    let joined = header
        .iter()
        .map(|(t, _)| t.to_lowercase())
        .collect::<String>();
    let tabular = ["名称", "字段", "信息", "目的", "name", "purpose", "权限"]
        .iter()
        .filter(|w| joined.contains(*w))
        .count();
    if tabular < 2 {
        return None;
    }
    Some(header)
}

fn serial_of(t: &str) -> Option<usize> {
    let t = t.trim().trim_end_matches(['.', '、', '．']);
    if t.is_empty() || t.len() > 3 || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

fn looks_like_section_end(t: &str) -> bool {
    zh_heading_level(t).is_some() || md_heading_level(t).is_some()
}

/// Rebuild a table flattened to one cell per line, starting at `i`; the table and the next line.
pub(super) fn flattened_table(lines: &[&str], i: usize) -> Option<(Table, usize)> {
    let header = flattened_header(lines, i)?;
    let ncols = header.len();
    let serial = is_serial_header(&header[0].0);
    let mut rows = vec![header
        .iter()
        .map(|(t, l)| Cell::new(t.clone(), *l))
        .collect::<Vec<_>>()];
    let mut j = i + ncols;
    if serial {
        // Rows start at the next serial number; the cells are the lines up to the next one.
        let mut expected = 1;
        loop {
            while j < lines.len() && lines[j].trim().is_empty() {
                j += 1;
            }
            if j >= lines.len() || serial_of(lines[j]) != Some(expected) {
                break;
            }
            let start = j;
            let window_end = (start + 1 + ncols * 4 + 4).min(lines.len());
            let next = (start + 1..window_end).find(|&k| {
                serial_of(lines[k]) == Some(expected + 1) && is_row_start(lines, k, ncols)
            });
            let end = match next {
                Some(n) => n,
                None => last_row_end(lines, start + 1, ncols),
            };
            let row = cells_of_row(lines, start, end, ncols);
            rows.push(row);
            expected += 1;
            j = end;
            if next.is_none() {
                break;
            }
        }
    } else {
        // Rows are groups of `ncols` lines separated by blank lines.
        loop {
            let mut k = j;
            while k < lines.len() && lines[k].trim().is_empty() {
                k += 1;
            }
            let mut group = Vec::new();
            let mut m = k;
            while m < lines.len() && !lines[m].trim().is_empty() {
                group.push((lines[m].trim().to_string(), m + 1));
                m += 1;
            }
            if group.len() != ncols || looks_like_section_end(&group[0].0) {
                break;
            }
            rows.push(
                group
                    .into_iter()
                    .map(|(t, l)| Cell::new(squash_ws(&t), l))
                    .collect(),
            );
            j = m;
        }
    }
    Table::flattened(i + 1, rows, 2, j)
}

/// A serial number starts a row when it is not itself a cell of the current one, i.e. the line
/// before it is blank or the lines since the previous serial already fill the row.
fn is_row_start(lines: &[&str], k: usize, _ncols: usize) -> bool {
    k > 0 && (lines[k - 1].trim().is_empty() || k + 1 < lines.len())
}

/// The end of the last row: `ncols - 1` cells at most, stopping at a double blank or a heading.
fn last_row_end(lines: &[&str], from: usize, ncols: usize) -> usize {
    let mut k = from;
    let mut taken = 0;
    let mut blank_run = 0;
    while k < lines.len() && taken < ncols - 1 {
        let t = lines[k].trim();
        if t.is_empty() {
            blank_run += 1;
            if blank_run >= 2 {
                break;
            }
        } else {
            if looks_like_section_end(t) && taken > 0 {
                break;
            }
            blank_run = 0;
        }
        taken += 1;
        k += 1;
    }
    k
}

/// Cells of one row from `start` (the serial line) to `end`: blank lines inside the row are empty
/// cells when that makes the count right; otherwise blanks are separators, missing cells pad the
/// end and extra lines join the last cell.
fn cells_of_row(lines: &[&str], start: usize, end: usize, ncols: usize) -> Vec<Cell> {
    let mut body: Vec<(String, usize)> = (start + 1..end)
        .map(|k| (lines[k].trim().to_string(), k + 1))
        .collect();
    while body.last().is_some_and(|(t, _)| t.is_empty()) {
        body.pop();
    }
    let mut cells = vec![Cell::new(lines[start].trim(), start + 1)];
    if body.len() != ncols - 1 {
        body.retain(|(t, _)| !t.is_empty());
    }
    for (n, (t, l)) in body.into_iter().enumerate() {
        if n + 1 < ncols {
            cells.push(Cell::new(squash_ws(&t), l));
        } else if let Some(last) = cells.last_mut() {
            last.text.push('\n');
            last.text.push_str(&squash_ws(&t));
        }
    }
    while cells.len() < ncols {
        cells.push(Cell::new("", 0));
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::super::{parse_text, Block};

    #[test]
    fn flattened_with_serials_and_empty_cell() {
        let text = "前言\n\n序号\nSDK名称\n使用目的\n收集的信息\n第三方名称\n1\n甲SDK\n推送\n设备信息\n甲公司\n2\n乙SDK\n\n位置\n乙公司\n\n三、其他\n";
        let blocks = parse_text(text, false);
        let t = blocks.iter().find_map(|b| {
            if let Block::Table(t) = b {
                Some(t)
            } else {
                None
            }
        });
        let t = t.expect("a table");
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[2][2].text, "");
        assert_eq!(t.rows[2][4].text, "乙公司");
        assert!(matches!(blocks.last(), Some(Block::Heading { .. })));
    }
}
