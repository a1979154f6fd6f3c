//! Lists of third parties introduced as such: the items of a list that follows a heading or a
//! sentence about third-party services, SDKs or partners (`The app uses these third-party
//! services:`, `## Third-party libraries`, `第三方SDK列表`), each item one row, whatever its shape
//! (`Name`, `Name https://…`, `Name - purpose`, `[Name](url) – [Privacy policy](url)`).

use super::nonempty;
use crate::policy::blocks::Block;
use crate::policy::gazetteer;
use crate::policy::terms::{self, Vocab};
use crate::policy::text::{org_name, packages, urls};
use crate::policy::{PolicyDoc, SdkDisclosure, SdkSource};

/// Blocks looked at before a list for its introduction.
const INTRO_BLOCKS: usize = 3;

/// Whether a text introduces third parties (and not, say, the data they receive).
fn introduces_third_parties(text: &str) -> bool {
    let l = text.to_lowercase();
    let has = |ws: &[&str]| ws.iter().any(|w| l.contains(w));
    let third = has(&[
        "third-party",
        "third party",
        "third parties",
        "3rd party",
        "第三方",
        "三方sdk",
    ]);
    let kinds = has(&[
        "service",
        "sdk",
        "librar",
        "provider",
        "partner",
        "vendor",
        "processor",
        "服务",
        "sdk",
        "合作",
        "插件",
        "组件",
    ]);
    let listing = has(&[
        "these",
        "following",
        "below",
        "listed",
        "以下",
        "如下",
        "下列",
        "列表",
        "清单",
        "目录",
    ]);
    let open_source = has(&["开源", "open source", "open-source", "opensource"])
        && has(&[
            "librar",
            "组件",
            "component",
            "sdk",
            "软件",
            "项目",
            "project",
        ]);
    if open_source {
        return true;
    }
    let about_use = has(&[
        "purpose",
        "目的",
        "用途",
        "we use the information",
        "如何使用",
    ]);
    (third && kinds)
        || (!about_use && kinds && listing && has(&["service", "sdk", "librar", "partner"]))
}

/// The name part of a list item: before a dash, a colon, a link, a parenthesis.
fn item_name(text: &str) -> Option<(String, Vec<String>)> {
    let mut end = text.len();
    for sep in [
        " - ", " – ", " — ", "：", ": ", " (", "（", "(", "http://", "https://", "，", ", ", "；",
        "。",
    ] {
        if let Some(i) = text.find(sep) {
            end = end.min(i);
        }
    }
    let name = text[..end]
        .trim()
        .trim_end_matches(['-', '–', '—', ':', '：', ',', '，'])
        .trim();
    let n = name.chars().count();
    if !(2..=60).contains(&n) || name.split_whitespace().count() > 8 {
        return None;
    }
    Some((name.to_string(), packages(&text[end..])))
}

/// Rows from the list items that follow an introduction of third parties.
pub(super) fn third_party_lists(
    blocks: &[Block],
    consumed: &mut [bool],
    in_sdk: &mut [bool],
    doc: &mut PolicyDoc,
) {
    let mut i = 0;
    while i < blocks.len() {
        if !matches!(blocks[i], Block::ListItem { .. }) || consumed[i] {
            i += 1;
            continue;
        }
        // The run of list items starting here, and what comes before it.
        let start = i;
        let mut end = i;
        while end < blocks.len() && matches!(blocks[end], Block::ListItem { .. }) {
            end += 1;
        }
        // The introduction: the block just before, with the ones before it when a sentence
        // wraps over several lines (no full stop at their end).
        let mut intro: Vec<&str> = Vec::new();
        for b in blocks[start.saturating_sub(INTRO_BLOCKS)..start]
            .iter()
            .rev()
        {
            if matches!(b, Block::ListItem { .. } | Block::Table(_)) {
                break;
            }
            let t = b.text().trim_end();
            if !intro.is_empty()
                && (t.ends_with(['.', '。', '!', '！']) || matches!(b, Block::Heading { .. }))
            {
                break;
            }
            intro.push(t);
        }
        let intro_text = intro.into_iter().rev().collect::<Vec<_>>().join(" ");
        if !introduces_third_parties(&intro_text) {
            i = end;
            continue;
        }
        let mut rows = Vec::new();
        for k in start..end {
            if consumed[k] {
                continue;
            }
            let Block::ListItem { text, line, .. } = &blocks[k] else {
                continue;
            };
            let Some((name, pk)) = item_name(text) else {
                continue;
            };
            // A data type ("IP address", "设备标识符") is what is shared, not who receives it.
            let data_only = terms::data_types(Vocab::En)
                .find(&name)
                .iter()
                .chain(terms::data_types(Vocab::ZhSpecific).find(&name).iter())
                .any(|h| h.words.chars().count() * 2 >= name.chars().count());
            // A name, not a phrase: Latin letters, "SDK", a known SDK, a link or a package.
            let name_like = gazetteer::is_known_sdk(&name)
                || name.chars().any(|c| c.is_ascii_alphabetic())
                || !pk.is_empty()
                || !urls(text).is_empty();
            if data_only || !name_like {
                continue;
            }
            let rest = &text[name.len().min(text.len())..];
            rows.push((
                k,
                SdkDisclosure {
                    name,
                    vendor: org_name(rest).or_else(|| super::prose::provided_by(rest)),
                    purpose: purpose_of(rest),
                    data: Vec::new(),
                    packages: pk,
                    link: urls(text).into_iter().next(),
                    line: *line,
                    source: SdkSource::ProseList,
                    file: None,
                },
            ));
        }
        // Most items of a real list of third parties have a name; a list of sentences is not one.
        if rows.len() * 5 >= (end - start) * 3 {
            for (k, row) in rows {
                consumed[k] = true;
                in_sdk[k] = true;
                doc.sdks.push(row);
            }
        }
        i = end;
    }
}

fn purpose_of(rest: &str) -> Option<String> {
    // Links are not the purpose: `Name https://… - crash reports`.
    let mut text = rest.to_string();
    for u in urls(rest) {
        text = text.replace(&u, " ");
    }
    let r = text
        .trim_start_matches([' ', '-', '–', '—', ':', '：'])
        .trim();
    nonempty(r)
}
