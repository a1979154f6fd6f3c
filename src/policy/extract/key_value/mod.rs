//! SDK records made of `key：value` attribute lines: `SDK名称：…` / `提供方：…` blocks, a title
//! line (list item, heading, numbered name) followed by its attribute lines, records run
//! together on one line, and two-column key-value tables. An attribute line is always part of a
//! record, never a record of its own.

mod keys;

pub(super) use keys::{kv_key, kv_pairs, strip_item_marker};
use keys::{line_pairs, segments};

use super::{data_fields, generic_name, name_and_packages, nonempty, Col};
use crate::policy::blocks::Block;
use crate::policy::gazetteer;
use crate::policy::text::{packages, urls};
use crate::policy::{PolicyDoc, SdkDisclosure, SdkSource};

/// A record being read.
struct Record {
    sdk: SdkDisclosure,
    roles: Vec<Col>,
    by_key: bool,
    lines: Vec<usize>,
}

impl Record {
    fn new(name_cell: &str, line: usize, by_key: bool, idx: usize) -> Record {
        let (name, pk) = name_and_packages(name_cell);
        Record {
            sdk: SdkDisclosure {
                name: strip_quotes(&name),
                vendor: None,
                purpose: None,
                data: Vec::new(),
                packages: pk,
                link: None,
                line,
                source: SdkSource::KeyValue,
                file: None,
            },
            roles: Vec::new(),
            by_key,
            lines: vec![idx],
        }
    }

    fn add(&mut self, role: Col, value: &str) {
        let s = &mut self.sdk;
        match role {
            Col::Vendor => s.vendor = s.vendor.take().or_else(|| nonempty(value)),
            Col::Purpose => s.purpose = s.purpose.take().or_else(|| nonempty(value)),
            Col::Data => s.data.extend(data_fields(value)),
            Col::Package => {
                for p in packages(value) {
                    if !s.packages.contains(&p) {
                        s.packages.push(p);
                    }
                }
            }
            Col::Link => s.link = s.link.take().or_else(|| urls(value).into_iter().next()),
            _ => {}
        }
        self.roles.push(role);
    }

    /// A record named by a key needs one attribute; one named by a title line needs two kinds
    /// of SDK attribute, or one beside a title that looks like an SDK (a known name, "SDK", a
    /// package), so that a list of data types or permissions is never read as SDKs.
    fn complete(&self) -> bool {
        if self.sdk.name.is_empty() || self.sdk.name.chars().count() > 60 {
            return false;
        }
        let kinds = [
            Col::Vendor,
            Col::Purpose,
            Col::Data,
            Col::Link,
            Col::Package,
            Col::Permission,
        ];
        let distinct = kinds.iter().filter(|k| self.roles.contains(k)).count();
        if self.by_key {
            return !self.roles.is_empty();
        }
        let sdk_like = gazetteer::is_known_sdk(&self.sdk.name)
            || self.sdk.name.to_lowercase().contains("sdk")
            || !self.sdk.packages.is_empty();
        let strong = self.roles.contains(&Col::Vendor) || self.roles.contains(&Col::Link);
        distinct >= 2 && (sdk_like || strong || self.roles.len() >= 4) || distinct >= 1 && sdk_like
    }
}

fn strip_quotes(s: &str) -> String {
    s.trim_matches(['“', '”', '"', '「', '」', '【', '】', '《', '》', ' '])
        .to_string()
}

/// A line that may name the record whose attributes follow it.
fn title_of(text: &str) -> Option<&str> {
    let body = strip_item_marker(text);
    let n = body.chars().count();
    ((2..=60).contains(&n)
        && !body.contains(['。', '；', ';'])
        && !body.ends_with(['：', ':'])
        && line_pairs(body).is_empty())
    .then_some(body)
}

/// Records from lines of text; which lines they used. A line in `breaks` (a heading) always
/// ends the record before it.
pub(super) fn kv_records(
    lines: &[(String, usize)],
    breaks: &[bool],
    doc: &mut PolicyDoc,
) -> Vec<bool> {
    let mut used = vec![false; lines.len()];
    let mut cur: Option<Record> = None;
    let finish = |cur: &mut Option<Record>, used: &mut Vec<bool>, doc: &mut PolicyDoc| {
        if let Some(r) = cur.take() {
            // A record named by a generic title (`我们获取了哪些权限` over `定位权限：…` lines) is
            // no SDK: its lines stay free for the other readers.
            if r.complete() && !generic_name(&r.sdk.name) {
                for &i in &r.lines {
                    used[i] = true;
                }
                doc.sdks.push(r.sdk);
            }
        }
    };
    let first_role = |i: usize| -> Option<Col> {
        let (t, _) = lines.get(i)?;
        let seg = segments(t).into_iter().next()?;
        line_pairs(strip_item_marker(seg)).first().map(|p| p.0)
    };
    for (i, (text, line)) in lines.iter().enumerate() {
        for seg in segments(text) {
            let body = strip_item_marker(seg);
            let pairs = line_pairs(body);
            if pairs.is_empty() {
                // Wrapped text of the value before, or the title of the next record: the next
                // line tells (an attribute the current record already has starts another).
                let next = first_role(i + 1);
                let heading = breaks.get(i).copied().unwrap_or(false);
                let goes_on = match (&cur, next) {
                    (Some(r), Some(role)) => {
                        !heading && role != Col::Name && !r.roles.contains(&role)
                    }
                    _ => false,
                };
                if !goes_on {
                    finish(&mut cur, &mut used, doc);
                }
                continue;
            }
            for (role, value) in pairs {
                if role == Col::Serial {
                    // A list introduced inside the text: the record before it has ended.
                    finish(&mut cur, &mut used, doc);
                    continue;
                }
                if role == Col::Name {
                    if value.is_empty() {
                        continue;
                    }
                    finish(&mut cur, &mut used, doc);
                    cur = Some(Record::new(&value, *line, true, i));
                    continue;
                }
                let repeated = cur
                    .as_ref()
                    .is_some_and(|r| role != Col::Other && r.roles.contains(&role));
                if cur.is_none() || repeated {
                    // A new record when a title line comes just before; an attribute repeated
                    // with no title before it stays with the record it is in.
                    let prev = i.checked_sub(1).and_then(|p| lines.get(p).map(|l| (p, l)));
                    if let Some((p, title, l)) =
                        prev.and_then(|(p, (t, l))| title_of(t).map(|b| (p, b, *l)))
                    {
                        finish(&mut cur, &mut used, doc);
                        let mut r = Record::new(title, l, false, p);
                        r.lines.push(i);
                        cur = Some(r);
                    } else if cur.is_none() {
                        continue;
                    }
                }
                if let Some(r) = cur.as_mut() {
                    r.add(role, &value);
                    if r.lines.last() != Some(&i) {
                        r.lines.push(i);
                    }
                }
            }
        }
    }
    finish(&mut cur, &mut used, doc);
    used
}

pub(super) fn key_values(
    blocks: &[Block],
    consumed: &mut [bool],
    in_sdk: &mut [bool],
    doc: &mut PolicyDoc,
) {
    let idx: Vec<usize> = (0..blocks.len())
        .filter(|&i| !matches!(blocks[i], Block::Table(_)))
        .collect();
    let lines: Vec<(String, usize)> = idx
        .iter()
        .map(|&i| (block_line_text(&blocks[i]), blocks[i].line()))
        .collect();
    let breaks: Vec<bool> = idx
        .iter()
        .map(|&i| matches!(blocks[i], Block::Heading { .. }))
        .collect();
    let used = kv_records(&lines, &breaks, doc);
    for (k, u) in used.into_iter().enumerate() {
        if u {
            if let Some(&i) = idx.get(k) {
                consumed[i] = true;
                in_sdk[i] = true;
            }
        }
    }
}

pub(super) fn block_line_text(b: &Block) -> String {
    match b {
        // A bullet needs its space back to be read as a marker again.
        Block::ListItem { marker, text, .. } if matches!(marker.as_str(), "-" | "*" | "+") => {
            format!("{marker} {text}")
        }
        Block::ListItem { marker, text, .. } => format!("{marker}{text}"),
        other => other.text().to_string(),
    }
}
