//! The `diff` report as text: a table view for a terminal and Markdown for a pull request, in
//! English or Chinese (`--lang`; the words are the catalogues' `[diff]`). The JSON view is
//! [`ReleaseDiff`] serialized.

use crate::model::{locale, Lang};
use crate::report::runs::{DataAccessChange, Release, ReleaseDiff};
use crate::report::table::{self, Priority};

/// The words of one language.
struct Words(Lang);

impl Words {
    fn get(&self, key: &str) -> String {
        locale::word(self.0, "diff", key)
    }

    fn fill(&self, key: &str, args: &[(&str, String)]) -> String {
        locale::format(self.0, "diff", key, args)
    }

    fn version(&self, r: &Release) -> String {
        self.fill(
            "version",
            &[
                ("name", r.version_name.clone().unwrap_or_else(|| "-".into())),
                (
                    "code",
                    r.version_code.map_or("-".to_string(), |c| c.to_string()),
                ),
            ],
        )
    }
}

/// Whether the policy discloses an added item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Not judged (no policy, or a removal).
    None,
    /// The policy discloses it.
    Disclosed,
    /// It is added and the policy does not disclose it.
    NotDisclosed,
}

fn mark(undisclosed: Option<bool>) -> Status {
    match undisclosed {
        Some(true) => Status::NotDisclosed,
        Some(false) => Status::Disclosed,
        None => Status::None,
    }
}

/// One line per change, grouped: `+ sdk ...`, `- permission ...`.
struct Line {
    sign: char,
    kind: String,
    subject: String,
    detail: String,
    status: Status,
}

fn lines(d: &ReleaseDiff, w: &Words) -> Vec<Line> {
    let mut out = Vec::new();
    let sdk_detail = |s: &crate::report::runs::SdkChange| {
        w.fill(
            "detail_sdk",
            &[
                ("name", s.name.clone()),
                ("vendor", s.vendor.clone()),
                (
                    "category",
                    match w.0 {
                        Lang::Zh => locale::category(Lang::Zh, &s.category),
                        Lang::En => s.category.clone(),
                    },
                ),
            ],
        )
    };
    for s in &d.sdks_added {
        out.push(Line {
            sign: '+',
            kind: w.get("kind_sdk"),
            subject: s.id.clone(),
            detail: sdk_detail(s),
            status: mark(s.undisclosed),
        });
    }
    for s in &d.sdks_removed {
        out.push(Line {
            sign: '-',
            kind: w.get("kind_sdk"),
            subject: s.id.clone(),
            detail: sdk_detail(s),
            status: Status::None,
        });
    }
    for v in &d.sdk_versions {
        out.push(Line {
            sign: '~',
            kind: w.get("kind_sdk_version"),
            subject: v.id.clone(),
            detail: w.fill(
                "detail_version",
                &[
                    ("old", v.old.clone().unwrap_or_else(|| w.get("unknown"))),
                    ("new", v.new.clone().unwrap_or_else(|| w.get("unknown"))),
                ],
            ),
            status: Status::None,
        });
    }
    for (sign, list) in [('+', &d.permissions_added), ('-', &d.permissions_removed)] {
        for p in list {
            out.push(Line {
                sign,
                kind: w.get("kind_permission"),
                subject: p.name.clone(),
                detail: if p.dangerous {
                    w.get("dangerous")
                } else {
                    String::new()
                },
                status: mark(p.undisclosed),
            });
        }
    }
    for (sign, list) in [('+', &d.data_access_added), ('-', &d.data_access_removed)] {
        for a in list {
            out.push(Line {
                sign,
                kind: w.get("kind_data_access"),
                subject: a.data_type.clone(),
                detail: w.fill(
                    "detail_access",
                    &[("who", who(a, w)), ("callers", a.callers.join(", "))],
                ),
                status: mark(a.undisclosed),
            });
        }
    }
    out
}

fn who(d: &DataAccessChange, w: &Words) -> String {
    d.sdk.clone().unwrap_or_else(|| w.get("app_or_other"))
}

/// `3 changes; 1 added item not disclosed by POLICY`, in English.
pub fn verdict(d: &ReleaseDiff) -> String {
    verdict_in(d, Lang::En)
}

/// The one-line verdict in a language.
pub fn verdict_in(d: &ReleaseDiff, lang: Lang) -> String {
    let w = Words(lang);
    let n = d.summary.changes;
    let mut s = w.fill(
        if n == 1 { "changes_one" } else { "changes" },
        &[("count", n.to_string())],
    );
    if let Some(p) = &d.policy {
        let u = d.summary.undisclosed_added;
        s.push_str(&w.fill(
            if u == 1 {
                "undisclosed_one"
            } else {
                "undisclosed"
            },
            &[("count", u.to_string()), ("policy", p.clone())],
        ));
    }
    s
}

/// The first line: one app's two releases, or two different apps.
fn header(d: &ReleaseDiff, w: &Words) -> String {
    let args = [
        ("old_package", d.old.package.clone()),
        ("new_package", d.new.package.clone()),
        ("old", w.version(&d.old)),
        ("new", w.version(&d.new)),
    ];
    w.fill(
        if d.same_package {
            "header"
        } else {
            "header_two_apps"
        },
        &args,
    )
}

/// The terminal view, in English.
pub fn render_table(d: &ReleaseDiff) -> String {
    render_table_in(d, Lang::En)
}

/// The terminal view in a language.
pub fn render_table_in(d: &ReleaseDiff, lang: Lang) -> String {
    let w = Words(lang);
    let mut out = format!("{}\n", table::printable(&header(d, &w)));
    if !d.same_package {
        out.push_str(&table::paragraph(&w.get("different_apps")));
        out.push('\n');
    }
    out.push_str(&verdict_in(d, lang));
    out.push('\n');
    let lines = lines(d, &w);
    if !lines.is_empty() {
        let titles = ["col_what", "col_subject", "col_detail", "col_policy"].map(|k| w.get(k));
        let mut t = table::new(&[
            "",
            titles[0].as_str(),
            titles[1].as_str(),
            titles[2].as_str(),
            titles[3].as_str(),
        ]);
        t.priority(2, Priority::High)
            .priority(3, Priority::High)
            .priority(4, Priority::High);
        for l in lines {
            t.add_row(vec![
                l.sign.to_string(),
                l.kind,
                l.subject,
                l.detail,
                status_word(l.status, &w),
            ]);
        }
        // Without a policy the policy column is empty.
        t.drop_empty_columns();
        out.push('\n');
        out.push_str(&t.to_string());
        out.push('\n');
    }
    out
}

fn status_word(s: Status, w: &Words) -> String {
    match s {
        Status::None => String::new(),
        Status::Disclosed => w.get("disclosed"),
        Status::NotDisclosed => w.get("not_disclosed"),
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown, for a pull-request comment, in English.
pub fn render_markdown(d: &ReleaseDiff) -> String {
    render_markdown_in(d, Lang::En)
}

/// Markdown in a language.
pub fn render_markdown_in(d: &ReleaseDiff, lang: Lang) -> String {
    let w = Words(lang);
    let args = [
        ("old_package", md_cell(&d.old.package)),
        ("new_package", md_cell(&d.new.package)),
        ("old", md_cell(&w.version(&d.old))),
        ("new", md_cell(&w.version(&d.new))),
    ];
    let mut out = if d.same_package {
        format!("{}\n\n", w.fill("md_header", &args))
    } else {
        format!(
            "{}\n\n{}\n\n",
            w.fill("md_header_two_apps", &args),
            w.get("different_apps")
        )
    };
    out.push_str(&md_cell(&verdict_in(d, lang)));
    out.push('\n');
    let lines = lines(d, &w);
    if !lines.is_empty() {
        let titles = ["col_what", "col_subject", "col_detail", "col_policy"].map(|k| w.get(k));
        out.push_str(&format!(
            "\n| | {} |\n|---|---|---|---|---|\n",
            titles.join(" | ")
        ));
        for l in lines {
            let status = status_word(l.status, &w);
            out.push_str(&format!(
                "| {} | {} | `{}` | {} | {} |\n",
                l.sign,
                l.kind,
                md_cell(&l.subject),
                md_cell(&l.detail),
                if l.status == Status::NotDisclosed {
                    format!("**{status}**")
                } else {
                    status
                }
            ));
        }
    }
    out
}
