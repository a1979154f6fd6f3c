//! The one table style of every terminal view: Markdown-shaped ASCII (`| a | b |`), fitted to
//! the terminal.
//!
//! Width: `$COLUMNS` when set (it overrides everything); else, for a report written with `-o FILE`,
//! [`FILE_WIDTH`] (a file is read by people, in an editor or a browser); else the width of the
//! terminal standard output is; else (a pipe) no limit, so tools read whole lines. Cells wrap at spaces, after the separators of identifiers (`.` `/` `$` `;` `,` `:`)
//! and between CJK characters, never inside a word; a word wider than its column is shortened in
//! the middle (`com.example.…PasteHelper`). When the table is too wide, columns shrink by
//! priority: normal ones first, those marked [`Priority::High`] (file, package, verdict) last.

use std::fmt;
use std::sync::OnceLock;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Narrowest width honoured: below it, tables are laid out for this width.
pub const MIN_WIDTH: usize = 40;

/// The widest unbreakable word a column keeps whole while other columns can still give way
/// (rule ids such as `disclosed-permission-not-requested` are 34).
const PIECE_CAP: usize = 40;

static WIDTH: OnceLock<Option<usize>> = OnceLock::new();

/// The width of a table written to a file with `-o` (unless `$COLUMNS` says otherwise).
pub const FILE_WIDTH: usize = 80;

/// Fixes the output width for this process: `to_file` when the output goes to a file (`-o`).
/// Called once by `main`; later calls are no-ops.
pub fn init(to_file: bool) {
    let _ = WIDTH.set(detect(to_file));
}

/// The width tables fit in, `None` for no limit. Without [`init`] (the library used on its own),
/// `$COLUMNS` or [`FILE_WIDTH`].
pub fn width() -> Option<usize> {
    *WIDTH.get_or_init(|| columns_env().unwrap_or(Some(FILE_WIDTH)))
}

/// `$COLUMNS`, when set to a number: `Some(None)` for 0 (no limit).
fn columns_env() -> Option<Option<usize>> {
    let c = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())?;
    Some((c > 0).then_some(c.max(MIN_WIDTH)))
}

fn detect(to_file: bool) -> Option<usize> {
    use std::io::IsTerminal;
    if let Some(c) = columns_env() {
        return c;
    }
    if to_file {
        return Some(FILE_WIDTH);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0).max(MIN_WIDTH))
}

/// A paragraph of prose wrapped to the output width (unchanged when there is no limit).
pub fn paragraph(text: &str) -> String {
    match width() {
        Some(w) => wrap(text, w).join("\n"),
        None => text.to_string(),
    }
}

/// How readily a column gives up width when the table is too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Keeps its width longest and gets twice the share of the space left (file, package, verdict).
    High,
    /// The default.
    Normal,
}

/// A table of text cells.
#[derive(Debug, Clone)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    priority: Vec<Priority>,
    header: bool,
    width: Option<usize>,
}

/// A table with these headers (none shown when all are empty), fitted to [`width`].
pub fn new(headers: &[&str]) -> Table {
    Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: Vec::new(),
        priority: vec![Priority::Normal; headers.len()],
        header: headers.iter().any(|h| !h.is_empty()),
        width: width(),
    }
}

/// Drops the header row and the borders: a key-value block.
pub fn no_header(t: &mut Table) {
    t.header = false;
}

impl Table {
    /// Adds a row; missing cells are empty, extra ones are dropped. Control characters (which
    /// a hostile app can put in its names to drive the terminal) are shown escaped.
    pub fn add_row<S: Into<String>>(&mut self, cells: Vec<S>) -> &mut Self {
        let mut row: Vec<String> = cells.into_iter().map(|c| printable(&c.into())).collect();
        row.resize(self.headers.len(), String::new());
        self.rows.push(row);
        self
    }

    /// Sets a column's priority.
    pub fn priority(&mut self, column: usize, p: Priority) -> &mut Self {
        if let Some(slot) = self.priority.get_mut(column) {
            *slot = p;
        }
        self
    }

    /// Lays the table out for this width instead of the terminal's (`None`: no limit).
    pub fn with_width(&mut self, width: Option<usize>) -> &mut Self {
        self.width = width;
        self
    }

    /// Leaves out the columns in which no row has anything but `-` or nothing: a scan where no
    /// app was audited or packed has no use for those columns.
    pub fn drop_empty_columns(&mut self) -> &mut Self {
        let keep: Vec<bool> = (0..self.columns())
            .map(|c| {
                self.rows
                    .iter()
                    .any(|r| !r[c].trim().is_empty() && r[c].trim() != "-")
            })
            .collect();
        retain_columns(&mut self.headers, &keep);
        retain_columns(&mut self.priority, &keep);
        for r in &mut self.rows {
            retain_columns(r, &keep);
        }
        self
    }

    /// Number of rows (header excluded).
    pub fn row_count(&self) -> usize {
        self.rows.len()
    }

    fn columns(&self) -> usize {
        self.headers.len()
    }

    /// Every cell of a column, the header first when shown.
    fn cells(&self, col: usize) -> impl Iterator<Item = &str> {
        let header = self.header.then(|| self.headers[col].as_str());
        header
            .into_iter()
            .chain(self.rows.iter().map(move |r| r[col].as_str()))
    }

    /// The column widths: natural widths when they fit; else columns shrink, normal ones
    /// before [`Priority::High`] ones, each in proportion to what it can give, first down to
    /// its widest unbreakable word, then (still too wide) down to its header's widest word,
    /// shortening the words that no longer fit.
    fn widths(&self) -> Vec<usize> {
        let n = self.columns();
        let natural: Vec<usize> = (0..n)
            .map(|c| {
                self.cells(c)
                    .flat_map(str::lines)
                    .map(UnicodeWidthStr::width)
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let Some(total) = self.width else {
            return natural;
        };
        let overhead = if self.header {
            3 * n + 1
        } else {
            2 * n.saturating_sub(1)
        };
        let avail = total.saturating_sub(overhead);
        let mut widths = natural.clone();
        let mut deficit = natural.iter().sum::<usize>().saturating_sub(avail);
        if deficit == 0 {
            return widths;
        }
        // Headers wrap only at spaces, so their words bound every column from below.
        let header_floor: Vec<usize> = (0..n)
            .map(|c| {
                let words = self.headers[c]
                    .split_whitespace()
                    .map(UnicodeWidthStr::width);
                words.max().unwrap_or(0).max(1).min(natural[c].max(1))
            })
            .collect();
        let word_floor: Vec<usize> = (0..n)
            .map(|c| {
                let widest = self
                    .cells(c)
                    .flat_map(pieces)
                    .map(|p| p.trim_end().width().min(PIECE_CAP))
                    .max()
                    .unwrap_or(0);
                widest.max(header_floor[c]).min(natural[c])
            })
            .collect();
        for floor in [&word_floor, &header_floor] {
            for tier in [Priority::Normal, Priority::High] {
                if deficit == 0 {
                    return widths;
                }
                let cols: Vec<usize> = (0..n).filter(|&c| self.priority[c] == tier).collect();
                deficit = shrink(&mut widths, &cols, floor, deficit);
            }
        }
        widths
    }
}

/// Keeps the items whose column is kept.
fn retain_columns<T>(v: &mut Vec<T>, keep: &[bool]) {
    let mut i = 0;
    v.retain(|_| {
        i += 1;
        keep.get(i - 1).copied().unwrap_or(true)
    });
}

/// Takes up to `deficit` columns of width from `cols`, each in proportion to its slack above
/// `floor`; returns what could not be taken.
fn shrink(widths: &mut [usize], cols: &[usize], floor: &[usize], deficit: usize) -> usize {
    let slack = |w: &[usize], c: usize| w[c].saturating_sub(floor[c]);
    let total: usize = cols.iter().map(|&c| slack(widths, c)).sum();
    if total == 0 {
        return deficit;
    }
    let take = deficit.min(total);
    let mut taken = 0;
    for &c in cols {
        let t = slack(widths, c) * take / total;
        widths[c] -= t;
        taken += t;
    }
    // What the rounding left: one column at a time from the ones with the most slack.
    while taken < take {
        let Some(&c) = cols
            .iter()
            .max_by_key(|&&c| (slack(widths, c), std::cmp::Reverse(c)))
        else {
            break;
        };
        if slack(widths, c) == 0 {
            break;
        }
        widths[c] -= 1;
        taken += 1;
    }
    deficit - taken
}

impl Table {
    /// The rendered lines, without line ends.
    fn lines(&self) -> Vec<String> {
        let widths = self.widths();
        let mut lines = Vec::new();
        let push_row = |lines: &mut Vec<String>, row: &[String]| {
            let cells: Vec<Vec<String>> = row
                .iter()
                .zip(&widths)
                .map(|(text, &w)| {
                    if self.width.is_some() {
                        wrap(text, w)
                    } else {
                        text.lines().map(str::to_string).collect()
                    }
                })
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
            for line in 0..height {
                let mut out = String::new();
                for (c, cell) in cells.iter().enumerate() {
                    let text = cell.get(line).map_or("", String::as_str);
                    if self.header {
                        out.push_str(if c == 0 { "| " } else { " | " });
                    } else if c > 0 {
                        out.push_str("  ");
                    }
                    out.push_str(text);
                    out.push_str(&" ".repeat(widths[c].saturating_sub(text.width())));
                }
                if self.header {
                    out.push_str(" |");
                } else {
                    out.truncate(out.trim_end().len());
                }
                lines.push(out);
            }
        };
        if self.header {
            push_row(&mut lines, &self.headers);
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(w + 2)).collect();
            lines.push(format!("|{}|", rule.join("|")));
        }
        for row in &self.rows {
            push_row(&mut lines, row);
        }
        lines
    }
}

/// The table without a final line end (as `to_string()` of the table crate it replaces).
impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

/// The text with control characters other than line breaks escaped (`\u{1b}`), tabs as spaces.
pub fn printable(text: &str) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\n' => "\n".to_string(),
            '\t' => " ".to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Whether a character separates the parts of an identifier (a line may break after it).
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '.' | '/' | '\\' | '$' | ';' | ',' | ':' | '|' | '、' | '，' | '；' | '：'
    )
}

fn is_wide(c: char) -> bool {
    c.width().unwrap_or(0) > 1
}

/// A text split where a line may break: after whitespace (kept at the piece's end), after an
/// identifier separator, and before or after a wide (CJK) character.
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut start = 0;
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            let end = i + c.len_utf8();
            let break_after = match next {
                None => true,
                Some(n) => {
                    (c.is_whitespace() && !n.is_whitespace())
                        || (is_separator(c) && !n.is_whitespace() && !is_separator(n))
                        || is_wide(c)
                        || (is_wide(n) && !c.is_whitespace())
                }
            };
            if break_after {
                out.push(&line[start..end]);
                start = end;
            }
        }
    }
    out
}

/// Shortens an unbreakable word to `width` columns, keeping its start and its end.
pub fn ellipsize_middle(word: &str, width: usize) -> String {
    if word.width() <= width {
        return word.to_string();
    }
    if width <= 1 {
        return "…".to_string();
    }
    let budget = width - 1;
    let tail_budget = budget / 2 + budget % 2;
    let head_budget = budget - tail_budget;
    let mut head = String::new();
    let mut used = 0;
    for c in word.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > head_budget {
            break;
        }
        head.push(c);
        used += w;
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in word.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > tail_budget {
            break;
        }
        tail.push(c);
        used += w;
    }
    tail.reverse();
    format!("{head}…{}", tail.into_iter().collect::<String>())
}

/// Wraps a cell's text into lines of at most `width` columns (see the module doc).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in text.lines() {
        let before = out.len();
        let mut cur = String::new();
        for piece in pieces(line) {
            let bare = piece.trim_end();
            if cur.width() + bare.width() > width && !cur.trim_end().is_empty() {
                out.push(cur.trim_end().to_string());
                cur.clear();
            }
            if cur.is_empty() && piece.trim().is_empty() {
                continue;
            }
            if bare.width() > width {
                out.push(ellipsize_middle(bare, width));
                continue;
            }
            cur.push_str(piece);
        }
        let last = cur.trim_end();
        if !last.is_empty() || out.len() == before {
            out.push(last.to_string());
        }
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(width: Option<usize>) -> Table {
        let mut t = new(&["permission", "note"]);
        t.with_width(width);
        t.add_row(vec![
            "android.permission.READ_CONTACTS",
            "the policy never mentions the contacts (通讯录) it reads",
        ]);
        t
    }

    #[test]
    fn identifiers_wrap_at_separators_never_inside() {
        assert_eq!(
            wrap("android.permission.READ_CONTACTS", 20),
            ["android.permission.", "READ_CONTACTS"]
        );
        assert_eq!(
            wrap("Landroid/content/ClipboardManager;->getPrimaryClip", 30),
            ["Landroid/content/", "ClipboardManager;", "->getPrimaryClip"]
        );
        assert_eq!(wrap("a b  c", 3), ["a b", "c"]);
    }

    #[test]
    fn a_word_wider_than_its_column_is_shortened_in_the_middle() {
        assert_eq!(
            ellipsize_middle("ACCESS_BACKGROUND_LOCATION", 11),
            "ACCES…ATION"
        );
        assert_eq!(
            wrap("x ACCESS_BACKGROUND_LOCATION", 11),
            ["x", "ACCES…ATION"]
        );
        assert_eq!(ellipsize_middle("通讯录权限", 5), "通…限");
    }

    #[test]
    fn cjk_text_breaks_between_characters() {
        assert_eq!(
            wrap("友盟同欣科技有限公司", 8),
            ["友盟同欣", "科技有限", "公司"]
        );
    }

    #[test]
    fn fits_the_width_and_keeps_identifiers_whole() {
        let text = table(Some(40)).to_string();
        for line in text.lines() {
            assert!(line.width() <= 40, "{line:?} in\n{text}");
        }
        assert!(text.contains("READ_CONTACTS"), "{text}");
        assert!(!text.contains("READ_CONTA |"), "{text}");
    }

    #[test]
    fn without_a_width_nothing_wraps() {
        let text = table(None).to_string();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.starts_with("| permission "));
        assert!(text.lines().nth(1).is_some_and(|l| l.starts_with("|---")));
    }

    #[test]
    fn high_priority_columns_keep_more_width() {
        let mut t = new(&["file", "note"]);
        t.with_width(Some(60)).priority(0, Priority::High);
        let long = "a ".repeat(60);
        t.add_row(vec![long.as_str(), long.as_str()]);
        let widths = t.widths();
        assert!(widths[0] > widths[1], "{widths:?}");
        assert!(widths.iter().sum::<usize>() + 7 <= 60, "{widths:?}");
    }

    #[test]
    fn empty_columns_can_be_left_out() {
        let mut t = new(&["file", "packer", "H/M/L/I"]);
        t.with_width(None).priority(0, Priority::High);
        t.add_row(vec!["a.apk", "", "-"])
            .add_row(vec!["b.apk", "bangcle", "-"]);
        t.drop_empty_columns();
        assert_eq!(
            t.to_string(),
            "| file  | packer  |\n|-------|---------|\n| a.apk |         |\n| b.apk | bangcle |"
        );
        assert_eq!(t.priority, [Priority::High, Priority::Normal]);
    }

    #[test]
    fn too_narrow_a_terminal_shortens_words_rather_than_overflow() {
        let mut t = new(&["file", "package"]);
        t.with_width(Some(20));
        t.add_row(vec!["splits/clean-split.apks", "com.example.codeshapes"]);
        let text = t.to_string();
        for line in text.lines() {
            assert!(line.width() <= 20, "{line:?}\n{text}");
        }
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        let mut t = new(&["package"]);
        t.with_width(None).add_row(vec!["com.evil\u{1b}[2J\tx"]);
        let text = t.to_string();
        assert!(!text.contains('\u{1b}') && !text.contains('\t'), "{text:?}");
        assert!(text.contains("com.evil\\u{1b}[2J x"), "{text}");
    }

    #[test]
    fn key_value_blocks_have_no_borders() {
        let mut t = new(&["", ""]);
        no_header(&mut t);
        t.with_width(None);
        t.add_row(vec!["file", "x.apk"])
            .add_row(vec!["package", "p"]);
        assert_eq!(t.to_string(), "file     x.apk\npackage  p");
    }
}
