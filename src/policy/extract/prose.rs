//! SDKs in prose: list items naming an SDK with its purpose and data, and SDKs named in
//! running text with no row of their own.

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
    // `该SDK隶属于“X”` / `是X提供的`: the owner named in prose.
    if let Some(p) = s.find("隶属于") {
        let after = &s[p + "隶属于".len()..];
        let end = after
            .find(['，', ',', '。', '；', ';', '（', '('])
            .unwrap_or(after.len());
        let v = after[..end].trim_matches(['“', '”', '"', '「', '」', ' ']);
        if (2..=40).contains(&v.chars().count()) {
            return Some(v.to_string());
        }
    }
    if let Some(e) = s.find("提供的") {
        if let Some(p) = s[..e].rfind('是') {
            let v = s[p + '是'.len_utf8()..e].trim_matches(['“', '”', '"', ' ']);
            if (2..=20).contains(&v.chars().count()) && !v.contains(['，', '。', '、']) {
                return Some(v.to_string());
            }
        }
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

/// SDKs named in running text with no row of their own (`集成的广点通SDK`, `通过高德定位SDK收集`,
/// `包括极光SDK、360QDAS埋点统计SDK`): every word that ends in "SDK", read back to the function
/// word or punctuation before it.
pub(super) fn prose_mentions(blocks: &[Block], consumed: &[bool], doc: &mut PolicyDoc) {
    for (i, b) in blocks.iter().enumerate() {
        if matches!(b, Block::Table(_)) || consumed.get(i).copied().unwrap_or(false) {
            continue;
        }
        for name in sdk_words(b.text()) {
            let key = crate::policy::gazetteer::key(&name);
            let known = doc.sdks.iter().any(|s| {
                let k = crate::policy::gazetteer::key(&s.name);
                !k.is_empty() && (k.contains(&key) || key.contains(&k))
            });
            if !known {
                doc.sdks.push(SdkDisclosure {
                    name,
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

/// Words that end a name when read backwards from "SDK".
const STOP_WORDS: &[&str] = &[
    "通过", "使用", "集成", "接入", "嵌入", "包括", "以及", "及", "和", "与", "的", "由", "将",
    "了", "是", "为", "在", "等", "或", "如", "即", "对", "向", "用", "于", "提供", "实现", "关闭",
    "开启", "调用", "该", "各", "此",
];

/// Names ending in "SDK" in running text.
fn sdk_words(text: &str) -> Vec<String> {
    const GENERIC: &[&str] = &[
        "第三方",
        "三方",
        "开源",
        "外部",
        "该",
        "此",
        "相关",
        "其他",
        "其它",
        "上述",
        "以下",
        "下列",
        "这些",
        "各",
        "本",
        "多个",
        "部分",
        "所有",
        "任何",
        "某些",
        "一些",
        "上",
        "前述",
        "软件开发工具包",
        "软件工具开发包",
    ];
    let mut out: Vec<String> = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("sdk") {
        let at = from + pos;
        from = at + 3;
        // "SDK" inside a word ("sdkVersion") or at the start of one is not a name's end.
        if lower[from..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            continue;
        }
        let mut start = at;
        for (i, c) in text[..at].char_indices().rev() {
            let name_char = c.is_alphanumeric() || matches!(c, '+' | '-' | '·' | '.');
            if !name_char
                || at - i > 48
                || STOP_WORDS
                    .iter()
                    .any(|w| text[..i + c.len_utf8()].ends_with(w))
            {
                break;
            }
            start = i;
        }
        let name = text[start..from].trim_start_matches(['.', '-', '·']);
        let head = &name[..name.len() - 3];
        // Part of a link or a package name (`…/thirdpartsdk`, `com.kwad.sdk`), a category
        // (`支付类SDK`), or no name at all.
        let in_link = text[..start].ends_with(['/', '.', '=', '_']);
        let package_like = name.contains('.') && !name.chars().any(crate::policy::text::is_han);
        if head.chars().count() < 2
            || in_link
            || package_like
            || head.ends_with('类')
            || GENERIC.iter().any(|g| head.starts_with(g))
        {
            continue;
        }
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out
}
