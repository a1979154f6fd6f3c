//! The block model of a policy (headings, paragraphs, list items, tables, each with its line).
//! `parse` reads plain text and Markdown into blocks; `pipe` reads Markdown pipe tables and
//! `flattened` rebuilds tables flattened to one cell per line and `glued` tables whose header
//! cells are glued into one line.

mod flattened;
mod fragments;
mod glued;
mod parse;
mod pipe;

pub(crate) use flattened::is_header_cell;
pub(crate) use parse::{parse_text, zh_heading_level};

use serde::Serialize;

use super::text::is_han;

/// One block of a policy, with the 1-based line it starts on.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Block {
    /// A heading; `level` 1 is the top.
    Heading {
        level: u8,
        text: String,
        line: usize,
    },
    /// A paragraph of running text.
    Paragraph { text: String, line: usize },
    /// A list item, its marker (`1、`, `（2）`, `-`) kept apart from its text.
    ListItem {
        marker: String,
        text: String,
        line: usize,
    },
    /// A table.
    Table(Table),
}

impl Block {
    /// The line the block starts on.
    pub fn line(&self) -> usize {
        match self {
            Block::Heading { line, .. }
            | Block::Paragraph { line, .. }
            | Block::ListItem { line, .. } => *line,
            Block::Table(t) => t.line,
        }
    }

    /// The block's text (for a table, empty: read its cells).
    pub fn text(&self) -> &str {
        match self {
            Block::Heading { text, .. }
            | Block::Paragraph { text, .. }
            | Block::ListItem { text, .. } => text,
            Block::Table(_) => "",
        }
    }
}

/// A table: rows of cells, as written (spans not expanded).
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// Line of the table's first cell.
    pub line: usize,
    /// How it was found: "html", "markdown", "flattened".
    pub shape: &'static str,
    /// Rows of cells.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table rebuilt from one-cell-per-line text, first cell at line `first_line`, with the
    /// line its text ends at, when it has at least `min_rows` rows.
    pub(crate) fn flattened(
        first_line: usize,
        rows: Vec<Vec<Cell>>,
        min_rows: usize,
        end: usize,
    ) -> Option<(Table, usize)> {
        if rows.len() < min_rows {
            return None;
        }
        let table = Table {
            line: first_line,
            shape: "flattened",
            rows,
        };
        Some((table, end))
    }
}

/// One table cell.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Its text, white space squashed (line breaks inside the cell kept as `\n`).
    pub text: String,
    /// Line where the cell starts.
    pub line: usize,
    /// Rows it spans (HTML `rowspan`), at least 1.
    pub rowspan: usize,
    /// Columns it spans (HTML `colspan`), at least 1.
    pub colspan: usize,
}

impl Cell {
    pub(crate) fn new(text: impl Into<String>, line: usize) -> Cell {
        Cell {
            text: text.into(),
            line,
            rowspan: 1,
            colspan: 1,
        }
    }
}

/// The most rows or columns one table is expanded to: spans come from the input.
const MAX_GRID: usize = 4096;

impl Table {
    /// The rows with spans expanded: a cell spanning two rows appears in both.
    pub fn grid(&self) -> Vec<Vec<Cell>> {
        let mut grid: Vec<Vec<Option<Cell>>> = Vec::new();
        for (r, row) in self.rows.iter().enumerate().take(MAX_GRID) {
            if grid.len() <= r {
                grid.resize(r + 1, Vec::new());
            }
            let mut c = 0;
            for cell in row {
                while grid[r].get(c).is_some_and(Option::is_some) {
                    c += 1;
                }
                let rs = cell.rowspan.clamp(1, 64);
                let cs = cell.colspan.clamp(1, 64);
                for dr in 0..rs {
                    let rr = r + dr;
                    if rr >= self.rows.len() || rr >= MAX_GRID {
                        break;
                    }
                    if grid.len() <= rr {
                        grid.resize(rr + 1, Vec::new());
                    }
                    for dc in 0..cs {
                        let cc = c + dc;
                        if cc >= MAX_GRID {
                            break;
                        }
                        if grid[rr].len() <= cc {
                            grid[rr].resize(cc + 1, None);
                        }
                        grid[rr][cc] = Some(Cell {
                            rowspan: 1,
                            colspan: 1,
                            ..cell.clone()
                        });
                    }
                }
                c += cs;
            }
        }
        grid.into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|c| c.unwrap_or_else(|| Cell::new("", 0)))
                    .collect()
            })
            .collect()
    }
}

/// Whether a text is mostly Chinese (for language detection).
pub(crate) fn han_ratio(blocks_text: &str) -> (usize, usize) {
    let mut han = 0;
    let mut latin = 0;
    for c in blocks_text.chars() {
        if is_han(c) {
            han += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    (han, latin)
}
