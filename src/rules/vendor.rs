//! Vendor texts of the knowledge base: the company names inside them, and the name to display.

/// Company names inside a knowledge-base vendor text, which may carry notes such as
/// "华为软件技术有限公司（policies also write 华为终端有限公司 / 华为技术有限公司）".
pub fn company_names(text: &str) -> Vec<String> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"[\p{Han}A-Za-z0-9（）()·]+?(?:股份有限公司|有限责任公司|有限公司)").ok()
    });
    let Some(re) = re else {
        return Vec::new();
    };
    re.find_iter(text)
        .map(|m| m.as_str().trim_start_matches(['（', '(']).to_string())
        .filter(|s| s.chars().count() > 4)
        .collect()
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
