//! Text normalization for matching names across policies and the knowledge base: full-width to
//! half-width, case folded, spaces and punctuation dropped, generic suffixes ("SDK", "服务") cut.

/// Full-width ASCII to half-width, ideographic space to space, then lower case; keeps only letters
/// and digits (CJK included).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        let c = match u32::from(ch) {
            0xFF01..=0xFF5E => char::from_u32(u32::from(ch) - 0xFEE0).unwrap_or(ch),
            0x3000 => ' ',
            _ => ch,
        };
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Generic words a policy adds to a product name; cut from the end (repeatedly).
const NAME_SUFFIXES: &[&str] = &[
    "sdk",
    "服务",
    "插件",
    "组件",
    "套件",
    "软件开发工具包",
    "工具包",
    "android",
    "安卓版",
];

/// [`fold`], then generic suffixes removed: the key two names are compared by.
pub fn name_key(s: &str) -> String {
    let mut k = fold(s);
    loop {
        let before = k.len();
        for suf in NAME_SUFFIXES {
            if k.len() > suf.len() && k.ends_with(suf) {
                k.truncate(k.len() - suf.len());
            }
        }
        if k.len() == before {
            return k;
        }
    }
}

/// Company-form words cut from both ends before two vendor names are compared.
const COMPANY_WORDS: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团",
    "公司",
    "limited",
    "corporation",
    "company",
    "coltd",
    "ltd",
    "inc",
    "llc",
    "gmbh",
    "co",
];

/// The key two vendor names are compared by.
pub fn vendor_key(s: &str) -> String {
    let mut k = fold(s);
    loop {
        let before = k.len();
        for w in COMPANY_WORDS {
            if k.len() > w.len() && k.ends_with(w) {
                k.truncate(k.len() - w.len());
            }
        }
        if k.len() == before {
            return k;
        }
    }
}

/// Number of characters (not bytes).
fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Whether two name keys denote the same product: equal, or one contains the other and the
/// shorter is specific enough (at least 2 CJK characters or 4 Latin ones).
pub fn names_match(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let (short, long) = if chars(a) <= chars(b) { (a, b) } else { (b, a) };
    let specific = if short.is_ascii() {
        chars(short) >= 4
    } else {
        chars(short) >= 2
    };
    specific && long.contains(short)
}

/// Whether a policy's vendor text names this vendor (by any of its names).
pub fn vendor_matches(policy_vendor: &str, names: &[&str]) -> bool {
    vendor_key_matches(&vendor_key(policy_vendor), &vendor_keys(names))
}

/// The keys a vendor is compared by: each name's, and each part's of a name written with notes
/// ("Aurora Mobile (Jiguang)": the whole, `Aurora Mobile`, `Jiguang`). An audit works them out
/// once per SDK, not once per policy row.
pub fn vendor_keys(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .flat_map(|n| std::iter::once(*n).chain(n.split(['(', ')', '（', '）', '/', ',', '，'])))
        .map(vendor_key)
        .filter(|k| !k.is_empty())
        .collect()
}

/// Whether a policy vendor's key (`vendor_key`) matches one of a vendor's [`vendor_keys`].
pub fn vendor_key_matches(p: &str, keys: &[String]) -> bool {
    !p.is_empty()
        && keys.iter().any(|k| {
            *k == p || (chars(k).min(chars(p)) >= 4 && (k.contains(p) || p.contains(k.as_str())))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_and_punctuation() {
        assert_eq!(fold("ＪＰｕｓｈ　SDK（极光）"), "jpushsdk极光");
        assert_eq!(name_key("极光推送SDK"), "极光推送");
        assert_eq!(name_key("腾讯 Bugly SDK 服务"), "腾讯bugly");
        assert_eq!(name_key("SDK"), "sdk");
    }

    #[test]
    fn names_match_needs_a_specific_overlap() {
        assert!(names_match(&name_key("极光推送SDK"), &name_key("极光推送")));
        assert!(names_match(
            &name_key("友盟+统计SDK"),
            &name_key("友盟统计")
        ));
        assert!(!names_match(&name_key("QQ"), &name_key("QQ音乐SDK")));
        assert!(!names_match("", "x"));
    }

    #[test]
    fn vendors_match_without_company_forms() {
        assert!(vendor_matches(
            "深圳市和讯华谷信息技术有限公司",
            &["深圳市和讯华谷信息技术有限公司", "Aurora Mobile (Jiguang)"]
        ));
        assert!(vendor_matches(
            "Aurora Mobile Ltd.",
            &["Aurora Mobile (Jiguang)"]
        ));
        assert!(!vendor_matches(
            "北京百度网讯科技有限公司",
            &["高德软件有限公司", "AutoNavi"]
        ));
    }
}
