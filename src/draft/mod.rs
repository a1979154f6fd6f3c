//! `appaudit draft`: the SDK disclosure table and the permission list, in the shape Chinese
//! policies use, drafted from what the app contains; with a policy, only the rows it is missing.

pub mod data;

use crate::audit::{AttributedCall, AuditOutcome, SdkView};
use crate::engine::{vendor_display, Analysis};
use crate::model::locale;
use crate::report::html::markdown::md;
use crate::report::html::{clean, link_markup, page, Lang};
use crate::rules::permissions::PermissionCatalog;
use crate::rules::sdks::SdkCatalog;
use data::DataLabel;
use maud::html;
use std::fmt::Write;

/// Output formats of `draft`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DraftFormat {
    /// A Markdown table, to paste into a policy kept in Markdown.
    Markdown,
    /// A self-contained HTML page.
    Html,
    /// Numbered plain text, as Chinese policies print their SDK lists.
    Txt,
}

/// One SDK row to add to the policy.
#[derive(Debug, Clone)]
pub struct DraftSdk {
    /// Knowledge-base id.
    pub id: String,
    /// The SDK's name.
    pub name: String,
    /// The vendor's legal name.
    pub vendor: String,
    /// The purpose, by category.
    pub purpose: String,
    /// The personal data it collects: what its vendor declares (the knowledge base) and what
    /// its code was seen collecting in this app, as labels of one vocabulary, each once.
    pub data: Vec<DataLabel>,
    /// The vendor's privacy policy.
    pub link: Option<String>,
}

/// One row of the policy's permission list: a capability in the policy's words and the
/// Android permissions that grant it (READ_ and WRITE_EXTERNAL_STORAGE share one row).
#[derive(Debug, Clone)]
pub struct DraftPermission {
    /// Full Android names.
    pub permissions: Vec<String>,
    /// The permission in the policy's words.
    pub words: String,
}

/// The drafted disclosures.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Language.
    pub lang: Lang,
    /// The app's package.
    pub package: String,
    /// Only the rows a policy is missing (drafted against `--policy`).
    pub only_missing: bool,
    /// SDK rows.
    pub sdks: Vec<DraftSdk>,
    /// Permission rows.
    pub permissions: Vec<DraftPermission>,
}

/// The purpose of an SDK of this category, in the policy's words (`[draft-purpose]` of the
/// catalogues; an unknown category gets the placeholder of `other`).
fn purpose(category: &str, lang: Lang) -> String {
    let c = locale::catalogue(lang);
    c.get("draft-purpose", category)
        .or_else(|| c.get("draft-purpose", "other"))
        .map_or_else(
            || locale::word(lang, "draft-purpose", "other"),
            str::to_string,
        )
}

/// Drafts the rows: every SDK and privacy-relevant permission, or with an audit outcome only
/// the SDKs it found undisclosed (or named only in prose) and the permissions not disclosed.
pub fn build(
    analysis: &Analysis,
    sdks: &[SdkView],
    catalog: &SdkCatalog,
    outcome: Option<&AuditOutcome>,
    lang: Lang,
) -> Draft {
    let mut rows = Vec::new();
    for (i, sdk) in sdks.iter().enumerate() {
        let missing = outcome.is_none_or(|o| {
            o.sdk_disclosures
                .get(i)
                .is_none_or(|d| d.as_ref().is_none_or(|d| d.how == crate::model::How::Prose))
        });
        if !missing {
            continue;
        }
        let rule = catalog.get(&sdk.id);
        let name = match (lang, rule) {
            (Lang::En, Some(r)) if !data::without_notes(&r.name_en).is_empty() => {
                data::without_notes(&r.name_en)
            }
            _ => sdk.name.clone(),
        };
        let legal = rule.and_then(|r| data::legal_name(&r.vendor_zh, &r.vendor_en));
        let vendor = vendor_cell(lang, legal, rule, &sdk.vendor);
        let notes = rule.map(|r| r.data_types.items.clone()).unwrap_or_default();
        let row = DraftSdk {
            id: sdk.id.clone(),
            name,
            vendor,
            purpose: purpose(&sdk.category, lang),
            data: data::labels(&notes, &seen_data(&analysis.calls, &sdk.id), lang),
            link: rule.and_then(|r| r.privacy_url.clone()),
        };
        add_row(&mut rows, row);
    }
    let perms = PermissionCatalog::builtin();
    let permissions = analysis
        .app
        .manifest
        .permission_names()
        .filter(|name| {
            outcome.is_none_or(|o| {
                !o.permissions
                    .iter()
                    .any(|(n, _, disclosed)| n == name && *disclosed)
            })
        })
        .filter_map(|name| perms.get(name).filter(|r| r.privacy_relevant))
        .fold(Vec::<DraftPermission>::new(), |mut rows, r| {
            let words = match lang {
                Lang::Zh => r
                    .group_zh
                    .clone()
                    .or_else(|| r.zh_specific.first().cloned())
                    .unwrap_or_else(|| r.name.clone()),
                Lang::En => r
                    .en_terms
                    .first()
                    .map_or_else(|| r.name.clone(), |t| capitalise(t)),
            };
            match rows.iter_mut().find(|p| p.words == words) {
                Some(p) if !p.permissions.contains(&r.name) => p.permissions.push(r.name.clone()),
                Some(_) => {}
                None => rows.push(DraftPermission {
                    permissions: vec![r.name.clone()],
                    words,
                }),
            }
            rows
        });
    Draft {
        lang,
        package: analysis.app.manifest.package.clone(),
        only_missing: outcome.is_some(),
        sdks: rows,
        permissions,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// Adds an SDK row; two knowledge-base entries with one name and vendor make one row of the
/// policy, with the data of both.
fn add_row(rows: &mut Vec<DraftSdk>, row: DraftSdk) {
    match rows
        .iter_mut()
        .find(|r| r.name == row.name && r.vendor == row.vendor)
    {
        Some(same) => {
            for d in row.data {
                if !same.data.contains(&d) {
                    same.data.push(d);
                }
            }
            same.link = same.link.take().or(row.link);
        }
        None => rows.push(row),
    }
}

/// The vendor column: the legal name (zh), or the English name with the legal name (en).
fn vendor_cell(
    lang: Lang,
    legal: Option<String>,
    rule: Option<&crate::rules::sdks::SdkRule>,
    fallback: &str,
) -> String {
    let short_en = rule
        .map(|r| data::without_notes(&r.vendor_en))
        .filter(|s| !s.is_empty());
    let has_cjk = |s: &str| s.chars().any(|c| !c.is_ascii() && c.is_alphabetic());
    match (lang, legal) {
        (Lang::Zh, Some(l)) => l,
        (Lang::Zh, None) => rule
            .map(|r| vendor_display(&r.vendor_zh))
            .filter(|s| !s.is_empty())
            .or(short_en)
            .unwrap_or_else(|| vendor_display(fallback)),
        (Lang::En, Some(l)) if has_cjk(&l) => match short_en {
            Some(en) => format!("{en} ({l})"),
            None => l,
        },
        (Lang::En, Some(l)) => l,
        (Lang::En, None) => short_en.unwrap_or_else(|| vendor_display(fallback)),
    }
}

/// The data types an SDK's code was seen collecting (ids).
fn seen_data(calls: &[AttributedCall], id: &str) -> Vec<String> {
    let mut v: Vec<String> = calls
        .iter()
        .filter(|c| c.sdk.as_deref() == Some(id))
        .map(|c| c.data_type.clone())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The fixed words of a draft, from the catalogues (`[draft]`).
struct Words {
    sdk_title: String,
    perm_title: String,
    missing: String,
    cols: [String; 5],
    perm_cols: [String; 3],
    placeholder: String,
    to_check: String,
    nothing: String,
    intro: String,
    sep: String,
    colon: String,
    open: String,
    close: String,
}

impl Words {
    fn of(lang: Lang) -> Words {
        let w = |key: &str| locale::word(lang, "draft", key);
        Words {
            sdk_title: w("sdk_title"),
            perm_title: w("perm_title"),
            missing: w("missing"),
            cols: [
                "col_name",
                "col_vendor",
                "col_purpose",
                "col_data",
                "col_link",
            ]
            .map(w),
            perm_cols: ["col_permission", "col_android", "col_permission_purpose"].map(w),
            placeholder: w("placeholder"),
            to_check: w("to_check"),
            nothing: w("nothing"),
            intro: w("intro"),
            sep: w("sep"),
            colon: w("colon"),
            open: w("open"),
            close: w("close"),
        }
    }
}

impl Draft {
    fn words(&self) -> Words {
        Words::of(self.lang)
    }

    fn sep(&self) -> String {
        self.words().sep
    }

    /// The data cell: the labels, or a placeholder when the knowledge base names none.
    fn data_cell(&self, s: &DraftSdk) -> String {
        if s.data.is_empty() {
            return self.words().to_check.to_string();
        }
        s.data
            .iter()
            .map(|d| d.label.as_str())
            .collect::<Vec<_>>()
            .join(&self.sep())
    }

    /// The link cell: the vendor's policy, or a placeholder.
    fn link_cell(&self, s: &DraftSdk) -> String {
        s.link
            .clone()
            .unwrap_or_else(|| self.words().to_check.to_string())
    }

    /// The Android names of a permission row.
    fn android_names(&self, p: &DraftPermission) -> String {
        p.permissions.join(&self.sep())
    }

    /// Renders the draft.
    pub fn render(&self, format: DraftFormat) -> String {
        match format {
            DraftFormat::Markdown => self.markdown(),
            DraftFormat::Html => self.html(),
            DraftFormat::Txt => self.txt(),
        }
    }

    fn titles(&self) -> (String, String) {
        let w = self.words();
        let suffix = if self.only_missing {
            w.missing.as_str()
        } else {
            ""
        };
        (
            format!("{}{suffix}", w.sdk_title),
            format!("{}{suffix}", w.perm_title),
        )
    }

    /// Numbered plain text, as Chinese policies print their SDK lists.
    pub fn txt(&self) -> String {
        let w = self.words();
        let (colon, open, close) = (&w.colon, &w.open, &w.close);
        let (sdk_title, perm_title) = self.titles();
        let mut out = format!("{}\n\n{sdk_title}\n\n", w.intro);
        if self.sdks.is_empty() {
            let _ = writeln!(out, "{}\n", w.nothing);
        }
        for (i, s) in self.sdks.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, clean(&s.name));
            let fields = [
                (&w.cols[1], s.vendor.clone()),
                (&w.cols[2], s.purpose.clone()),
                (&w.cols[3], self.data_cell(s)),
                (&w.cols[4], self.link_cell(s)),
            ];
            for (k, v) in fields {
                let _ = writeln!(out, "   {k}{colon}{}", clean(&v));
            }
            out.push('\n');
        }
        let _ = writeln!(out, "{perm_title}\n");
        if self.permissions.is_empty() {
            let _ = writeln!(out, "{}", w.nothing);
        }
        for (i, p) in self.permissions.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. {}{open}{}{close}{colon}{}",
                i + 1,
                p.words,
                self.android_names(p),
                w.placeholder
            );
        }
        out
    }

    /// Markdown tables.
    pub fn markdown(&self) -> String {
        let w = self.words();
        let (sdk_title, perm_title) = self.titles();
        let mut out = format!("{}\n\n## {sdk_title}\n\n", md(&w.intro));
        if self.sdks.is_empty() {
            let _ = writeln!(out, "{}\n", w.nothing);
        } else {
            let _ = writeln!(out, "| {} |\n|---|---|---|---|---|", w.cols.join(" | "));
            for s in &self.sdks {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    md(&s.name),
                    md(&s.vendor),
                    md(&s.purpose),
                    md(&self.data_cell(s)),
                    s.link
                        .as_deref()
                        .filter(|u| !u.contains([' ', '<', '>', '|']))
                        .map_or_else(|| md(&self.link_cell(s)), |u| format!("<{u}>")),
                );
            }
            out.push('\n');
        }
        let _ = writeln!(out, "## {perm_title}\n");
        if self.permissions.is_empty() {
            let _ = writeln!(out, "{}", w.nothing);
        } else {
            let _ = writeln!(out, "| {} |\n|---|---|---|", w.perm_cols.join(" | "));
            for p in &self.permissions {
                let names: Vec<String> = p.permissions.iter().map(|n| format!("`{n}`")).collect();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    md(&p.words),
                    names.join(&self.sep()),
                    md(&w.placeholder)
                );
            }
        }
        out
    }

    /// A self-contained HTML page, built with maud: every text is escaped by construction.
    pub fn html(&self) -> String {
        let w = self.words();
        let (sdk_title, perm_title) = self.titles();
        let body = html! {
            h1 { (w.sdk_title) " " code { (clean(&self.package)) } }
            p.note { (w.intro) }
            h2 { (sdk_title) }
            table #draft-sdks {
                thead { tr { @for c in w.cols { th { (c) } } } }
                tbody {
                    @for s in &self.sdks {
                        tr data-sdk-id=(clean(&s.id)) {
                            td { (clean(&s.name)) }
                            td { (clean(&s.vendor)) }
                            td { (clean(&s.purpose)) }
                            td { (clean(&self.data_cell(s))) }
                            td {
                                @match &s.link {
                                    Some(u) => (link_markup(Some(u), u)),
                                    None => (w.to_check),
                                }
                            }
                        }
                    }
                }
            }
            h2 { (perm_title) }
            table #draft-permissions {
                thead { tr { @for c in w.perm_cols { th { (c) } } } }
                tbody {
                    @for p in &self.permissions {
                        tr data-permission=(clean(&p.permissions.join(" "))) {
                            td { (clean(&p.words)) }
                            td {
                                @for (i, n) in p.permissions.iter().enumerate() {
                                    @if i > 0 { (self.sep()) }
                                    code { (clean(n)) }
                                }
                            }
                            td { (w.placeholder) }
                        }
                    }
                }
            }
        };
        page(self.lang, &sdk_title, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str, data: &[&str], link: Option<&str>) -> DraftSdk {
        DraftSdk {
            id: id.to_string(),
            name: name.to_string(),
            vendor: "某某有限公司".to_string(),
            purpose: String::new(),
            data: data
                .iter()
                .map(|d| DataLabel {
                    id: d.to_string(),
                    label: d.to_string(),
                })
                .collect(),
            link: link.map(str::to_string),
        }
    }

    #[test]
    fn one_name_and_vendor_make_one_row() {
        let mut rows = Vec::new();
        add_row(&mut rows, row("a", "SDK", &["imei"], None));
        add_row(
            &mut rows,
            row("b", "SDK", &["imei", "oaid"], Some("https://x")),
        );
        add_row(&mut rows, row("c", "Other", &[], None));
        assert_eq!(rows.len(), 2);
        let ids: Vec<&str> = rows[0].data.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["imei", "oaid"]);
        assert_eq!(rows[0].link.as_deref(), Some("https://x"));
    }

    #[test]
    fn the_html_escapes_every_field_by_construction() {
        let mut hostile = row(
            "x\"><script>",
            "<b>SDK</b>",
            &["a&b"],
            Some("javascript:alert(1)"),
        );
        hostile.vendor = "V<\u{1}>".to_string();
        let draft = Draft {
            lang: Lang::En,
            package: "p<q>".to_string(),
            only_missing: false,
            sdks: vec![
                hostile,
                row("ok", "Ok", &[], Some("https://a.example/?x=1&y=2")),
            ],
            permissions: vec![DraftPermission {
                permissions: vec!["a.<P>".to_string()],
                words: "W&\"".to_string(),
            }],
        };
        let html = draft.html();
        for raw in [
            "<script>",
            "<b>",
            "<q>",
            "<P>",
            "href=\"javascript:",
            "\u{1}",
            "a&b",
            "W&\"",
        ] {
            assert!(!html.contains(raw), "{raw:?} unescaped in\n{html}");
        }
        for escaped in [
            "data-sdk-id=\"x&quot;&gt;&lt;script&gt;\"",
            "&lt;b&gt;SDK&lt;/b&gt;",
            "<code>p&lt;q&gt;</code>",
            "V&lt;&gt;",
            "a&amp;b",
            "<code>a.&lt;P&gt;</code>",
            "<a href=\"https://a.example/?x=1&amp;y=2\"",
        ] {
            assert!(html.contains(escaped), "{escaped:?} missing in\n{html}");
        }
    }
}
