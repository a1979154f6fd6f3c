//! Blocks of `key：value` lines (`SDK名称：…` / `提供方：…`), and two-column key-value tables.

use regex::Regex;
use std::sync::OnceLock;

use super::{classify, data_fields, name_and_packages, nonempty, Col};
use crate::policy::blocks::Block;
use crate::policy::text::{packages, split_marker, urls};
use crate::policy::{PolicyDoc, SdkDisclosure, SdkSource};

pub(super) fn kv_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(第三方SDK名称|SDK\s*名称|SDK\s*name|第三方(?:主体)?名称|第三方主体|第三方公司|公司名称|服务提供方|提供方|开发者|开发商|vendor|provider|company|使用目的|收集目的|目的|用途|purpose|收集(?:的)?(?:个人)?信息(?:类型|字段|范围)?|收集(?:的)?数据|个人信息(?:类型|字段)|信息类型|data collected|data|(?:SDK\s*)?包名|package(?:\s*name)?|(?:SDK\s*)?隐私政策(?:链接)?|官网链接|官网|链接|privacy policy|link|名称|name)\s*[：:]",
        )
        // A constant pattern, checked by the unit tests: it cannot fail at run time.
        .expect("key-value pattern is valid")
    })
}

/// The role of a key such as `SDK名称` (for two-column tables).
pub(super) fn kv_key(key: &str) -> Option<Col> {
    let k = format!("{}：", key.trim().trim_end_matches(['：', ':']));
    let m = kv_regex().find(&k)?;
    (m.start() == 0 && m.end() == k.len()).then(|| key_role(key))
}

pub(super) fn key_role(key: &str) -> Col {
    let k = key.trim().trim_end_matches(['：', ':']).to_lowercase();
    if k.contains("sdk") && (k.contains("名称") || k.contains("name")) || k == "名称" || k == "name"
    {
        return Col::Name;
    }
    classify(&k)
}

/// `(role, value)` pairs of one line, when it holds keys at word starts.
pub(super) fn kv_pairs(text: &str) -> Vec<(Col, String)> {
    let mut hits = Vec::new();
    for m in kv_regex().find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        // "https:" is not a key; neither is a key deep inside a sentence.
        if text[m.end()..].starts_with("//") {
            continue;
        }
        hits.push((m.start(), m.end(), key_role(m.as_str())));
    }
    let mut out = Vec::new();
    for (i, &(_, end, role)) in hits.iter().enumerate() {
        let stop = hits.get(i + 1).map_or(text.len(), |h| h.0);
        let v = text[end..stop]
            .trim()
            .trim_end_matches(['；', ';', '，', ',', '。'])
            .trim();
        out.push((role, v.to_string()));
    }
    out
}

pub(super) fn kv_records(lines: &[(String, usize)], doc: &mut PolicyDoc) -> Vec<bool> {
    let mut used = vec![false; lines.len()];
    let mut cur: Option<SdkDisclosure> = None;
    let mut fields = 0;
    let finish = |cur: &mut Option<SdkDisclosure>, fields: &mut usize, doc: &mut PolicyDoc| {
        if let Some(s) = cur.take() {
            if !s.name.is_empty() && *fields >= 1 {
                doc.sdks.push(s);
            }
        }
        *fields = 0;
    };
    for (i, (text, line)) in lines.iter().enumerate() {
        let body = split_marker(text).map_or(text.as_str(), |(_, r)| r);
        let pairs = kv_pairs(body);
        let starts_at_key = kv_regex().find(body).is_some_and(|m| m.start() == 0);
        if pairs.is_empty() || !starts_at_key {
            finish(&mut cur, &mut fields, doc);
            continue;
        }
        for (role, value) in pairs {
            if role == Col::Name {
                finish(&mut cur, &mut fields, doc);
                let (name, pk) = name_and_packages(&value);
                cur = Some(SdkDisclosure {
                    name,
                    vendor: None,
                    purpose: None,
                    data: Vec::new(),
                    packages: pk,
                    link: None,
                    line: *line,
                    source: SdkSource::KeyValue,
                    file: None,
                });
                continue;
            }
            let s = cur.get_or_insert_with(|| {
                // A record whose name is the line just before it (a heading such as "极光推送SDK").
                let prev = i
                    .checked_sub(1)
                    .and_then(|p| lines.get(p))
                    .filter(|(t, _)| t.chars().count() <= 40 && kv_pairs(t).is_empty());
                let (name, pk) = prev
                    .map(|(t, _)| name_and_packages(split_marker(t).map_or(t.as_str(), |(_, r)| r)))
                    .unwrap_or_default();
                SdkDisclosure {
                    name,
                    vendor: None,
                    purpose: None,
                    data: Vec::new(),
                    packages: pk,
                    link: None,
                    line: prev.map_or(*line, |p| p.1),
                    source: SdkSource::KeyValue,
                    file: None,
                }
            });
            fields += 1;
            match role {
                Col::Vendor => s.vendor = nonempty(&value).or_else(|| s.vendor.take()),
                Col::Purpose => s.purpose = nonempty(&value).or_else(|| s.purpose.take()),
                Col::Data => s.data.extend(data_fields(&value)),
                Col::Package => {
                    for p in packages(&value) {
                        if !s.packages.contains(&p) {
                            s.packages.push(p);
                        }
                    }
                }
                Col::Link => s.link = urls(&value).into_iter().next().or_else(|| s.link.take()),
                _ => fields -= 1,
            }
        }
        used[i] = true;
    }
    finish(&mut cur, &mut fields, doc);
    used
}

pub(super) fn key_values(
    blocks: &[Block],
    consumed: &mut [bool],
    sdk_lines: &mut Vec<usize>,
    doc: &mut PolicyDoc,
) {
    let idx: Vec<usize> = (0..blocks.len())
        .filter(|&i| !matches!(blocks[i], Block::Table(_)))
        .collect();
    let lines: Vec<(String, usize)> = idx
        .iter()
        .map(|&i| (block_line_text(&blocks[i]), blocks[i].line()))
        .collect();
    let used = kv_records(&lines, doc);
    for (k, u) in used.into_iter().enumerate() {
        if u {
            if let Some(&i) = idx.get(k) {
                consumed[i] = true;
                sdk_lines.push(blocks[i].line());
            }
        }
    }
}

pub(super) fn block_line_text(b: &Block) -> String {
    match b {
        Block::ListItem { marker, text, .. } => format!("{marker}{text}"),
        other => other.text().to_string(),
    }
}
