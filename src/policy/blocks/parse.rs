//! Plain text and Markdown to blocks: lines become headings, list items and paragraphs; tables
//! (pipe, HTML inside Markdown, spaced, flattened) are tried first at every line.

use super::flattened::flattened_table;
use super::glued::glued_table;
use super::pipe::pipe_table;
use super::Block;
use crate::policy::text::{is_han, split_marker, squash_ws};

/// Parse plain text or Markdown into blocks.
pub(crate) fn parse_text(text: &str, markdown: bool) -> Vec<Block> {
    let joined = super::fragments::defragment(text);
    let text = joined.as_deref().unwrap_or(text);
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
            for mut b in crate::policy::html::parse_html(&chunk) {
                crate::policy::html::shift_lines(&mut b, i);
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
        if let Some((table, next)) = crate::policy::spaced::spaced_table(&lines, i) {
            blocks.push(Block::Table(table));
            i = next;
            continue;
        }
        if let Some((table, next)) = glued_table(&lines, i) {
            blocks.push(Block::Table(table));
            i = next;
            continue;
        }
        if let Some((table, next)) = flattened_table(&lines, i) {
            blocks.push(Block::Table(table));
            i = next;
            continue;
        }
        if let Some((table, next)) = crate::policy::spaced::grouped_table(&lines, i) {
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

/// A very long line cut where a sentence, a colon or a run of spaces is followed by an item or
/// section number (`。4.1.2 相机`, `；（3）…`, `。二、…`, `包括：1.…`), or where a multi-level
/// outline number continues the one before it even with no boundary (`…日志4.1.3 网络权限`), so
/// that its items become blocks of their own.
fn split_long_line(t: &str) -> Vec<&str> {
    if t.len() < LONG_LINE {
        return vec![t];
    }
    let mut cuts = vec![0];
    let mut prev_end_sentence = false;
    let mut prev_colon = false;
    let mut prev_char: Option<char> = None;
    let mut spaces = 0;
    let mut last_outline: Option<Vec<u32>> = None;
    for (i, c) in t.char_indices() {
        let boundary = prev_end_sentence || spaces >= 2;
        if i > 0 && !c.is_whitespace() && c.is_ascii_digit() {
            let glued_ok = prev_char
                .is_some_and(|p| !(p.is_ascii_digit() || matches!(p, '.' | '（' | '(' | '[')));
            let num = outline_number(&t[i..]);
            // After a colon only a list's first item starts a block (`包括：1.…`).
            let boundary = boundary || (prev_colon && num.as_deref() == Some(&[1]));
            let continues = glued_ok
                && num.as_ref().is_some_and(|n| {
                    // Multi-level numbers only (`4.1.3`): a glued `12、` may be a count.
                    n.len() >= 2
                        && last_outline
                            .as_ref()
                            .is_some_and(|p| continues_outline(p, n))
                });
            if (boundary || continues) && starts_item(&t[i..]) {
                cuts.push(i);
                if num.is_some() {
                    last_outline = num;
                }
            }
        } else if boundary && !c.is_whitespace() && i > 0 && starts_item(&t[i..]) {
            cuts.push(i);
        }
        if c.is_whitespace() || c == '\u{3000}' {
            spaces += 1;
        } else {
            spaces = 0;
            prev_end_sentence = matches!(c, '。' | '；' | ';' | '！' | '？');
            prev_colon = c == '：';
        }
        prev_char = Some(c);
    }
    cuts.push(t.len());
    cuts.windows(2)
        .map(|w| t[w[0]..w[1]].trim())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The outline number a text starts with (`4.1.2` → [4, 1, 2]; `4.` → [4]).
fn outline_number(s: &str) -> Option<Vec<u32>> {
    let num: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .take(16)
        .collect();
    let parts: Vec<u32> = num
        .trim_end_matches('.')
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<u32>>>()?;
    (!parts.is_empty()).then_some(parts)
}

/// Whether outline number `cur` follows `prev`: the next sibling (4.1.2 → 4.1.3), the first child
/// (4 → 4.1, 4 → 4.1.1), the next sibling of an ancestor (4.1.9 → 4.2), or a count kept across
/// sections (4.1.19 → 4.2.20).
fn continues_outline(prev: &[u32], cur: &[u32]) -> bool {
    let n = cur.len();
    if n == 0 || prev.is_empty() {
        return false;
    }
    if n > prev.len() {
        // A first child, one level down or more (4 → 4.1, 4 → 4.1.1).
        return cur[..prev.len()] == *prev && cur[prev.len()..].iter().all(|&k| k == 1);
    }
    let next = |a: u32, b: u32| a.checked_add(1) == Some(b);
    if cur[..n - 1] == prev[..n - 1] && next(prev[n - 1], cur[n - 1]) {
        return true;
    }
    // A count kept across sections (4.1.19 → 4.2.20): same depth, the last number goes on and a
    // middle one steps by one.
    n >= 3
        && n == prev.len()
        && cur[0] == prev[0]
        && next(prev[n - 1], cur[n - 1])
        && (1..n - 1).all(|k| cur[k] == prev[k] || next(prev[k], cur[k]))
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

pub(super) fn md_heading_level(t: &str) -> Option<u8> {
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
pub(super) fn strip_inline_markdown(s: &str, markdown: bool) -> String {
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
        return crate::policy::html::decode_entities(&text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outline_numbers_and_continuation() {
        assert_eq!(outline_number("4.1.2 相机"), Some(vec![4, 1, 2]));
        assert_eq!(outline_number("4. 权限"), Some(vec![4]));
        assert_eq!(outline_number("99999999999.1 x"), None);
        assert!(continues_outline(&[4, 1, 2], &[4, 1, 3]));
        assert!(continues_outline(&[4], &[4, 1, 1]));
        assert!(continues_outline(&[4, 1, 9], &[4, 2]));
        assert!(continues_outline(&[4, 1, 19], &[4, 2, 20]));
        assert!(!continues_outline(&[4, 1, 2], &[4, 1, 4]));
        assert!(!continues_outline(&[4, 1, 2], &[5, 1, 3]));
        assert!(!continues_outline(&[u32::MAX], &[0]));
        assert!(!continues_outline(&[1, u32::MAX], &[1, 0]));
    }

    #[test]
    fn long_line_cut_at_glued_outline_items() {
        let filler = "这是一段很长的说明文字，用于让这一行超过长行的阈值。".repeat(20);
        let line = format!(
            "{filler}四、权限  4.1.1 相机权限：扫码4.1.2 存储权限：缓存Toast4.1.3 闪光灯：补光"
        );
        let pieces = split_long_line(&line);
        let items: Vec<&str> = pieces
            .iter()
            .copied()
            .filter(|p| p.starts_with("4.1."))
            .collect();
        assert_eq!(
            items,
            vec![
                "4.1.1 相机权限：扫码",
                "4.1.2 存储权限：缓存Toast",
                "4.1.3 闪光灯：补光"
            ]
        );
        // A number in brackets is no item of the outline.
        let line = format!("{filler}说明：（1）第一项；（2）第二项");
        assert!(split_long_line(&line).iter().all(|p| !p.starts_with("2）")));
    }
}
