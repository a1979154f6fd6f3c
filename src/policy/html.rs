//! HTML (hand-written or exported by Word) to blocks. A lenient scanner, not an XML parser: real
//! policies have unclosed tags, conditional comments and Office namespaces.

use super::blocks::{Block, Cell, Table};
use super::text::{split_marker, squash_ws};

/// Open tables nest at most this deep; deeper ones are read as cell text.
const MAX_TABLE_DEPTH: usize = 8;

struct OpenTable {
    line: usize,
    rows: Vec<Vec<Cell>>,
    cell: Option<(String, usize, usize, usize)>, // text, line, rowspan, colspan
}

struct Builder {
    blocks: Vec<Block>,
    buf: String,
    buf_line: usize,
    kind: BufKind,
    tables: Vec<OpenTable>,
    skip_depth: usize, // inside <script>/<style>/<head><title>...
}

#[derive(Clone, Copy, PartialEq)]
enum BufKind {
    Para,
    Heading(u8),
    Item,
}

impl Builder {
    fn text(&mut self, s: &str, line: usize) {
        if self.skip_depth > 0 {
            return;
        }
        if let Some(t) = self.tables.last_mut() {
            if let Some(cell) = t.cell.as_mut() {
                if cell.0.trim().is_empty() && !s.trim().is_empty() {
                    cell.1 = line;
                }
                cell.0.push_str(s);
                return;
            }
            // Text between cells is noise (white space, or broken markup).
            return;
        }
        if self.buf.trim().is_empty() && !s.trim().is_empty() {
            self.buf_line = line;
        }
        self.buf.push_str(s);
    }

    fn cell_break(&mut self) {
        // U+2028 marks a break made by markup (<p>, <br>); source line breaks are white space.
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            cell.0.push('\u{2028}');
        }
    }

    fn flush(&mut self) {
        if self.tables.last().is_some_and(|t| t.cell.is_some()) {
            self.cell_break();
            return;
        }
        let text = squash_ws(&self.buf);
        self.buf.clear();
        if text.is_empty() {
            self.kind = BufKind::Para;
            return;
        }
        let line = self.buf_line;
        let block = match self.kind {
            BufKind::Heading(level) => Block::Heading { level, text, line },
            BufKind::Item => Block::ListItem {
                marker: "-".to_string(),
                text,
                line,
            },
            BufKind::Para => match split_marker(&text) {
                Some((m, rest)) if !rest.is_empty() => Block::ListItem {
                    marker: m.to_string(),
                    text: rest.to_string(),
                    line,
                },
                _ => Block::Paragraph { text, line },
            },
        };
        self.blocks.push(block);
        self.kind = BufKind::Para;
    }

    fn end_cell(&mut self) {
        if let Some(t) = self.tables.last_mut() {
            if let Some((text, line, rs, cs)) = t.cell.take() {
                let text = text
                    .split('\u{2028}')
                    .map(squash_ws)
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n");
                if t.rows.is_empty() {
                    t.rows.push(Vec::new());
                }
                if let Some(row) = t.rows.last_mut() {
                    row.push(Cell {
                        text,
                        line,
                        rowspan: rs,
                        colspan: cs,
                    });
                }
            }
        }
    }

    fn end_table(&mut self) {
        self.end_cell();
        if let Some(t) = self.tables.pop() {
            let rows: Vec<Vec<Cell>> = t.rows.into_iter().filter(|r| !r.is_empty()).collect();
            if rows.is_empty() {
                return;
            }
            if let Some(outer) = self.tables.last_mut().and_then(|o| o.cell.as_mut()) {
                // A table inside a cell: keep its text in the cell.
                for row in rows {
                    let line = row
                        .iter()
                        .map(|c| c.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    outer.0.push('\u{2028}');
                    outer.0.push_str(&line);
                }
                return;
            }
            self.blocks.push(Block::Table(Table {
                line: t.line,
                shape: "html",
                rows,
            }));
        }
    }
}

/// Parse HTML into blocks; line numbers are those of the HTML source.
pub(crate) fn parse_html(src: &str) -> Vec<Block> {
    let mut b = Builder {
        blocks: Vec::new(),
        buf: String::new(),
        buf_line: 1,
        kind: BufKind::Para,
        tables: Vec::new(),
        skip_depth: 0,
    };
    let bytes = src.as_bytes();
    let mut pos = 0;
    let mut line = 1;
    while pos < bytes.len() {
        let Some(rel) = src[pos..].find('<') else {
            b.text(&decode_entities(&src[pos..]), line);
            break;
        };
        let lt = pos + rel;
        if lt > pos {
            let chunk = &src[pos..lt];
            b.text(&decode_entities(chunk), line);
            line += chunk.matches('\n').count();
        }
        let rest = &src[lt..];
        // Comments (including Word's conditional ones) and <![if ...]> markers.
        let end = if rest.starts_with("<!--") {
            rest.find("-->").map_or(src.len(), |e| lt + e + 3)
        } else if rest.starts_with("<![") || rest.starts_with("<!") || rest.starts_with("<?") {
            rest.find('>').map_or(src.len(), |e| lt + e + 1)
        } else {
            let next = rest[1..].chars().next();
            if !next.is_some_and(|c| c.is_ascii_alphabetic() || c == '/') {
                // A bare '<' in text.
                b.text("<", line);
                pos = lt + 1;
                continue;
            }
            match tag_end(rest) {
                Some(e) => lt + e + 1,
                None => src.len(),
            }
        };
        let tag_src = &src[lt..end];
        let tag_line = line;
        line += tag_src.matches('\n').count();
        pos = end;
        if tag_src.starts_with("<!") || tag_src.starts_with("<?") {
            continue;
        }
        let (name, closing, attrs) = tag_parts(tag_src);
        // Preformatted text (html2text Markdown wrapped in <pre>) keeps its lines: read it as
        // Markdown, its tables and lists with it.
        if !closing && name == "pre" && b.tables.is_empty() && b.skip_depth == 0 {
            b.flush();
            let lower = src[pos..].to_ascii_lowercase();
            let e = lower.find("</pre").map_or(src.len(), |e| pos + e);
            let inner = decode_entities(&strip_tags(&src[pos..e]));
            for mut block in super::blocks::parse_text(&inner, true) {
                shift_lines(&mut block, line.saturating_sub(1));
                b.blocks.push(block);
            }
            line += src[pos..e].matches('\n').count();
            pos = e;
            continue;
        }
        handle_tag(&mut b, &name, closing, attrs, tag_line);
        // Skip the contents of script and style in one step.
        if !closing && (name == "script" || name == "style") {
            let close = format!("</{name}");
            let lower = src[pos..].to_ascii_lowercase();
            let e = lower.find(&close).map_or(src.len(), |e| pos + e);
            line += src[pos..e].matches('\n').count();
            pos = e;
        }
    }
    while !b.tables.is_empty() {
        b.end_table();
    }
    b.flush();
    b.blocks
}

/// Text with its tags removed (inside `<pre>`).
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Lines of a block parsed from a fragment, made lines of the whole file.
pub(crate) fn shift_lines(block: &mut Block, by: usize) {
    match block {
        Block::Heading { line, .. }
        | Block::Paragraph { line, .. }
        | Block::ListItem { line, .. } => *line += by,
        Block::Table(t) => {
            t.line += by;
            for c in t.rows.iter_mut().flatten() {
                if c.line > 0 {
                    c.line += by;
                }
            }
        }
    }
}

/// The index of the `>` that closes a tag, skipping quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"') | (None, '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn tag_parts(tag: &str) -> (String, bool, &str) {
    let inner = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/');
    let closing = inner.starts_with('/');
    let inner = inner.trim_start_matches('/');
    let name_end = inner
        .find(|c: char| c.is_whitespace())
        .unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    // Office namespaces: <o:p>, <w:Sdt> carry no structure.
    (name, closing, &inner[name_end..])
}

fn attr_num(attrs: &str, key: &str) -> usize {
    let lower = attrs.to_ascii_lowercase();
    let Some(p) = lower.find(key) else { return 1 };
    let rest = lower[p + key.len()..].trim_start();
    let Some(rest) = rest.strip_prefix('=') else {
        return 1;
    };
    let rest = rest.trim_start().trim_start_matches(['"', '\'']);
    let digits: String = rest
        .chars()
        .take_while(char::is_ascii_digit)
        .take(4)
        .collect();
    digits.parse::<usize>().map_or(1, |n| n.clamp(1, 64))
}

fn handle_tag(b: &mut Builder, name: &str, closing: bool, attrs: &str, line: usize) {
    let in_skip = |n: &str| {
        matches!(
            n,
            "script" | "style" | "title" | "head" | "xml" | "noscript"
        )
    };
    if in_skip(name) && name != "head" {
        if closing {
            b.skip_depth = b.skip_depth.saturating_sub(1);
        } else {
            b.skip_depth += 1;
        }
        return;
    }
    match name {
        "table" if !closing => {
            b.flush();
            if b.tables.len() >= MAX_TABLE_DEPTH {
                return;
            }
            b.tables.push(OpenTable {
                line,
                rows: Vec::new(),
                cell: None,
            });
        }
        "table" => b.end_table(),
        "tr" if !closing => {
            b.end_cell();
            if let Some(t) = b.tables.last_mut() {
                t.rows.push(Vec::new());
            }
        }
        "tr" => b.end_cell(),
        "td" | "th" if !closing => {
            b.end_cell();
            if let Some(t) = b.tables.last_mut() {
                if t.rows.is_empty() {
                    t.rows.push(Vec::new());
                }
                t.cell = Some((
                    String::new(),
                    line,
                    attr_num(attrs, "rowspan"),
                    attr_num(attrs, "colspan"),
                ));
            }
        }
        "td" | "th" => b.end_cell(),
        "br" => {
            if b.tables.last().is_some_and(|t| t.cell.is_some()) {
                b.cell_break();
            } else {
                b.flush();
            }
        }
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            b.flush();
            if !closing {
                b.kind = BufKind::Heading(name[1..].parse().unwrap_or(2));
            }
        }
        "li" => {
            b.flush();
            if !closing {
                b.kind = BufKind::Item;
            }
        }
        "p" | "div" | "ul" | "ol" | "section" | "article" | "blockquote" | "pre" | "dt" | "dd"
        | "dl" | "body" | "header" | "footer" | "main" | "nav" | "caption" | "hr" | "tbody"
        | "thead" => {
            if matches!(name, "tbody" | "thead") {
                return;
            }
            b.flush();
        }
        _ => {}
    }
}

/// Decode character references; unknown ones stay as written.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').filter(|&i| i <= 10);
        let decoded = semi.and_then(|i| entity(&after[..i]));
        match (semi, decoded) {
            (Some(i), Some(c)) => {
                out.push(c);
                rest = &after[i + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        return char::from_u32(code);
    }
    Some(match name {
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "middot" => '·',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "bull" => '•',
        "copy" => '©',
        "reg" => '®',
        "times" => '×',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_html() {
        let src = "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><style>p{}</style></head><body>\n<h1>隐私政策</h1>\n<p class=MsoNormal><span>第一段&nbsp;文字<o:p></o:p></span></p>\n<!--[if gte mso 9]><xml>x</xml><![endif]-->\n<table><tr><td rowspan=\"2\"><p>甲</p><p>乙</p></td><td>b</td></tr>\n<tr><td>c</td></tr></table><p>1、极光</p></body></html>";
        let blocks = parse_html(src);
        assert!(matches!(&blocks[0], Block::Heading { text, line: 2, .. } if text == "隐私政策"));
        assert!(matches!(&blocks[1], Block::Paragraph { text, .. } if text == "第一段 文字"));
        let Block::Table(t) = &blocks[2] else {
            panic!("table")
        };
        assert_eq!(t.rows[0][0].text, "甲\n乙");
        assert_eq!(t.grid()[1][1].text, "c");
        assert!(matches!(&blocks[3], Block::ListItem { text, .. } if text == "极光"));
    }
}
