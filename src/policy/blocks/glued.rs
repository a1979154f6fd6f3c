//! Tables whose header cells are glued into one line (`SDK名称场景共享个人信息字段第三方隐私权政策`)
//! and whose rows start with a line `name␠scene…`, the row's other cells on the lines after it.

use super::flattened::HEADER_WORDS;
use super::parse::zh_heading_level;
use super::{Cell, Table};
use crate::policy::text::{split_marker, squash_ws};

/// Header words a glued header must hold, at least.
const MIN_GLUED_WORDS: usize = 4;
/// Longest glued header line, in characters.
const MAX_GLUED_HEADER: usize = 40;
/// Longest name before the space of a row's first line.
const MAX_NAME_CHARS: usize = 24;
/// Rows one table may have.
const MAX_ROWS: usize = 500;
/// Lines one row may take after its first.
const MAX_ROW_LINES: usize = 12;

/// A header line made of several header words with nothing between them, naming a name column.
fn glued_header(t: &str) -> bool {
    let n = t.chars().count();
    if !(8..=MAX_GLUED_HEADER).contains(&n)
        || t.contains(|c: char| c.is_whitespace() || "，。；：:,;、（）()".contains(c))
    {
        return false;
    }
    let l = t.to_lowercase();
    let words = HEADER_WORDS.iter().filter(|w| l.contains(*w)).count();
    words >= MIN_GLUED_WORDS && (l.contains("名称") || l.contains("name"))
}

/// The name of a row's first line `name␠rest`: short, one token, no list or sentence punctuation.
fn row_name(t: &str) -> Option<(&str, &str)> {
    let (name, rest) = t.split_once([' ', '\u{3000}', '\t'])?;
    let n = name.chars().count();
    let bad = name.contains(|c: char| "，。；：:,;、（）()【】".contains(c));
    ((1..=MAX_NAME_CHARS).contains(&n) && !bad && !rest.trim().is_empty())
        .then(|| (name, rest.trim()))
}

/// Whether a line ends the table: blank, a heading, an item marker, or a sentence of prose.
fn ends_table(t: &str) -> bool {
    t.is_empty() || zh_heading_level(t).is_some() || t.starts_with('#') || split_marker(t).is_some()
}

/// A glued-header table starting at `i`: the table and the next line.
pub(super) fn glued_table(lines: &[&str], i: usize) -> Option<(Table, usize)> {
    let head = lines.get(i)?.trim();
    if !glued_header(head) {
        return None;
    }
    let header = vec![
        Cell::new("名称", i + 1),
        Cell::new("使用目的", i + 1),
        Cell::new("个人信息", i + 1),
    ];
    let mut rows = vec![header];
    let mut j = i + 1;
    while j < lines.len() && rows.len() <= MAX_ROWS {
        let t = lines[j].trim();
        if ends_table(t) {
            break;
        }
        let Some((name, scene)) = row_name(t) else {
            break;
        };
        let start = j;
        j += 1;
        let mut data: Vec<String> = Vec::new();
        while j < lines.len() && j - start <= MAX_ROW_LINES {
            let u = lines[j].trim();
            if ends_table(u) || row_name(u).is_some() {
                break;
            }
            data.push(squash_ws(u));
            j += 1;
        }
        rows.push(vec![
            Cell::new(squash_ws(name), start + 1),
            Cell::new(squash_ws(scene), start + 1),
            Cell::new(data.join("\n"), start + 2),
        ]);
    }
    // A real table: two rows at least.
    Table::flattened(i + 1, rows, 3, j)
}
