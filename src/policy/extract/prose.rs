//! SDKs in prose: list items naming an SDK with its purpose and data, and SDKs named in
//! running text with no row of their own.

use regex::Regex;
use std::sync::OnceLock;

use super::key_value::kv_pairs;
use super::{data_fields, nonempty, Col};
use crate::policy::blocks::Block;
use crate::policy::text::{org_name, packages, split_marker, urls};
use crate::policy::{PolicyDoc, SdkDisclosure, SdkSource};

pub(super) fn prose_lists(blocks: &[Block], consumed: &mut [bool], doc: &mut PolicyDoc) {
    for (i, b) in blocks.iter().enumerate() {
        if consumed[i] {
            continue;
        }
        let text = match b {
            Block::ListItem { text, .. } => text.as_str(),
            Block::Paragraph { text, .. } => match split_marker(text) {
                Some((_, rest)) => rest,
                None => continue,
            },
            _ => continue,
        };
        if let Some(s) = prose_item(text, b.line()) {
            consumed[i] = true;
            doc.sdks.push(s);
        }
    }
}

/// `极光推送SDK（cn.jpush.android）：用于推送；收集…；提供方：…` or
/// `Firebase Crashlytics (com.google.firebase), provided by Google LLC: crash reports. Data: …`.
pub(super) fn prose_item(text: &str, line: usize) -> Option<SdkDisclosure> {
    // The head runs to the first colon that is not part of a URL.
    let colon = text
        .char_indices()
        .find(|&(i, c)| (c == '：' || c == ':') && !text[i + c.len_utf8()..].starts_with("//"))?;
    let head = &text[..colon.0];
    let rest = text[colon.0 + colon.1.len_utf8()..].trim();
    if head.chars().count() > 80 || rest.is_empty() {
        return None;
    }
    let name_end = head
        .find(['（', '(', '，', ',', '—', '–'])
        .unwrap_or(head.len());
    let name = head[..name_end].trim().trim_end_matches(['-', ' ']).trim();
    let n = name.chars().count();
    if !(2..=40).contains(&n) || name.contains(['。', '；', ';', '、']) {
        return None;
    }
    let tail = &head[name_end..];
    let pk = packages(tail);
    let lname = name.to_lowercase();
    let vendor_in_head = provided_by(tail).or_else(|| org_name(tail));
    if !(lname.contains("sdk") || !pk.is_empty() || vendor_in_head.is_some()) {
        return None;
    }
    // The rest: purpose first, then labelled parts (收集…, 提供方…, Data: …, link).
    let mut purpose = None;
    let mut data = Vec::new();
    let mut vendor = vendor_in_head;
    let mut link = urls(rest).into_iter().next();
    for part in rest
        .split(['；', ';', '。'])
        .flat_map(|p| p.split(". "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let lp = part.to_lowercase();
        let labelled = kv_pairs(part);
        if let Some((role, v)) = labelled.first() {
            match role {
                Col::Vendor => vendor = vendor.or_else(|| nonempty(v)),
                Col::Data => data.extend(data_fields(v)),
                Col::Link => link = link.or_else(|| urls(v).into_iter().next()),
                Col::Purpose => purpose = purpose.or_else(|| nonempty(v)),
                _ => {}
            }
            continue;
        }
        if let Some(d) = strip_collect_verb(part) {
            data.extend(data_fields(d));
        } else if lp.starts_with("collects ") || lp.starts_with("data ") {
            data.extend(data_fields(part.split_once(' ').map_or("", |x| x.1)));
        } else if let Some(v) = provided_by(part) {
            vendor = vendor.or(Some(v));
        } else if purpose.is_none() && urls(part).is_empty() {
            purpose = nonempty(part);
        }
    }
    if vendor.is_none() {
        vendor = org_name(rest);
    }
    Some(SdkDisclosure {
        name: name.to_string(),
        vendor,
        purpose,
        data,
        packages: pk,
        link,
        line,
        source: SdkSource::ProseList,
        file: None,
    })
}

pub(super) fn strip_collect_verb(part: &str) -> Option<&str> {
    for v in [
        "收集的个人信息",
        "收集的信息",
        "收集信息",
        "收集您的",
        "收集",
        "获取您的",
        "获取",
        "采集",
        "需要获取",
    ] {
        if let Some(r) = part.strip_prefix(v) {
            return Some(r.trim_start_matches(['：', ':']).trim());
        }
    }
    None
}

/// `provided by X` / `由X提供` / `提供方为X`: the company.
pub(super) fn provided_by(s: &str) -> Option<String> {
    // ASCII lower case keeps byte offsets, so positions found in `l` are valid in `s`.
    let l = s.to_ascii_lowercase();
    if let Some(p) = l.find("provided by ").or_else(|| l.find("operated by ")) {
        let after = &s[p + "provided by ".len()..];
        let end = after
            .find([':', ';', ',', '(', '.'])
            .map_or(after.len(), |e| {
                // Keep "Inc." / "Co., Ltd." inside the name.
                let mut e = e;
                for suf in ["Inc.", "Ltd.", "Co., Ltd.", "Corp."] {
                    if let Some(q) = after.find(suf) {
                        e = e.max(q + suf.len());
                    }
                }
                e.min(after.len())
            });
        let v = after[..end].trim();
        return (!v.is_empty()).then(|| v.to_string());
    }
    if let Some(p) = s.find('由') {
        let after = &s[p + '由'.len_utf8()..];
        if let Some(e) = after.find("提供") {
            let v = after[..e].trim();
            if (2..=40).contains(&v.chars().count()) {
                return Some(v.to_string());
            }
        }
    }
    None
}

/// SDKs named in running text with no row of their own (`集成的广点通SDK`).
pub(super) fn prose_mentions(blocks: &[Block], doc: &mut PolicyDoc) {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(re) = RE.get_or_init(|| {
        Regex::new(r"(?:集成|接入|嵌入|使用)(?:了|的)?([\p{Han}A-Za-z0-9]{2,10}SDK)").ok()
    }) else {
        return;
    };
    const GENERIC: &[&str] = &[
        "第三方",
        "该",
        "此",
        "相关",
        "其他",
        "上述",
        "以下",
        "下列",
        "这些",
        "各",
        "本",
    ];
    for b in blocks {
        if matches!(b, Block::Table(_)) {
            continue;
        }
        for cap in re.captures_iter(b.text()) {
            let Some(m) = cap.get(1) else { continue };
            let name = m.as_str();
            if GENERIC.iter().any(|g| name.starts_with(g)) {
                continue;
            }
            let known = doc
                .sdks
                .iter()
                .any(|s| s.name.contains(name) || name.contains(s.name.as_str()));
            if !known {
                doc.sdks.push(SdkDisclosure {
                    name: name.to_string(),
                    vendor: None,
                    purpose: None,
                    data: Vec::new(),
                    packages: Vec::new(),
                    link: None,
                    line: b.line(),
                    source: SdkSource::Prose,
                    file: None,
                });
            }
        }
    }
}
