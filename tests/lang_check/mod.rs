//! Checks that a rendered report is in one language: the Chinese page shows none of the English
//! status words, and the English page shows no Chinese outside what it quotes (the policy's own
//! words, and names the knowledge base has no English form for).
#![allow(dead_code)]

use serde_json::Value;

/// The visible text of an HTML page (or a DOM dump): tags dropped, entities decoded, the style
/// sheet and `<code>` identifiers left out; one entry per text node.
pub fn text_nodes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    let mut skip: Option<&str> = None;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if skip.is_none() && !text.trim().is_empty() {
            out.push(decode(text.trim()));
        }
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        match skip {
            Some(s) if tag.starts_with('/') && name == s => skip = None,
            None if !tag.starts_with('/') && matches!(name.as_str(), "style" | "code") => {
                skip = Some(if name == "style" { "style" } else { "code" });
            }
            _ => {}
        }
        rest = &rest[open + close + 1..];
    }
    out
}

fn decode(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Whether the text holds a CJK ideograph.
pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{3400}'..='\u{9fff}').contains(&c))
}

/// The English status and verdict words (the badges), from the English catalogue.
pub fn english_badge_words() -> Vec<String> {
    let cat = appaudit::model::locale::catalogue(appaudit::model::Lang::En);
    let mut words = Vec::new();
    for section in ["severity", "sdk-status", "permission-status", "data-status"] {
        let table = cat.sections.get(section).expect(section);
        words.extend(table.values().cloned());
    }
    for key in ["pass", "fail"] {
        words.push(cat.text("labels", key));
    }
    words
}

/// Text nodes of the Chinese page that show an English badge word (as a whole word).
pub fn english_words_in(nodes: &[String], words: &[String]) -> Vec<String> {
    nodes
        .iter()
        .filter(|n| {
            words.iter().any(|w| {
                n.match_indices(w.as_str()).any(|(i, _)| {
                    let before = n[..i].chars().next_back();
                    let after = n[i + w.len()..].chars().next();
                    let word = |c: Option<char>| {
                        c.is_some_and(|c| {
                            c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'
                        })
                    };
                    !word(before) && !word(after)
                })
            })
        })
        .cloned()
        .collect()
}

/// What an English page may quote in Chinese: the policy's words and the knowledge base's names,
/// from the audit's JSON.
pub fn quotable(report: &Value) -> Vec<String> {
    let mut q: Vec<String> = Vec::new();
    let mut push = |v: &Value| {
        if let Some(s) = v.as_str() {
            if has_cjk(s) {
                q.push(s.to_string());
            }
        }
    };
    for r in report["sdk_table"].as_array().into_iter().flatten() {
        let row = &r["row"];
        for k in ["name", "vendor", "purpose"] {
            push(&row[k]);
        }
        for d in row["data"].as_array().into_iter().flatten() {
            push(d);
        }
    }
    for t in ["permission_table", "data_table"] {
        for r in report[t].as_array().into_iter().flatten() {
            push(&r["policy_text"]["text"]);
        }
    }
    for s in report["sdks"].as_array().into_iter().flatten() {
        // Names the knowledge base writes with Chinese even in English.
        push(&s["name_en"]);
        push(&s["vendor_en"]);
        if let Some(d) = s["disclosed_as"].get("name") {
            push(d);
        }
    }
    for f in report["findings"].as_array().into_iter().flatten() {
        for (_, a) in f["message_args"].as_object().into_iter().flatten() {
            push(a);
        }
        for e in f["evidence_items"].as_array().into_iter().flatten() {
            push(&e["quote"]);
        }
    }
    // Longest first, so a name inside a longer quote does not leave pieces behind.
    q.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    q.dedup();
    q
}

/// Text nodes of the English page with Chinese outside the quotable strings.
pub fn chinese_in(nodes: &[String], quotable: &[String]) -> Vec<String> {
    nodes
        .iter()
        .filter(|n| {
            let mut rest = n.to_string();
            for q in quotable {
                rest = rest.replace(q.as_str(), "");
            }
            has_cjk(&rest)
        })
        .cloned()
        .collect()
}
