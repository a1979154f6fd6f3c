//! Blocks to disclosures: SDK rows (tables, key-value blocks, prose lists, running text),
//! permissions, data types, the collection table, the date and the language.
//!
//! One file per source of disclosures: `sdk_rows` (tables), `key_value` (`key：value` blocks),
//! `prose` (prose lists and SDKs named in running text), `permissions` (permission lists,
//! permission tables and permissions named in text). This file holds the shared column model,
//! the driver, data types and the date.

mod key_value;
mod lists;
mod permissions;
mod prose;
mod sdk_rows;

use key_value::key_values;
use lists::third_party_lists;
use permissions::{permission_lists, permission_text};
use prose::{prose_lists, prose_mentions};
use sdk_rows::tables;

use regex::Regex;
use std::sync::OnceLock;

use super::blocks::{han_ratio, Block, Cell};
use super::terms::{self, Vocab};
use super::text::{packages, split_fields, squash_ws};
use super::{DataTypeDisclosure, PolicyDoc, SdkSource};

/// What a table column (or a key of a key-value block) holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    Serial,
    Name,
    Vendor,
    Purpose,
    Data,
    Package,
    Link,
    Permission,
    Scenario,
    Method,
    Other,
}

pub(crate) fn classify(header: &str) -> Col {
    let h = header.to_lowercase();
    let has = |ws: &[&str]| ws.iter().any(|w| h.contains(w));
    if matches!(h.trim(), "序号" | "编号" | "no." | "no" | "#" | "序列") {
        Col::Serial
    } else if has(&["third party sdk", "third-party sdk", "third party name"])
        && !has(&["provider", "vendor", "company", "developer"])
    {
        // "Third-party SDK" names the SDK; "Third party" alone is the company.
        Col::Name
    } else if has(&[
        "链接",
        "官网",
        "隐私政策",
        "隐私协议",
        "link",
        "url",
        "privacy policy",
        "网址",
    ]) {
        Col::Link
    } else if has(&["包名", "package"]) {
        Col::Package
    } else if has(&[
        "主体",
        "公司",
        "提供方",
        "开发者",
        "运营方",
        "所属",
        "第三方名称",
        "vendor",
        "provider",
        "company",
        "developer",
        "third party",
        "third-party",
    ]) {
        Col::Vendor
    } else if has(&["权限", "permission"]) {
        Col::Permission
    } else if has(&[
        "字段",
        "信息类型",
        "收集的信息",
        "收集信息",
        "个人信息",
        "数据",
        "共享信息",
        "data",
        "information",
    ]) {
        Col::Data
    } else if has(&["目的", "用途", "功能", "purpose", "use"]) {
        Col::Purpose
    } else if has(&["信息"]) {
        Col::Data
    } else if has(&["场景", "scenario", "feature"]) {
        Col::Scenario
    } else if has(&["方式", "method", "how"]) {
        Col::Method
    } else if has(&["名称", "sdk", "name", "产品", "组件", "插件"])
        || matches!(
            h.trim()
                .trim_start_matches("third-party ")
                .trim_start_matches("third party "),
            "service"
                | "services"
                | "library"
                | "libraries"
                | "partner"
                | "partners"
                | "component"
                | "components"
        )
    {
        Col::Name
    } else {
        Col::Other
    }
}

/// Column roles from a header row; each role goes to its first column.
pub(super) fn roles(header: &[Cell]) -> Vec<Col> {
    let mut seen = Vec::new();
    header
        .iter()
        .map(|c| {
            let r = classify(&c.text);
            if r != Col::Other && seen.contains(&r) {
                Col::Other
            } else {
                seen.push(r);
                r
            }
        })
        .collect()
}

pub(super) fn known(roles: &[Col]) -> usize {
    roles
        .iter()
        .filter(|r| !matches!(r, Col::Other | Col::Serial))
        .count()
}

pub(super) fn nonempty(s: &str) -> Option<String> {
    let t = s
        .trim()
        .trim_end_matches(['；', ';', '。', '，', ','])
        .trim();
    (!t.is_empty() && !matches!(t, "-" | "—" | "/" | "无" | "N/A" | "n/a"))
        .then(|| t.replace('\n', " "))
}

/// Data fields of a cell; "无" / "不收集…" means none.
pub(super) fn data_fields(s: &str) -> Vec<String> {
    let t = s.trim();
    if t.is_empty()
        || matches!(t, "无" | "-" | "—" | "/" | "None" | "none" | "N/A")
        || t.starts_with("不收集")
        || t.starts_with("未收集")
    {
        return Vec::new();
    }
    split_fields(t)
}

/// Split an SDK name cell such as `极光推送SDK（cn.jpush.android）` into name and packages.
pub(super) fn name_and_packages(cell: &str) -> (String, Vec<String>) {
    let pk = packages(cell);
    let mut name = cell.replace('\n', " ");
    if !pk.is_empty() {
        if let Some(open) = name.find(['（', '(']) {
            let inside = &name[open..];
            if pk.iter().any(|p| inside.contains(p.as_str())) {
                name.truncate(open);
            }
        }
        for p in &pk {
            name = name.replace(p.as_str(), "");
        }
    }
    let name = name
        .trim()
        .trim_end_matches(['：', ':', '，', ',', '-', '—'])
        .trim()
        .to_string();
    (squash_ws(&name), pk)
}

/// A name that names no SDK: `SDK`, `第三方SDK类服务商`, `授权合作伙伴的SDK`, `Third-Party SDK
/// Service Providers`, a sentence. Names of the knowledge base are never generic.
pub(super) fn generic_name(name: &str) -> bool {
    if crate::policy::gazetteer::is_known_sdk(name) {
        return false;
    }
    let k = crate::policy::gazetteer::key(name);
    let whole: String = name.to_lowercase().split_whitespace().collect();
    if k.is_empty()
        || whole.chars().filter(|c| c.is_alphanumeric()).count() < 3 && k.chars().count() < 2
    {
        return true;
    }
    const GENERIC: &[&str] = &[
        "第三方",
        "三方sdk",
        "合作伙伴",
        "合作方",
        "该sdk",
        "此sdk",
        "相关sdk",
        "以下",
        "上述",
        "下列",
        "这些",
        "其他sdk",
        "服务商",
        "third-party",
        "thirdparty",
        "partners",
        "serviceproviders",
        "包括但不限于",
        "使用该",
        "permission.",
        "提供的产品或服务",
        "您",
        "我们",
        "请",
        "如何",
        "务必",
        "是否",
    ];
    GENERIC.iter().any(|g| k.contains(g)) || k.chars().count() > 40
}

/// Rows under a heading (or a list introduction) about open-source components are kept apart
/// (`source: "open-source"`): they disclose no third party.
/// Rows named by a company's legal name under a heading about contacting the app's publisher
/// (`联系我们`, `Contact us`) are its own entities (branches and their addresses), never third
/// parties: dropped. (An SDK list may follow the contact section as an appendix: rows named by
/// an SDK stay.)
fn drop_contact_rows(blocks: &[Block], doc: &mut PolicyDoc) {
    let contact = |t: &str| {
        let l = t.to_lowercase();
        ["联系我们", "联系方式", "contact us", "how to contact"]
            .iter()
            .any(|w| l.contains(w))
    };
    let headings: Vec<(usize, bool)> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { text, line, .. } => Some((*line, contact(text))),
            _ => None,
        })
        .collect();
    doc.sdks.retain(|s| {
        s.source == SdkSource::Prose
            || crate::policy::text::org_name(&s.name)
                .is_none_or(|o| o.chars().count() + 2 < s.name.chars().count())
            || !headings
                .iter()
                .rev()
                .find(|(l, _)| *l < s.line)
                .is_some_and(|&(_, c)| c)
    });
}

fn mark_open_source(blocks: &[Block], doc: &mut PolicyDoc) {
    let open_source = |t: &str| {
        let l = t.to_lowercase();
        ["开源", "open source", "open-source", "opensource"]
            .iter()
            .any(|w| l.contains(w))
    };
    // (line, level, open source?) of every heading and title-like line.
    let titles: Vec<(usize, u8, bool)> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, text, line } => Some((*line, *level, open_source(text))),
            Block::Paragraph { text, line } | Block::ListItem { text, line, .. }
                if text.chars().count() <= 40
                    && text.trim_end().ends_with(['：', ':'])
                    && !text.contains(['。', '；']) =>
            {
                Some((*line, 9, open_source(text)))
            }
            _ => None,
        })
        .collect();
    for s in doc.sdks.iter_mut() {
        if s.source == SdkSource::Prose {
            continue;
        }
        let nearest = titles.iter().rev().find(|(l, _, _)| *l < s.line);
        if nearest.is_some_and(|&(_, _, os)| os) {
            s.source = SdkSource::OpenSource;
        }
    }
}

pub(crate) fn understand(
    name: &str,
    encoding: String,
    format: &'static str,
    blocks: Vec<Block>,
) -> PolicyDoc {
    let all_text = blocks
        .iter()
        .map(|b| match b {
            Block::Table(t) => t
                .rows
                .iter()
                .flatten()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            other => other.text().to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let (han, latin) = han_ratio(&all_text);
    let language = if han > 0 && han * 3 >= latin {
        "zh"
    } else {
        "en"
    };
    let zh = language == "zh";
    let mut doc = PolicyDoc {
        schema_version: 1,
        path: name.to_string(),
        language,
        encoding,
        format: format.to_string(),
        date: find_date(&blocks),
        sdks: Vec::new(),
        permissions: Vec::new(),
        data_types: Vec::new(),
        collection: Vec::new(),
        files: vec![name.to_string()],
        blocks: Vec::new(),
    };
    let mut consumed = vec![false; blocks.len()];
    // Blocks that belong to SDK records: what they say about permissions is the SDK's.
    let mut in_sdk = vec![false; blocks.len()];
    tables(&blocks, &mut in_sdk, &mut doc);
    key_values(&blocks, &mut consumed, &mut in_sdk, &mut doc);
    third_party_lists(&blocks, &mut consumed, &mut in_sdk, &mut doc);
    prose_lists(&blocks, &mut consumed, &mut doc);
    prose_mentions(&blocks, &consumed, &mut doc);
    doc.sdks.retain(|s| !generic_name(&s.name));
    drop_contact_rows(&blocks, &mut doc);
    mark_open_source(&blocks, &mut doc);
    permission_lists(&blocks, zh, &in_sdk, &mut doc);
    permission_text(&blocks, zh, &in_sdk, &mut doc);
    data_types(&blocks, zh, &mut doc);
    doc.blocks = blocks;
    doc
}

pub(super) fn for_each_text(blocks: &[Block], mut f: impl FnMut(&str, usize)) {
    for b in blocks {
        match b {
            Block::Table(t) => {
                for row in &t.rows {
                    for c in row {
                        f(&c.text, if c.line > 0 { c.line } else { t.line });
                    }
                }
            }
            other => f(other.text(), other.line()),
        }
    }
}

// ---- data types ----

fn data_types(blocks: &[Block], zh: bool, doc: &mut PolicyDoc) {
    let vocabs: &[Vocab] = if zh {
        &[Vocab::ZhSpecific, Vocab::En]
    } else {
        &[Vocab::En, Vocab::ZhSpecific]
    };
    for_each_text(blocks, |text, line| {
        for &v in vocabs {
            for h in terms::data_types(v).find(text) {
                for id in h.ids {
                    if !doc.data_types.iter().any(|d| d.data_type == id) {
                        doc.data_types.push(DataTypeDisclosure {
                            data_type: id,
                            text: h.words.clone(),
                            line,
                            file: None,
                        });
                    }
                }
            }
        }
    });
}

// ---- date ----

fn find_date(blocks: &[Block]) -> Option<String> {
    static RE: OnceLock<Option<(Regex, Regex)>> = OnceLock::new();
    let (zh, en) = RE
        .get_or_init(|| {
            let zh = Regex::new(r"(?:更新|生效|发布|修订)(?:时间|日期)?\s*(?:为|于|[:：])?\s*(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})").ok()?;
            let en = Regex::new(r"(?i)(?:last\s+updated|last\s+modified|effective(?:\s+date)?|updated)(?:\s+on)?\s*[:：]?\s*(?:(\d{4})-(\d{1,2})-(\d{1,2})|(january|february|march|april|may|june|july|august|september|october|november|december)\s+(\d{1,2}),?\s+(\d{4}))").ok()?;
            Some((zh, en))
        })
        .as_ref()?;
    for b in blocks.iter().filter(|b| !matches!(b, Block::Table(_))) {
        let t = b.text();
        if let Some(c) = zh.captures(t) {
            return ymd(c.get(1)?.as_str(), c.get(2)?.as_str(), c.get(3)?.as_str());
        }
        if let Some(c) = en.captures(t) {
            if let (Some(y), Some(m), Some(d)) = (c.get(1), c.get(2), c.get(3)) {
                return ymd(y.as_str(), m.as_str(), d.as_str());
            }
            let months = [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ];
            let m = c.get(4)?.as_str().to_lowercase();
            let mi = months.iter().position(|x| *x == m)? + 1;
            return ymd(c.get(6)?.as_str(), &mi.to_string(), c.get(5)?.as_str());
        }
    }
    None
}

fn ymd(y: &str, m: &str, d: &str) -> Option<String> {
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}
