//! The block model of a policy (headings, paragraphs, list items, tables, each with its line),
//! and the parser for plain text and Markdown, which also rebuilds tables flattened to one cell
//! per line.

use serde::Serialize;

use super::text::{is_han, split_marker, squash_ws};

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

/// Parse plain text or Markdown into blocks.
pub(crate) fn parse_text(text: &str, markdown: bool) -> Vec<Block> {
    // Markdown block quotes (`> | a | b |`, callouts) hold ordinary content: read it as such.
    let lines: Vec<&str> = text
        .lines()
        .map(|l| {
            if !markdown {
                return l;
            }
            let mut t = l.trim_start();
            while let Some(rest) = t.strip_prefix('>') {
                t = rest.strip_prefix(' ').unwrap_or(rest);
            }
            if t.len() == l.trim_start().len() {
                l
            } else {
                t
            }
        })
        .collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i];
        let t = raw.trim();
        if t.is_empty() {
            i += 1;
            continue;
        }
        if markdown && t.to_ascii_lowercase().starts_with("<table") {
            // An HTML table inside Markdown: read it with the HTML reader.
            let end = (i..lines.len())
                .find(|&k| lines[k].to_ascii_lowercase().contains("</table"))
                .unwrap_or(lines.len() - 1);
            let chunk = lines[i..=end].join("\n");
            for mut b in super::html::parse_html(&chunk) {
                super::html::shift_lines(&mut b, i);
                blocks.push(b);
            }
            i = end + 1;
            continue;
        }
        if let Some((table, next)) = pipe_table(&lines, i) {
            blocks.push(Block::Table(table));
            i = next;
            continue;
        }
        if let Some((table, next)) = super::spaced::spaced_table(&lines, i) {
            blocks.push(Block::Table(table));
            i = next;
            continue;
        }
        if let Some((table, next)) = flattened_table(&lines, i) {
            blocks.push(Block::Table(table));
            i = next;
            continue;
        }
        if let Some((table, next)) = super::spaced::grouped_table(&lines, i) {
            blocks.push(Block::Table(table));
            i = next;
            continue;
        }
        for piece in split_long_line(t) {
            blocks.push(line_block(piece, i + 1, markdown));
        }
        i += 1;
    }
    blocks
}

/// Lines longer than this are whole documents or sections saved without line breaks.
const LONG_LINE: usize = 600;

/// A very long line cut where a sentence or a run of spaces is followed by an item or section
/// number (`。4.1.2 相机`, `；（3）…`, `。二、…`), so that its items become blocks of their own.
fn split_long_line(t: &str) -> Vec<&str> {
    if t.len() < LONG_LINE {
        return vec![t];
    }
    let mut cuts = vec![0];
    let mut prev_end_sentence = false;
    let mut spaces = 0;
    for (i, c) in t.char_indices() {
        let boundary = prev_end_sentence || spaces >= 2;
        if boundary && !c.is_whitespace() && i > 0 && starts_item(&t[i..]) {
            cuts.push(i);
        }
        if c.is_whitespace() || c == '\u{3000}' {
            spaces += 1;
        } else {
            spaces = 0;
            prev_end_sentence = matches!(c, '。' | '；' | ';' | '！' | '？');
        }
    }
    cuts.push(t.len());
    cuts.windows(2)
        .map(|w| t[w[0]..w[1]].trim())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether a text starts with an item or section number.
fn starts_item(s: &str) -> bool {
    if split_marker(s).is_some_and(|(m, _)| m != "-" && m != "*" && m != "+") {
        return true;
    }
    // `4.1.2 相机` / `2.3.1第三方`: an outline number before a word.
    let num: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if num.contains('.') && num.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        let after = s[num.len()..].trim_start().chars().next();
        return after.is_some_and(|c| is_han(c) || c.is_ascii_alphabetic());
    }
    let k = s
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .count();
    k > 0 && s.chars().nth(k) == Some('、')
}

/// One line of text as a heading, list item or paragraph.
fn line_block(t: &str, line: usize, markdown: bool) -> Block {
    let clean = |s: &str| squash_ws(&strip_inline_markdown(s, markdown));
    if let Some(level) = md_heading_level(t) {
        let text = t
            .trim_start_matches('#')
            .trim()
            .trim_end_matches('#')
            .trim();
        return Block::Heading {
            level,
            text: clean(text),
            line,
        };
    }
    if let Some(level) = zh_heading_level(t) {
        return Block::Heading {
            level,
            text: clean(t),
            line,
        };
    }
    if let Some((marker, rest)) = split_marker(t) {
        return Block::ListItem {
            marker: marker.to_string(),
            text: clean(rest),
            line,
        };
    }
    Block::Paragraph {
        text: clean(t),
        line,
    }
}

fn md_heading_level(t: &str) -> Option<u8> {
    let hashes = t.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
        u8::try_from(hashes).ok()
    } else {
        None
    }
}

/// Chinese section headings: 一、…  （一）…  第一条/章 …, short and not ending a sentence.
pub(crate) fn zh_heading_level(t: &str) -> Option<u8> {
    let n = t.chars().count();
    if n > 40 || t.ends_with(['。', '；', ';', '，', '：', ':']) {
        return None;
    }
    const NUM: &str = "一二三四五六七八九十百";
    let mut chars = t.chars();
    let first = chars.next()?;
    if first == '第' {
        let rest: String = t
            .chars()
            .skip(1)
            .take_while(|&c| NUM.contains(c) || c.is_ascii_digit())
            .collect();
        let after = t.chars().nth(1 + rest.chars().count());
        if !rest.is_empty() && after.is_some_and(|c| "章节条部分".contains(c)) {
            return Some(2);
        }
        return None;
    }
    if NUM.contains(first) {
        let k = t.chars().take_while(|&c| NUM.contains(c)).count();
        if t.chars().nth(k) == Some('、') {
            return Some(2);
        }
        return None;
    }
    if first == '（' || first == '(' {
        let k = t.chars().skip(1).take_while(|&c| NUM.contains(c)).count();
        let close = t.chars().nth(1 + k);
        if k > 0 && matches!(close, Some('）') | Some(')')) && n > k + 2 {
            return Some(3);
        }
    }
    None
}

/// HTML tags read as formatting inside Markdown text.
const INLINE_TAGS: &[&str] = &[
    "a", "b", "i", "u", "em", "strong", "sup", "sub", "span", "font", "br", "img", "div", "p",
    "small", "big", "code", "mark", "del", "ins", "s",
];

/// Drop `**`, `__`, backticks; `[text](url)` becomes `text url`.
fn strip_inline_markdown(s: &str, markdown: bool) -> String {
    if !markdown {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find("](") else { break };
        let Some(end) = after[close + 2..].find(')') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&after[..close]);
        out.push(' ');
        out.push_str(&after[close + 2..close + 2 + end]);
        rest = &after[close + 2 + end + 1..];
    }
    out.push_str(rest);
    let out = out.replace("**", "").replace("__", "").replace('`', "");
    // Inline HTML (`<br />`, `<sup>`, `<a href=…>`) and entities (`&#8211;`) in Markdown.
    if out.contains('<') || out.contains('&') {
        let mut text = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            // Only inline formatting is markup here; any other tag (`<script>`) stays text, to
            // be shown (escaped) as the policy wrote it.
            let name: String = after
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            let is_tag = INLINE_TAGS.contains(&name.as_str());
            match (is_tag, after.find('>')) {
                (true, Some(close)) => {
                    text.push_str(&rest[..open]);
                    // Keep a link's target: `<a href="u">x</a>` reads `x u`-like.
                    let tag = &after[..close];
                    if let Some(h) = tag.find("href=") {
                        let v = tag[h + 5..].trim_matches(|c| c == '"' || c == '\'' || c == ' ');
                        let v = v.split(['"', '\'', ' ']).next().unwrap_or("");
                        text.push(' ');
                        text.push_str(v);
                        text.push(' ');
                    }
                    rest = &after[close + 1..];
                }
                _ => {
                    text.push_str(&rest[..=open]);
                    rest = after;
                }
            }
        }
        text.push_str(rest);
        return super::html::decode_entities(&text);
    }
    out
}

// ---- Markdown pipe tables ----

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

fn pipe_table(lines: &[&str], i: usize) -> Option<(Table, usize)> {
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

// ---- Tables flattened to one cell per line ----

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
        || super::text::org_name(t).is_some_and(|o| o.chars().count() + 2 >= n)
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
fn flattened_table(lines: &[&str], i: usize) -> Option<(Table, usize)> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
