//! Vendor texts of the knowledge base: the company names inside them, and the name to display.

/// Company names inside a knowledge-base vendor text, which may carry notes such as
/// "华为软件技术有限公司（policies also write 华为终端有限公司 / 华为技术有限公司）".
///
/// A name is the shortest run of name characters (Han, ASCII letters and digits, brackets, `·`)
/// ending in 股份有限公司, 有限责任公司 or 有限公司, read left to right (the regex
/// `[\p{Han}A-Za-z0-9（）()·]+?(?:股份有限公司|有限责任公司|有限公司)`, scanned by hand: this
/// runs in every process that reports an SDK, and compiling the regex cost more than the rest of
/// the report).
pub fn company_names(text: &str) -> Vec<String> {
    const SUFFIXES: [&str; 3] = ["股份有限公司", "有限责任公司", "有限公司"];
    let mut out = Vec::new();
    // `start`: where the current match attempt begins (inside a run of name characters).
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !is_name_char(c) {
            start = None;
            continue;
        }
        let Some(s) = start else {
            start = Some(i);
            continue;
        };
        // At least one character before the suffix: a suffix may begin here.
        let rest = &text[i..];
        let Some(suffix) = SUFFIXES.iter().find(|x| rest.starts_with(**x)) else {
            continue;
        };
        let end = i + suffix.len();
        let name = text[s..end].trim_start_matches(['（', '(']);
        if name.chars().count() > 4 {
            out.push(name.to_string());
        }
        while chars.peek().is_some_and(|&(j, _)| j < end) {
            chars.next();
        }
        start = None;
    }
    out
}

/// A character a company name is written with.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '（' | '）' | '(' | ')' | '·') || is_han_script(c)
}

/// Unicode's Han script (what `\p{Han}` matches): the unified and compatibility ideographs with
/// their extensions, the radicals, and the ideographic marks 々 〇 〡-〩 〸-〻.
fn is_han_script(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2E99}' | '\u{2E9B}'..='\u{2EF3}' | '\u{2F00}'..='\u{2FD5}'
        | '\u{3005}' | '\u{3007}' | '\u{3021}'..='\u{3029}' | '\u{3038}'..='\u{303B}'
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FA6D}'
        | '\u{FA70}'..='\u{FAD9}' | '\u{16FE2}'..='\u{16FE3}' | '\u{16FF0}'..='\u{16FF1}'
        | '\u{20000}'..='\u{2A6DF}' | '\u{2A700}'..='\u{2EBEF}' | '\u{2EBF0}'..='\u{2EE5D}'
        | '\u{2F800}'..='\u{2FA1D}' | '\u{30000}'..='\u{3134A}' | '\u{31350}'..='\u{323AF}')
}

/// The vendor as displayed: the first company name, else the text before any note.
pub fn vendor_display(text: &str) -> String {
    company_names(text).into_iter().next().unwrap_or_else(|| {
        text.split(['（', '('])
            .next()
            .unwrap_or(text)
            .trim()
            .to_string()
    })
}

/// An English name as displayed in an English report: parenthesised notes written in Chinese
/// ("Agora RTC/RTM SDK (声网)", "Pangle / CSJ (穿山甲) Ads SDK") are dropped, English notes kept;
/// a name that would be left empty stays as it is.
pub fn english_display(name: &str) -> String {
    let mut out = String::new();
    let mut group = String::new();
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' | '（' => {
                depth += 1;
                group.push(c);
            }
            ')' | '）' if depth > 0 => {
                depth -= 1;
                group.push(c);
                if depth == 0 {
                    if !group.chars().any(is_han) {
                        out.push_str(&group);
                    }
                    group.clear();
                }
            }
            _ if depth > 0 => group.push(c),
            _ => out.push(c),
        }
    }
    // An unclosed group is kept as written.
    out.push_str(&group);
    let cleaned = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        name.to_string()
    } else {
        cleaned
    }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand scanner finds what the regex it replaces finds.
    fn by_regex(text: &str) -> Vec<String> {
        let re =
            regex::Regex::new(r"[\p{Han}A-Za-z0-9（）()·]+?(?:股份有限公司|有限责任公司|有限公司)")
                .unwrap();
        re.find_iter(text)
            .map(|m| m.as_str().trim_start_matches(['（', '(']).to_string())
            .filter(|s| s.chars().count() > 4)
            .collect()
    }

    #[test]
    fn company_names_match_the_regex_on_every_vendor_text_and_edge_cases() {
        let cat = crate::rules::sdks::SdkCatalog::builtin().unwrap();
        let mut texts: Vec<String> = cat
            .iter()
            .flat_map(|r| [r.vendor_zh.clone(), r.vendor_en.clone()])
            .collect();
        texts.extend(
            [
                "",
                "有限公司",
                "A有限公司",
                "北京有限公司有限公司",
                "华为软件技术有限公司（policies also write 华为终端有限公司 / 华为技术有限公司）",
                "（深圳）腾讯科技有限公司和北京百度网讯科技有限公司",
                "上海股份有限公司有限责任公司",
                "某某·科技股份有限公司、某某有限责任公司",
                "𠀀𠀁科技有限公司 々〇有限公司",
                "(AB)有限公司 x 有限公司",
                "a有限责任公司b有限公司",
                "Ω有限公司 -有限公司",
            ]
            .map(String::from),
        );
        assert!(texts.len() > 1000, "{} texts", texts.len());
        let mut with_names = 0;
        for t in &texts {
            let found = company_names(t);
            assert_eq!(found, by_regex(t), "{t:?}");
            with_names += usize::from(!found.is_empty());
        }
        assert!(with_names > 200, "{with_names} texts with names");
    }

    #[test]
    fn english_names_lose_only_chinese_notes() {
        assert_eq!(
            english_display("Agora RTC/RTM SDK (声网)"),
            "Agora RTC/RTM SDK"
        );
        assert_eq!(
            english_display("Pangle / CSJ (穿山甲) Ads SDK"),
            "Pangle / CSJ Ads SDK"
        );
        assert_eq!(
            english_display("Umeng U-App Analytics (+ UMCommon base)"),
            "Umeng U-App Analytics (+ UMCommon base)"
        );
        assert_eq!(english_display("（声网）"), "（声网）");
        assert_eq!(english_display("Broken (声网"), "Broken (声网");
    }
}
