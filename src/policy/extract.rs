//! Blocks to disclosures: SDK rows (tables, key-value blocks, prose lists, running text),
//! permissions, data types, the collection table, the date and the language.

use regex::Regex;
use std::sync::OnceLock;

use super::blocks::{han_ratio, Block, Cell};
use super::terms::{self, Vocab};
use super::text::{org_name, packages, split_fields, split_marker, squash_ws, urls};
use super::{
    CollectionRow, DataTypeDisclosure, PermissionDisclosure, PolicyDoc, SdkDisclosure, SdkSource,
};

/// What a table column (or a key of a key-value block) holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
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

fn classify(header: &str) -> Col {
    let h = header.to_lowercase();
    let has = |ws: &[&str]| ws.iter().any(|w| h.contains(w));
    if matches!(h.trim(), "序号" | "编号" | "no." | "no" | "#" | "序列") {
        Col::Serial
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
    } else if has(&["名称", "sdk", "name", "产品"]) {
        Col::Name
    } else {
        Col::Other
    }
}

/// Column roles from a header row; each role goes to its first column.
fn roles(header: &[Cell]) -> Vec<Col> {
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

fn known(roles: &[Col]) -> usize {
    roles
        .iter()
        .filter(|r| !matches!(r, Col::Other | Col::Serial))
        .count()
}

fn nonempty(s: &str) -> Option<String> {
    let t = s
        .trim()
        .trim_end_matches(['；', ';', '。', '，', ','])
        .trim();
    (!t.is_empty() && !matches!(t, "-" | "—" | "/" | "无" | "N/A" | "n/a"))
        .then(|| t.replace('\n', " "))
}

/// Data fields of a cell; "无" / "不收集…" means none.
fn data_fields(s: &str) -> Vec<String> {
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
fn name_and_packages(cell: &str) -> (String, Vec<String>) {
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
    tables(&blocks, &mut doc);
    key_values(&blocks, &mut consumed, &mut doc);
    prose_lists(&blocks, &mut consumed, &mut doc);
    prose_mentions(&blocks, &mut doc);
    permission_lists(&blocks, zh, &mut doc);
    permission_text(&blocks, zh, &mut doc);
    data_types(&blocks, zh, &mut doc);
    doc.blocks = blocks;
    doc
}

// ---- tables ----

fn tables(blocks: &[Block], doc: &mut PolicyDoc) {
    for b in blocks {
        let Block::Table(t) = b else { continue };
        let grid = t.grid();
        // The header is the first row that names at least two known columns (a title row may come first).
        let Some((h, cols)) = grid
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, r)| (i, roles(r)))
            .find(|(_, r)| known(r) >= 2)
        else {
            // A two-column table of keys and values: read it as key-value lines.
            if grid.iter().all(|r| r.len() == 2)
                && grid.iter().filter(|r| kv_key(&r[0].text).is_some()).count() >= 2
            {
                let lines: Vec<(String, usize)> = grid
                    .iter()
                    .map(|r| {
                        (
                            format!("{}：{}", r[0].text.trim(), r[1].text),
                            r[0].line.max(t.line),
                        )
                    })
                    .collect();
                kv_records(&lines, doc);
            }
            continue;
        };
        let col = |want: Col| cols.iter().position(|&c| c == want);
        let get = |row: &[Cell], want: Col| {
            col(want)
                .and_then(|i| row.get(i))
                .map(|c| c.text.clone())
                .unwrap_or_default()
        };
        let is_sdk_table = col(Col::Name).is_some()
            && (col(Col::Vendor).is_some()
                || col(Col::Data).is_some()
                || col(Col::Purpose).is_some()
                || col(Col::Package).is_some());
        let is_perm_table = col(Col::Permission).is_some() && col(Col::Name).is_none();
        let is_collection = !is_sdk_table && !is_perm_table && col(Col::Data).is_some();
        for row in grid.iter().skip(h + 1) {
            let line = row
                .iter()
                .map(|c| c.line)
                .find(|&l| l > 0)
                .unwrap_or(t.line);
            if is_sdk_table {
                let raw_name = get(row, Col::Name);
                let (name, mut pk) = name_and_packages(&raw_name);
                if name.is_empty()
                    || classify(&name) == Col::Name
                        && name.chars().count() <= 6
                        && cols.len() > 1
                        && name == get(&grid[h], Col::Name)
                {
                    continue;
                }
                for p in packages(&get(row, Col::Package)) {
                    if !pk.contains(&p) {
                        pk.push(p);
                    }
                }
                let vendor = nonempty(&get(row, Col::Vendor))
                    .or_else(|| row.iter().find_map(|c| org_name(&c.text)));
                let link = urls(&get(row, Col::Link))
                    .into_iter()
                    .next()
                    .or_else(|| row.iter().find_map(|c| urls(&c.text).into_iter().next()));
                doc.sdks.push(SdkDisclosure {
                    name,
                    vendor,
                    purpose: nonempty(&get(row, Col::Purpose)),
                    data: data_fields(&get(row, Col::Data)),
                    packages: pk,
                    link,
                    line,
                    source: SdkSource::Table,
                    file: None,
                });
            } else if is_collection {
                let data = data_fields(&get(row, Col::Data));
                if data.is_empty() && nonempty(&get(row, Col::Scenario)).is_none() {
                    continue;
                }
                doc.collection.push(CollectionRow {
                    scenario: nonempty(&get(row, Col::Scenario))
                        .or_else(|| nonempty(&get(row, Col::Name))),
                    purpose: nonempty(&get(row, Col::Purpose)),
                    method: nonempty(&get(row, Col::Method)),
                    data,
                    line,
                    file: None,
                });
            }
        }
    }
}

// ---- key-value blocks ----

fn kv_regex() -> &'static Regex {
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
fn kv_key(key: &str) -> Option<Col> {
    let k = format!("{}：", key.trim().trim_end_matches(['：', ':']));
    let m = kv_regex().find(&k)?;
    (m.start() == 0 && m.end() == k.len()).then(|| key_role(key))
}

fn key_role(key: &str) -> Col {
    let k = key.trim().trim_end_matches(['：', ':']).to_lowercase();
    if k.contains("sdk") && (k.contains("名称") || k.contains("name")) || k == "名称" || k == "name"
    {
        return Col::Name;
    }
    classify(&k)
}

/// `(role, value)` pairs of one line, when it holds keys at word starts.
fn kv_pairs(text: &str) -> Vec<(Col, String)> {
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

fn kv_records(lines: &[(String, usize)], doc: &mut PolicyDoc) -> Vec<bool> {
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

fn key_values(blocks: &[Block], consumed: &mut [bool], doc: &mut PolicyDoc) {
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
            }
        }
    }
}

fn block_line_text(b: &Block) -> String {
    match b {
        Block::ListItem { marker, text, .. } => format!("{marker}{text}"),
        other => other.text().to_string(),
    }
}

// ---- prose lists ----

fn prose_lists(blocks: &[Block], consumed: &mut [bool], doc: &mut PolicyDoc) {
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
fn prose_item(text: &str, line: usize) -> Option<SdkDisclosure> {
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

fn strip_collect_verb(part: &str) -> Option<&str> {
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
fn provided_by(s: &str) -> Option<String> {
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
fn prose_mentions(blocks: &[Block], doc: &mut PolicyDoc) {
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

// ---- permissions ----

fn push_perm(doc: &mut PolicyDoc, permission: &str, text: &str, line: usize, source: &'static str) {
    if doc
        .permissions
        .iter()
        .any(|p| p.permission == permission && (p.line == line || source == "text"))
    {
        return;
    }
    let text: String = text.chars().take(80).collect();
    doc.permissions.push(PermissionDisclosure {
        permission: permission.to_string(),
        text,
        line,
        source,
        file: None,
    });
}

fn marker_style(m: &str) -> String {
    m.chars()
        .map(|c| {
            if c.is_ascii_digit() || "一二三四五六七八九十".contains(c) || c.is_ascii_lowercase()
            {
                '9'
            } else {
                c
            }
        })
        .collect::<String>()
        .replace("99", "9")
}

/// Items of a permission list: the list items after a heading or an intro that speaks of
/// permissions, each with the paragraphs that follow it.
fn permission_lists(blocks: &[Block], zh: bool, doc: &mut PolicyDoc) {
    let mut i = 0;
    while i < blocks.len() {
        let b = &blocks[i];
        let t = b.text().to_lowercase();
        let short_title = t.chars().count() <= 40 && !t.contains(['。', '；', ';']);
        let intro = (t.contains("权限") || t.contains("permission"))
            && match b {
                Block::Heading { .. } => true,
                _ => t.trim_end().ends_with(['：', ':']) || short_title,
            };
        if let Block::Table(tb) = b {
            permission_table(tb, zh, doc);
        }
        if !intro {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut style: Option<String> = None;
        let mut item: Option<(String, String, usize)> = None; // title, body, line
        while j < blocks.len() {
            match &blocks[j] {
                Block::ListItem { marker, text, line } => {
                    let st = marker_style(marker);
                    if style.as_ref().is_some_and(|s| *s != st) {
                        break;
                    }
                    style = Some(st);
                    if let Some(it) = item.take() {
                        perm_item(&it, zh, doc);
                    }
                    let title = item_title(text);
                    item = Some((title, text.clone(), *line));
                }
                Block::Paragraph { text, .. } if item.is_some() => {
                    if let Some(it) = item.as_mut() {
                        it.1.push('\n');
                        it.1.push_str(text);
                    }
                }
                _ => break,
            }
            j += 1;
        }
        if let Some(it) = item.take() {
            perm_item(&it, zh, doc);
        }
        i = j.max(i + 1);
    }
}

fn item_title(text: &str) -> String {
    let end = text
        .find(['。', '：', ':', '；', ';'])
        .or_else(|| text.find(". "))
        .unwrap_or(text.len());
    text[..end].trim().to_string()
}

fn perm_item(item: &(String, String, usize), zh: bool, doc: &mut PolicyDoc) {
    let (title, body, line) = item;
    let (title_vocab, body_vocab) = if zh {
        (Vocab::ZhAll, Vocab::ZhSpecific)
    } else {
        (Vocab::En, Vocab::En)
    };
    let mut found = Vec::new();
    for h in terms::permissions(title_vocab).find(title) {
        found.extend(h.ids);
    }
    if !zh {
        // In an English list the title is the capability: "Camera", "Contacts", "Storage".
        for h in english_list_terms(title) {
            found.push(h);
        }
    }
    // The body explains the purpose and often names other things (照片, 网络类型): read it only
    // when the title names no permission.
    if found.is_empty() {
        for h in terms::permissions(body_vocab).find(body) {
            found.extend(h.ids);
        }
    }
    for p in found {
        push_perm(doc, &p, title, *line, "permission-list");
    }
}

/// English capability words valid inside a permission list only.
fn english_list_terms(title: &str) -> Vec<String> {
    let t = title.to_lowercase();
    let mut out = Vec::new();
    let map: &[(&str, &[&str])] = &[
        ("camera", &["android.permission.CAMERA"]),
        ("contacts", &["android.permission.READ_CONTACTS"]),
        ("calendar", &["android.permission.READ_CALENDAR"]),
        (
            "storage",
            &[
                "android.permission.READ_EXTERNAL_STORAGE",
                "android.permission.WRITE_EXTERNAL_STORAGE",
            ],
        ),
        ("notifications", &["android.permission.POST_NOTIFICATIONS"]),
        (
            "location",
            &[
                "android.permission.ACCESS_FINE_LOCATION",
                "android.permission.ACCESS_COARSE_LOCATION",
            ],
        ),
        ("microphone", &["android.permission.RECORD_AUDIO"]),
        ("phone number", &["android.permission.READ_PHONE_NUMBERS"]),
    ];
    for (w, perms) in map {
        if t.split(|c: char| !c.is_ascii_alphanumeric() && c != ' ')
            .any(|part| part.contains(w))
        {
            out.extend(perms.iter().map(|s| s.to_string()));
        }
    }
    out
}

/// A table of permissions (权限名称 | 使用目的): each row's permission cell, through the vocabulary.
fn permission_table(t: &super::blocks::Table, zh: bool, doc: &mut PolicyDoc) {
    let grid = t.grid();
    let Some((h, cols)) = grid
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, r)| (i, roles(r)))
        .find(|(_, r)| r.contains(&Col::Permission))
    else {
        return;
    };
    let Some(pc) = cols.iter().position(|&c| c == Col::Permission) else {
        return;
    };
    if cols.contains(&Col::Name) {
        return;
    }
    for row in grid.iter().skip(h + 1) {
        let Some(cell) = row.get(pc) else { continue };
        let line = if cell.line > 0 { cell.line } else { t.line };
        let text = row
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let vocab = if zh { Vocab::ZhAll } else { Vocab::En };
        let mut found: Vec<String> = terms::permissions(vocab)
            .find(&cell.text)
            .into_iter()
            .flat_map(|h| h.ids)
            .collect();
        if !zh {
            found.extend(english_list_terms(&cell.text));
        }
        if found.is_empty() {
            found = terms::permissions(if zh { Vocab::ZhSpecific } else { Vocab::En })
                .find(&text)
                .into_iter()
                .flat_map(|h| h.ids)
                .collect();
        }
        for p in found {
            push_perm(doc, &p, &cell.text, line, "permission-list");
        }
    }
}

/// Permissions named anywhere else: the Android name written out, or a specific term.
fn permission_text(blocks: &[Block], zh: bool, doc: &mut PolicyDoc) {
    let vocab = if zh { Vocab::ZhSpecific } else { Vocab::En };
    for_each_text(blocks, |text, line| {
        for h in terms::permissions(vocab).find(text) {
            let source = if h.words.contains('_') || h.words.contains("permission.") {
                "name"
            } else {
                "text"
            };
            for p in h.ids {
                if !doc.permissions.iter().any(|q| q.permission == p) {
                    push_perm(doc, &p, &h.words, line, source);
                }
            }
        }
    });
}

fn for_each_text(blocks: &[Block], mut f: impl FnMut(&str, usize)) {
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
