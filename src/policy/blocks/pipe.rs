//! Markdown pipe tables, rows wrapped over several lines included.

use super::parse::strip_inline_markdown;
use super::{Cell, Table};
use crate::policy::text::squash_ws;

fn is_pipe_row(t: &str) -> bool {
    let t = t.trim();
    t.starts_with('|') || (t.matches('|').count() >= 2 && !t.contains("://|"))
}

fn is_separator_row(t: &str) -> bool {
    let t = t.trim().trim_matches('|');
    !t.is_empty()
        && t.contains('-')
        && t.split('|').all(|c| {
            let c = c.trim();
            !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' '))
        })
}

fn split_pipe_row(t: &str) -> Vec<String> {
    let t = t.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    // `\|` is an escaped pipe inside a cell.
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'|') {
            cur.push('|');
            chars.next();
        } else if c == '|' {
            cells.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    cells.push(cur);
    cells
        .into_iter()
        .map(|c| {
            squash_ws(&strip_inline_markdown(
                &c.replace("<br>", "\n").replace("<br/>", "\n"),
                true,
            ))
        })
        .collect()
}

/// Physical lines one wrapped Markdown table row may take.
const MAX_WRAPPED_ROW_LINES: usize = 8;

pub(super) fn pipe_table(lines: &[&str], i: usize) -> Option<(Table, usize)> {
    let head = lines.get(i)?;
    let sep = lines.get(i + 1)?;
    if !is_pipe_row(head) || !is_separator_row(sep) {
        return None;
    }
    let mut rows = vec![split_pipe_row(head)
        .into_iter()
        .map(|c| Cell::new(c, i + 1))
        .collect::<Vec<_>>()];
    let ncols = rows[0].len();
    let mut j = i + 2;
    // A row may be wrapped over several lines (html2text): join lines until it has its cells.
    while j < lines.len() && is_pipe_row(lines[j]) && !lines[j].trim().is_empty() {
        let start = j;
        let mut joined = lines[j].trim_end().to_string();
        let mut cells = split_pipe_row(&joined);
        // Two trailing spaces (a Markdown hard break) end a row whatever its cell count.
        while cells.len() < ncols
            && !lines[j].ends_with("  ")
            && j + 1 < lines.len()
            && j + 1 - start < MAX_WRAPPED_ROW_LINES
            && !lines[j + 1].trim().is_empty()
            && !is_separator_row(lines[j + 1])
        {
            j += 1;
            joined.push('\n');
            joined.push_str(lines[j].trim());
            cells = split_pipe_row(&joined);
        }
        rows.push(cells.into_iter().map(|c| Cell::new(c, start + 1)).collect());
        j += 1;
    }
    Some((
        Table {
            line: i + 1,
            shape: "markdown",
            rows,
        },
        j,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::{parse_text, Block};
    use super::*;

    #[test]
    fn pipe_and_spans() {
        let text = "| 名称 | 目的 |\n|---|:--:|\n| a | b \\| c |\n";
        let blocks = parse_text(text, true);
        let Some(Block::Table(t)) = blocks.first() else {
            panic!("table")
        };
        assert_eq!(t.rows[1][1].text, "b | c");
        let t = Table {
            line: 1,
            shape: "html",
            rows: vec![
                vec![
                    Cell {
                        rowspan: 2,
                        ..Cell::new("x", 1)
                    },
                    Cell::new("y", 1),
                ],
                vec![Cell::new("z", 2)],
            ],
        };
        let g = t.grid();
        assert_eq!(g[1][0].text, "x");
        assert_eq!(g[1][1].text, "z");
    }
}
