//! The `diff` report as text: a table view for a terminal and Markdown for a pull request. The
//! JSON view is [`ReleaseDiff`] serialized.

use crate::report::runs::{DataAccessChange, Release, ReleaseDiff};
use crate::report::table::{self, Priority};

fn version(r: &Release) -> String {
    format!(
        "{} ({})",
        r.version_name.as_deref().unwrap_or("-"),
        r.version_code.map_or("-".to_string(), |c| c.to_string())
    )
}

fn mark(undisclosed: Option<bool>) -> &'static str {
    match undisclosed {
        Some(true) => "NOT DISCLOSED",
        Some(false) => "disclosed",
        None => "",
    }
}

fn who(d: &DataAccessChange) -> String {
    d.sdk.clone().unwrap_or_else(|| "app / other".to_string())
}

/// One line per change, grouped: `+ sdk ...`, `- permission ...`.
struct Line {
    sign: char,
    kind: &'static str,
    subject: String,
    detail: String,
    status: &'static str,
}

fn lines(d: &ReleaseDiff) -> Vec<Line> {
    let mut out = Vec::new();
    for s in &d.sdks_added {
        out.push(Line {
            sign: '+',
            kind: "SDK",
            subject: s.id.clone(),
            detail: format!("{}, {} ({})", s.name, s.vendor, s.category),
            status: mark(s.undisclosed),
        });
    }
    for s in &d.sdks_removed {
        out.push(Line {
            sign: '-',
            kind: "SDK",
            subject: s.id.clone(),
            detail: format!("{}, {} ({})", s.name, s.vendor, s.category),
            status: "",
        });
    }
    for v in &d.sdk_versions {
        out.push(Line {
            sign: '~',
            kind: "SDK version",
            subject: v.id.clone(),
            detail: format!(
                "{} -> {}",
                v.old.as_deref().unwrap_or("unknown"),
                v.new.as_deref().unwrap_or("unknown")
            ),
            status: "",
        });
    }
    for (sign, list) in [('+', &d.permissions_added), ('-', &d.permissions_removed)] {
        for p in list {
            out.push(Line {
                sign,
                kind: "permission",
                subject: p.name.clone(),
                detail: if p.dangerous { "dangerous" } else { "" }.to_string(),
                status: mark(p.undisclosed),
            });
        }
    }
    for (sign, list) in [('+', &d.data_access_added), ('-', &d.data_access_removed)] {
        for a in list {
            out.push(Line {
                sign,
                kind: "data access",
                subject: a.data_type.clone(),
                detail: format!("by {}: {}", who(a), a.callers.join(", ")),
                status: mark(a.undisclosed),
            });
        }
    }
    out
}

/// `3 changes; 1 added item not disclosed by POLICY`.
pub fn verdict(d: &ReleaseDiff) -> String {
    let mut s = format!("{} change{}", d.summary.changes, plural(d.summary.changes));
    if let Some(p) = &d.policy {
        s.push_str(&format!(
            "; {} added item{} not disclosed by {p}",
            d.summary.undisclosed_added,
            plural(d.summary.undisclosed_added)
        ));
    }
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The first line: one app's two releases, or two different apps.
fn header(d: &ReleaseDiff) -> String {
    if d.same_package {
        format!(
            "{} {} -> {}",
            d.new.package,
            version(&d.old),
            version(&d.new)
        )
    } else {
        format!(
            "two different apps: {} {} -> {} {}",
            d.old.package,
            version(&d.old),
            d.new.package,
            version(&d.new)
        )
    }
}

/// What a user should expect of a diff between two different apps.
const DIFFERENT_APPS: &str = "The package names differ, so this is not a new release of one app: \
everything one app has and the other lacks is listed as added or removed.";

/// The terminal view.
pub fn render_table(d: &ReleaseDiff) -> String {
    let mut out = format!("{}\n", table::printable(&header(d)));
    if !d.same_package {
        out.push_str(&table::paragraph(DIFFERENT_APPS));
        out.push('\n');
    }
    out.push_str(&verdict(d));
    out.push('\n');
    let lines = lines(d);
    if !lines.is_empty() {
        let mut t = table::new(&["", "what", "subject", "detail", "policy"]);
        t.priority(2, Priority::High)
            .priority(3, Priority::High)
            .priority(4, Priority::High);
        for l in lines {
            t.add_row(vec![
                l.sign.to_string(),
                l.kind.to_string(),
                l.subject,
                l.detail,
                l.status.to_string(),
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

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown, for a pull-request comment.
pub fn render_markdown(d: &ReleaseDiff) -> String {
    let mut out = if d.same_package {
        format!(
            "## appaudit diff: `{}` {} → {}\n\n",
            md_cell(&d.new.package),
            md_cell(&version(&d.old)),
            md_cell(&version(&d.new)),
        )
    } else {
        format!(
            "## appaudit diff of two different apps: `{}` {} → `{}` {}\n\n{}\n\n",
            md_cell(&d.old.package),
            md_cell(&version(&d.old)),
            md_cell(&d.new.package),
            md_cell(&version(&d.new)),
            DIFFERENT_APPS
        )
    };
    out.push_str(&md_cell(&verdict(d)));
    out.push('\n');
    let lines = lines(d);
    if !lines.is_empty() {
        out.push_str("\n| | what | subject | detail | policy |\n|---|---|---|---|---|\n");
        for l in lines {
            out.push_str(&format!(
                "| {} | {} | `{}` | {} | {} |\n",
                l.sign,
                l.kind,
                md_cell(&l.subject),
                md_cell(&l.detail),
                if l.status == "NOT DISCLOSED" {
                    "**NOT DISCLOSED**"
                } else {
                    l.status
                }
            ));
        }
    }
    out
}
