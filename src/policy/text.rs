//! Text helpers shared by the policy parsers: normalisation for matching, and small patterns.

/// Full-width ASCII to half-width, ideographic space to space, ASCII lower case. One char in, one
/// char out, so char positions carry over between the original and the normalised text.
pub(crate) fn norm_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => {
            char::from_u32(c as u32 - 0xFEE0).map_or(c, |h| h.to_ascii_lowercase())
        }
        '\u{3000}' | '\u{00A0}' => ' ',
        _ => c.to_ascii_lowercase(),
    }
}

/// The normalised text and, for each byte of it, the byte offset of the char it came from in
/// the original (one more entry for the end).
pub(crate) fn normalize_with_map(s: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len() + 1);
    for (i, c) in s.char_indices() {
        let n = norm_char(c);
        for _ in 0..n.len_utf8() {
            map.push(i);
        }
        out.push(n);
    }
    map.push(s.len());
    (out, map)
}

/// Normalised text for matching (see [`norm_char`]).
pub(crate) fn normalize(s: &str) -> String {
    s.chars().map(norm_char).collect()
}

/// A CJK ideograph.
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Collapse runs of white space to one space and trim; a line break between two Han chars goes.
pub(crate) fn squash_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending: Option<bool> = None; // Some(saw_newline)
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{3000}' {
            let nl = c == '\n' || c == '\r';
            pending = Some(pending.unwrap_or(false) || nl);
            continue;
        }
        if let Some(nl) = pending.take() {
            let prev_han = out.chars().next_back().is_some_and(is_han);
            let join_han = nl && prev_han && is_han(c);
            if !out.is_empty() && !join_han {
                out.push(' ');
            }
        }
        out.push(c);
    }
    out
}

/// Strip a leading list marker (`1、`, `（2）`, `(3)`, `4.`, `- `, `•`, `①`); the marker and the rest.
pub(crate) fn split_marker(s: &str) -> Option<(&str, &str)> {
    let t = s.trim_start();
    let lead = s.len() - t.len();
    let mut chars = t.char_indices().peekable();
    let (_, first) = chars.next()?;
    let end = match first {
        '-' | '*' | '+' | '•' | '·' | '▪' | '●' | '○' | '◆' | '■' => {
            // A bullet needs a space after it (Markdown), except the typographic ones.
            let next = chars.peek().map(|&(_, c)| c);
            if matches!(first, '-' | '*' | '+') && next != Some(' ') {
                return None;
            }
            first.len_utf8()
        }
        '①'..='⑳' => first.len_utf8(),
        '（' | '(' => {
            let close = t.find(['）', ')'])?;
            let inner = &t[first.len_utf8()..close];
            let ok = !inner.is_empty()
                && inner.chars().count() <= 3
                && inner.chars().all(|c| {
                    c.is_ascii_digit()
                        || "一二三四五六七八九十".contains(c)
                        || c.is_ascii_lowercase()
                });
            if !ok {
                return None;
            }
            close + t[close..].chars().next().map_or(1, char::len_utf8)
        }
        c if c.is_ascii_digit() => {
            let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
            if digits > 3 {
                return None;
            }
            let rest = &t[digits..];
            let sep = rest.chars().next()?;
            match sep {
                '、' | '）' | ')' => digits + sep.len_utf8(),
                '.' | '．' => {
                    // "1.2" is a version or a sub-number, "1. " or "1.x" in Chinese text is a marker.
                    let after = rest[sep.len_utf8()..].chars().next();
                    if after.is_some_and(|a| a.is_ascii_digit()) {
                        return None;
                    }
                    digits + sep.len_utf8()
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    let marker = &t[..end];
    let rest = t[end..].trim_start();
    let _ = lead;
    Some((marker, rest))
}

/// URLs in a text (ASCII only: Chinese text often runs straight on after a link).
pub(crate) fn urls(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = find_url_start(&s[from..]) {
        let start = from + pos;
        let end = s[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'*+,;=%".contains(c)))
            .map_or(s.len(), |e| start + e);
        let url = s[start..end].trim_end_matches(['.', ',', ';', ':', '\'', ')', ']']);
        if url.len() > "https://".len() {
            out.push(url.to_string());
        }
        from = end.max(start + 1);
        while !s.is_char_boundary(from) {
            from += 1;
        }
    }
    out
}

fn find_url_start(s: &str) -> Option<usize> {
    let a = s.find("http://");
    let b = s.find("https://");
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// Java package names in a text (`cn.jpush.android`, `com.tencent.bugly`): lower-case dotted
/// identifiers with a known top-level prefix, so domains such as `www.example.com` are left out.
pub(crate) fn packages(s: &str) -> Vec<String> {
    const TLDS: &[&str] = &[
        "com", "cn", "org", "net", "io", "me", "android", "androidx", "de", "uk", "jp", "kr", "tv",
        "co", "app", "top", "xyz",
    ];
    let mut out: Vec<String> = Vec::new();
    for tok in s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')) {
        let tok = tok.trim_matches('.');
        let parts: Vec<&str> = tok.split('.').collect();
        if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
            continue;
        }
        if !TLDS.contains(&parts[0]) || parts[0] == "www" {
            continue;
        }
        let valid = parts.iter().all(|p| {
            p.chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        });
        // A last label such as "com"/"cn" means a domain written backwards is unlikely: keep it.
        if valid && !out.iter().any(|o| o == tok) {
            out.push(tok.to_string());
        }
    }
    out
}

/// Split a list of data fields on Chinese and ASCII separators, never inside brackets.
pub(crate) fn split_fields(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '（' | '(' | '【' | '[' => depth += 1,
            '）' | ')' | '】' | ']' => depth = (depth - 1).max(0),
            _ => {}
        }
        if depth == 0 && matches!(c, '、' | '，' | ',' | '；' | ';' | '\n' | '。') {
            push_field(&mut out, &cur);
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    push_field(&mut out, &cur);
    out
}

fn push_field(out: &mut Vec<String>, s: &str) {
    // A closing remark run into the list ("…版本上述信息去标识化传输") is not a field.
    let s = ["以上信息", "上述信息"]
        .iter()
        .filter_map(|m| s.find(m))
        .min()
        .map_or(s, |i| &s[..i]);
    let t = s.trim().trim_end_matches(['等', '.']).trim();
    let t = t
        .strip_prefix("以及")
        .or_else(|| t.strip_prefix("和"))
        .unwrap_or(t)
        .trim();
    let t = t.strip_prefix("and ").unwrap_or(t).trim();
    if !t.is_empty() && t.chars().count() <= 80 {
        out.push(t.to_string());
    }
}

/// A company name inside a text: the shortest run of name chars ending in a legal-form suffix.
pub(crate) fn org_name(s: &str) -> Option<String> {
    const ZH: &[&str] = &[
        "有限责任公司",
        "股份有限公司",
        "有限公司",
        "集团公司",
        "公司",
    ];
    const EN: &[&str] = &[
        " Inc.",
        " Inc",
        " LLC",
        " Ltd.",
        " Ltd",
        " Limited",
        " GmbH",
        " Corporation",
        " Corp.",
        " Co., Ltd.",
        " Pte. Ltd.",
        " S.A.",
        " B.V.",
    ];
    for suf in ZH {
        if let Some(end) = s.find(suf) {
            let head = &s[..end];
            // Walk back over Han chars, brackets (深圳) and Latin letters to the start of the name.
            let mut start = end;
            for (i, c) in head.char_indices().rev() {
                if is_han(c)
                    || c.is_ascii_alphanumeric()
                    || matches!(c, '（' | '）' | '(' | ')' | '·')
                {
                    start = i;
                } else {
                    break;
                }
            }
            let name = &s[start..end + suf.len()];
            let name = trim_org_lead(name);
            if name.chars().count() >= 4 {
                return Some(name.to_string());
            }
        }
    }
    for suf in EN {
        if let Some(end) = s.find(suf) {
            let after = &s[end + suf.len()..];
            if after
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
            {
                continue;
            }
            let head = &s[..end];
            let mut start = end;
            let mut words = 0;
            for (i, c) in head.char_indices().rev() {
                if c.is_ascii_alphanumeric() || matches!(c, '&' | '.' | '-' | '\'') {
                    start = i;
                } else if c == ' ' && words < 4 {
                    // Names are capitalised words: stop before a lower-case one.
                    let next = head[i + 1..].chars().next();
                    if !next.is_some_and(|n| n.is_ascii_uppercase() || n.is_ascii_digit()) {
                        break;
                    }
                    words += 1;
                    start = i;
                } else {
                    break;
                }
            }
            let mut name = s[start..end + suf.len()].trim().to_string();
            while let Some(first) = name.split(' ').next() {
                if first
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                {
                    break;
                }
                name = name[first.len()..].trim_start().to_string();
                if name.is_empty() {
                    break;
                }
            }
            if name.len() > suf.len() + 1 {
                return Some(name);
            }
        }
    }
    None
}

fn trim_org_lead(name: &str) -> &str {
    // Verbs and particles that run into a name in prose: 由…提供, 为…, 是…
    let mut n = name;
    for lead in [
        "提供方为",
        "提供方是",
        "主体为",
        "由",
        "为",
        "是",
        "系",
        "的",
    ] {
        if let Some(rest) = n.strip_prefix(lead) {
            n = rest;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(normalize("ＩＭＥＩ／Mac"), "imei/mac");
        assert_eq!(squash_ws("极光推\n送 SDK  x"), "极光推送 SDK x");
        assert_eq!(split_marker("1、极光"), Some(("1、", "极光")));
        assert_eq!(split_marker("（3）允许"), Some(("（3）", "允许")));
        assert_eq!(split_marker("1.2 其他"), None);
        assert_eq!(split_marker("- a"), Some(("-", "a")));
        assert_eq!(split_marker("-a"), None);
        assert_eq!(
            urls("链接：https://a.cn/x?y=1微信"),
            vec!["https://a.cn/x?y=1".to_string()]
        );
        assert_eq!(
            packages("（cn.jpush.android、com.xiaomi.push）www.x.com"),
            vec!["cn.jpush.android", "com.xiaomi.push"]
        );
        assert_eq!(
            split_fields("设备信息（IMEI、MAC）、IP地址等"),
            vec!["设备信息（IMEI、MAC）", "IP地址"]
        );
        assert_eq!(
            org_name("由深圳市和讯华谷信息技术有限公司提供").as_deref(),
            Some("深圳市和讯华谷信息技术有限公司")
        );
        assert_eq!(
            org_name("provided by Google LLC: crash").as_deref(),
            Some("Google LLC")
        );
    }
}
