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
