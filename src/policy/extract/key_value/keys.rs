//! The keys of `key：value` attribute lines and their roles (`SDK名称` is the name, `提供方` the
//! vendor, …), and lines cut into `(role, value)` pairs, records run together on one line
//! included.

use regex::Regex;
use std::sync::OnceLock;

use super::super::{classify, Col};
use crate::policy::text::split_marker;

/// Attribute keys recognised even when records run together on one line (most specific first;
/// `第三方`/`三方` and `SDK` may precede any of them).
const KEYS: &[&str] = &[
    // names
    "SDK名称",
    "SDK服务",
    "SDK name",
    "third party name",
    "third-party name",
    "服务名称",
    "插件名称",
    "产品名称",
    "名称",
    "name",
    "SDK",
    // vendors
    "name of SDK service provider",
    "SDK service provider",
    "service provider",
    "公司名称",
    "所属公司",
    "主体名称",
    "运营方",
    "服务提供方",
    "提供方",
    "服务商",
    "开发者",
    "开发商",
    "第三方主体",
    "第三方公司",
    "vendor",
    "provider",
    "company",
    "developer",
    // purposes
    "使用目的/理由",
    "使用目的",
    "用途目的",
    "合作目的",
    "收集目的",
    "处理目的",
    "功能",
    "目的",
    "用途",
    "描述",
    "purpose",
    // data
    "收集的个人信息类型、字段",
    "收集个人信息目的/用途",
    "收集的个人信息类型",
    "收集个人信息类型",
    "个人信息收集范围",
    "涉及收集个人信息",
    "收集的个人信息",
    "收集个人信息",
    "个人信息的种类",
    "个人信息类型",
    "个人信息字段",
    "个人信息范围",
    "个人信息种类",
    "所需用户信息字段",
    "涉及个人信息",
    "收集的信息",
    "收集信息",
    "收集数据",
    "收集的数据",
    "数据类型",
    "信息类型",
    "personal information type",
    "data collected",
    "data shared",
    "data",
    // other attributes (they end the value before them)
    "个人信息收集方式",
    "功能类型",
    "合作类型",
    "类型",
    "使用业务场景",
    "业务场景",
    "使用场景",
    "应用场景",
    "场景",
    "共享方式",
    "收集方式",
    "处理方式",
    "平台",
    "客户端",
    "手机系统",
    "数据安全能力",
    "usage scenario",
    "sharing mode",
    "client",
    "platform",
    // permissions
    "需要获取的权限",
    "使用的权限",
    "获取权限",
    "调用权限",
    "所需权限",
    "权限",
    "permissions",
    // links and packages
    "隐私政策/官网地址",
    "隐私政策链接/官网地址",
    "隐私权限政策链接",
    "隐私政策链接",
    "隐私政策或官网",
    "隐私权政策",
    "隐私政策",
    "隐私协议",
    "隐私链接",
    "官网链接",
    "官方网站",
    "官网地址",
    "官网",
    "链接",
    "网址",
    "privacy policy link",
    "privacy policy",
    "official website link",
    "link",
    "包名信息",
    "包名",
    "package name",
    "package",
];

pub(in crate::policy::extract) fn kv_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let mut keys: Vec<&str> = KEYS.to_vec();
        keys.sort_by_key(|k| std::cmp::Reverse(k.chars().count()));
        let alt = keys
            .iter()
            .map(|k| regex::escape(k).replace(' ', r"\s*"))
            .collect::<Vec<_>>()
            .join("|");
        Regex::new(&format!(r"(?i)(?:第?三方\s*)?(?:SDK\s*)?(?:{alt})\s*[：:]"))
            // Built from the constant list above, checked by the unit tests.
            .expect("key-value pattern is valid")
    })
}

/// The role of a key such as `SDK名称`, `使用目的/理由`, `Name of SDK service provider`.
pub(in crate::policy::extract) fn key_role(key: &str) -> Col {
    let k: String = key
        .trim()
        .trim_end_matches(['：', ':'])
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let has = |ws: &[&str]| ws.iter().any(|w| k.contains(w));
    if has(&["能力", "认证"]) {
        Col::Other
    } else if has(&[
        "链接",
        "官网",
        "网址",
        "隐私政策",
        "隐私权政策",
        "隐私协议",
        "link",
        "privacy",
        "url",
        "website",
    ]) {
        Col::Link
    } else if has(&["包名", "package"]) {
        Col::Package
    } else if has(&["权限", "permission"]) {
        Col::Permission
    } else if has(&["name", "名称"])
        && has(&[
            "provider",
            "vendor",
            "company",
            "developer",
            "公司",
            "主体",
            "提供方",
        ])
    {
        Col::Vendor
    } else if has(&[
        "thirdpartyname",
        "third-partyname",
        "sdkname",
        "sdk名称",
        "sdk服务",
    ]) || has(&["name"])
        && has(&["thirdparty", "third-party", "sdk", "service", "library"])
        || matches!(
            k.as_str(),
            "名称"
                | "name"
                | "sdk"
                | "第三方sdk"
                | "三方sdk"
                | "服务名称"
                | "产品名称"
                | "插件名称"
        )
    {
        Col::Name
    } else if has(&[
        "提供方",
        "公司",
        "主体",
        "服务商",
        "开发者",
        "开发商",
        "运营方",
        "第三方名称",
        "provider",
        "vendor",
        "company",
        "developer",
    ]) {
        Col::Vendor
    } else if has(&[
        "信息类型",
        "数据类型",
        "informationtype",
        "个人信息",
        "用户信息",
        "字段",
        "种类",
        "范围",
        "收集信息",
        "收集数据",
        "收集的",
        "data",
    ]) && !has(&["方式", "场景"])
    {
        Col::Data
    } else if has(&[
        "类型",
        "场景",
        "方式",
        "平台",
        "客户端",
        "系统",
        "scenario",
        "mode",
        "client",
        "platform",
    ]) {
        Col::Other
    } else if has(&["目的", "用途", "功能", "描述", "purpose", "理由"]) {
        Col::Purpose
    } else {
        classify(&k)
    }
}

/// The role of a key of a two-column key-value table, when it is a known key.
pub(in crate::policy::extract) fn kv_key(key: &str) -> Option<Col> {
    let k = format!("{}：", key.trim().trim_end_matches(['：', ':']));
    let m = kv_regex().find(&k)?;
    (m.start() == 0 && m.end() == k.len()).then(|| key_role(key))
}

/// `(role, value)` pairs of a text that starts with a known key; keys glued to the value before
/// them count only in such a line with three keys or more (records run together).
pub(in crate::policy::extract) fn kv_pairs(text: &str) -> Vec<(Col, String)> {
    let all: Vec<regex::Match> = kv_regex().find_iter(text).collect();
    let dense = all.len() >= 3 && all.first().is_some_and(|m| m.start() == 0);
    let mut hits = Vec::new();
    for m in all {
        let before = text[..m.start()].chars().next_back();
        let glued = before.is_some_and(|c| c.is_alphanumeric());
        if !dense && glued {
            continue;
        }
        // "https:" is not a key.
        if text[m.end()..].starts_with("//") {
            continue;
        }
        // `…淘宝联盟SDK公司名称：`: the "SDK" glued before a key ends the value before it.
        let mut start = m.start();
        let key = m.as_str();
        if glued && key.len() > 3 && key[..3].eq_ignore_ascii_case("sdk") {
            let rest = key[3..].trim_start();
            if kv_regex()
                .find(rest)
                .is_some_and(|r| r.start() == 0 && r.end() == rest.len())
            {
                start = m.end() - rest.len();
            }
        }
        hits.push((start, m.end(), key_role(&text[start..m.end()])));
    }
    let mut out = Vec::new();
    for (i, &(_, end, role)) in hits.iter().enumerate() {
        let stop = hits.get(i + 1).map_or(text.len(), |h| h.0);
        out.push((role, clean_value(&text[end..stop])));
    }
    out
}

/// A value without the separators and the next item's marker that run into it.
pub(super) fn clean_value(v: &str) -> String {
    static TAIL: OnceLock<Option<Regex>> = OnceLock::new();
    let v = v.trim();
    let v = match TAIL.get_or_init(|| {
        Regex::new(r"(?:\s*(?:\d{1,3}[、.．]|[（(]\d{1,3}[）)]|[a-h][.、．]))+$").ok()
    }) {
        // A letter marker glued to a lower-case word is the word's end ("Java."), not a marker.
        Some(re) => re
            .find(v)
            .filter(|m| {
                let letter = m
                    .as_str()
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_lowercase());
                !(letter && v[..m.start()].ends_with(|c: char| c.is_ascii_lowercase()))
            })
            .map_or(v, |m| &v[..m.start()]),
        None => v,
    };
    v.trim()
        .trim_end_matches(['；', ';', '，', ',', '。', '/'])
        .trim()
        .to_string()
}

/// A line's item marker (`1、`, `（2）`, `2.1.3`, `a.`, `一）`, `-`) removed.
pub(in crate::policy::extract) fn strip_item_marker(text: &str) -> &str {
    let t = text.trim_start();
    if let Some((_, rest)) = split_marker(t) {
        return rest.trim_start();
    }
    // Outline numbers glued to the text: `2.1微信SDK`, `2.1.1应用场景：`.
    let digits = t
        .char_indices()
        .take_while(|&(_, c)| c.is_ascii_digit() || c == '.' || c == '．')
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    if digits > 0 && t[..digits].chars().any(|c| c.is_ascii_digit()) && t.len() > digits {
        return t[digits..].trim_start();
    }
    // `a.` / `b、` / `一）`
    let mut cs = t.char_indices();
    if let (Some((_, a)), Some((j, b))) = (cs.next(), cs.next()) {
        let lettered = a.is_ascii_lowercase() && matches!(b, '.' | '、' | '．' | ')');
        let han_num = "一二三四五六七八九十".contains(a) && matches!(b, '）' | ')');
        if lettered || han_num {
            return t[j + b.len_utf8()..].trim_start();
        }
    }
    t
}

/// One attribute line of no known key: a short label, a colon, a value (`数据类型：…`,
/// `Usage scenario: …`). Sentences ending in a colon (`我们会收集以下信息：`) are not labels.
pub(super) fn generic_pair(body: &str) -> Option<(Col, String)> {
    let (i, c) = body
        .char_indices()
        .find(|&(i, c)| (c == '：' || c == ':') && !body[i + c.len_utf8()..].starts_with("//"))?;
    let label = body[..i].trim();
    let n = label.chars().count();
    let words = label.split_whitespace().count();
    let l = label.to_lowercase();
    if n == 0
        || n > 36
        || words > 7
        || label.contains(['。', '，', ',', '；', ';', '！', '？', '!', '?', '“', '”'])
        || [
            "以下",
            "如下",
            "包括",
            "下列",
            "我们",
            "您",
            "following",
            "include",
            "http",
            "we ",
        ]
        .iter()
        .any(|w| l.contains(w))
    {
        return None;
    }
    let value = clean_value(&body[i + c.len_utf8()..]);
    // A title such as `极光推送SDK（cn.jpush）：用于推送` is a prose item, not an attribute; an
    // empty value after a label of no known key introduces a list (`权限申请：`).
    let names_a_name = (l.contains("name") || l.contains("名称")) && words <= 6;
    match key_role(label) {
        Col::Name if !names_a_name => None,
        _ if value.is_empty() => Some((Col::Serial, value)),
        role => Some((role, value)),
    }
}

/// The pairs of one line: known keys first, else one generic label.
pub(super) fn line_pairs(body: &str) -> Vec<(Col, String)> {
    let starts_at_key = kv_regex().find(body).is_some_and(|m| m.start() == 0);
    if starts_at_key {
        let pairs = kv_pairs(body);
        if !pairs.is_empty() {
            return pairs;
        }
    }
    generic_pair(body).into_iter().collect()
}

/// A line split before every name key, so that records run together on one line come apart;
/// the text before the first name key is a segment too.
pub(super) fn segments(text: &str) -> Vec<&str> {
    let mut cuts = vec![0];
    for m in kv_regex().find_iter(text) {
        // A bare `名称` / `name` after a word is the end of a longer label
        // (`SDK service provider name:`), not a record's start.
        let bare = matches!(
            m.as_str()
                .trim_end_matches(['：', ':'])
                .trim()
                .to_lowercase()
                .as_str(),
            "名称" | "name"
        );
        let glued = text[..m.start()]
            .trim_end()
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric());
        if m.start() > 0 && key_role(m.as_str()) == Col::Name && !(bare && glued) {
            let rest = text[m.end()..].trim_start();
            // `名称：` with nothing after it starts nothing.
            if !rest.is_empty() {
                cuts.push(m.start());
            }
        }
    }
    cuts.push(text.len());
    cuts.windows(2)
        .map(|w| text[w[0]..w[1]].trim())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_segments() {
        assert_eq!(key_role("SDK名称"), Col::Name);
        assert_eq!(key_role("Third party name"), Col::Name);
        assert_eq!(key_role("Name of SDK service provider"), Col::Vendor);
        assert_eq!(key_role("使用目的/理由"), Col::Purpose);
        assert_eq!(key_role("个人信息收集方式"), Col::Other);
        assert_eq!(key_role("收集个人信息类型"), Col::Data);
        assert_eq!(key_role("SDK服务商数据安全能力"), Col::Other);
        assert_eq!(strip_item_marker("2.1.1应用场景：x"), "应用场景：x");
        assert_eq!(strip_item_marker("b.类型：x"), "类型：x");
        let segs = segments("1、SDK名称：甲SDK 公司名称：甲公司 2、SDK名称：乙SDK 用途：推送");
        assert_eq!(segs.len(), 3);
        assert_eq!(
            kv_pairs("SDK名称：甲SDK公司名称：甲有限公司用途：推送"),
            vec![
                (Col::Name, "甲SDK".to_string()),
                (Col::Vendor, "甲有限公司".to_string()),
                (Col::Purpose, "推送".to_string())
            ]
        );
        assert_eq!(clean_value("https://a.cn/p 2、"), "https://a.cn/p");
    }
}
