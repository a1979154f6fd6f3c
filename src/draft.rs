//! `appaudit draft`: the SDK disclosure table and the permission list, in the shape Chinese
//! policies use, drafted from what the app contains; with a policy, only the rows it is missing.

use crate::audit::data::data_type_name;
use crate::audit::{AttributedCall, AuditOutcome, SdkView};
use crate::engine::{vendor_display, Analysis};
use crate::report::html::markdown::md;
use crate::report::html::{esc, link, page, Lang};
use crate::rules::permissions::PermissionCatalog;
use crate::rules::sdks::SdkCatalog;
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
    /// The data the SDK is known to collect (knowledge base).
    pub known_data: Vec<String>,
    /// The data its code was seen collecting in this app.
    pub seen_data: Vec<String>,
    /// The vendor's privacy policy.
    pub link: Option<String>,
}

/// One permission to add to the policy's permission list.
#[derive(Debug, Clone)]
pub struct DraftPermission {
    /// Full Android name.
    pub permission: String,
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

/// The purpose of an SDK of this category, in the policy's words.
fn purpose(category: &str, lang: Lang) -> &'static str {
    let (zh, en) = match category {
        "push" => ("消息推送", "Push notifications"),
        "analytics" => ("统计分析", "Usage statistics and analytics"),
        "ads" => ("广告投放与广告效果监测", "Advertising and ad measurement"),
        "map" => ("地图展示与定位服务", "Maps and location services"),
        "payment" => ("支付", "Payments"),
        "face" => (
            "人脸识别与实名认证",
            "Face verification and identity checks",
        ),
        "anti-fraud" => ("风险控制与反欺诈", "Risk control and fraud prevention"),
        "packer" => ("应用安全加固", "App hardening (code protection)"),
        "crash" => (
            "崩溃日志收集与性能监控",
            "Crash reporting and performance monitoring",
        ),
        "share" => ("分享至第三方平台", "Sharing to third-party platforms"),
        "login" => ("第三方账号登录", "Sign-in with a third-party account"),
        "storage" => ("文件存储与上传", "File storage and upload"),
        "feedback" => ("用户反馈", "User feedback"),
        _ => ("【请填写使用目的】", "[purpose]"),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
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
            (Lang::En, Some(r)) if !r.name_en.is_empty() => r.name_en.clone(),
            _ => sdk.name.clone(),
        };
        let vendor = match (lang, rule) {
            (Lang::Zh, Some(r)) if !r.vendor_zh.is_empty() => vendor_display(&r.vendor_zh),
            (Lang::En, Some(r)) if !r.vendor_en.is_empty() => r.vendor_en.clone(),
            _ => sdk.vendor.clone(),
        };
        rows.push(DraftSdk {
            id: sdk.id.clone(),
            name,
            vendor,
            purpose: purpose(&sdk.category, lang).to_string(),
            known_data: rule.map(|r| r.data_types.items.clone()).unwrap_or_default(),
            seen_data: seen_data(&analysis.calls, &sdk.id, lang),
            link: rule.and_then(|r| r.privacy_url.clone()),
        });
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
        .map(|r| DraftPermission {
            permission: r.name.clone(),
            words: match lang {
                Lang::Zh => r
                    .group_zh
                    .clone()
                    .or_else(|| r.zh_specific.first().cloned())
                    .unwrap_or_else(|| r.name.clone()),
                Lang::En => r
                    .en_terms
                    .first()
                    .map_or_else(|| r.name.clone(), |t| capitalise(t)),
            },
        })
        .collect();
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

/// The data types an SDK's code was seen collecting, by name.
fn seen_data(calls: &[AttributedCall], id: &str, lang: Lang) -> Vec<String> {
    let mut v: Vec<String> = calls
        .iter()
        .filter(|c| c.sdk.as_deref() == Some(id))
        .map(|c| data_type_name(&c.data_type, lang))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The fixed words of a draft.
struct Words {
    sdk_title: &'static str,
    perm_title: &'static str,
    missing: &'static str,
    cols: [&'static str; 6],
    perm_cols: [&'static str; 3],
    placeholder: &'static str,
    nothing: &'static str,
    intro: &'static str,
}

const ZH: Words = Words {
    sdk_title: "第三方SDK清单",
    perm_title: "权限清单",
    missing: "（隐私政策缺少的条目）",
    cols: [
        "SDK名称",
        "第三方主体",
        "使用目的",
        "收集个人信息类型",
        "代码中检测到的收集",
        "隐私政策链接",
    ],
    perm_cols: ["权限名称", "Android权限", "使用目的与业务场景"],
    placeholder: "【请填写：使用目的与对应的业务功能】",
    nothing: "无",
    intro: "由 appaudit draft 根据App实际包含的SDK和权限生成的草稿，发布前请核对每一项。",
};

const EN: Words = Words {
    sdk_title: "Third-party SDKs",
    perm_title: "Permissions",
    missing: " (rows the policy is missing)",
    cols: ["SDK", "Vendor (legal name)", "Purpose", "Data the SDK is known to collect", "Data its code was seen collecting", "Vendor's privacy policy"],
    perm_cols: ["Permission", "Android name", "Purpose and the feature that uses it"],
    placeholder: "[purpose and the feature that uses it]",
    nothing: "None",
    intro: "Drafted by appaudit draft from the SDKs and permissions the app really contains; check every item before publishing.",
};

impl Draft {
    fn words(&self) -> &'static Words {
        match self.lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    fn sep(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "；",
            Lang::En => "; ",
        }
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
        let suffix = if self.only_missing { w.missing } else { "" };
        (
            format!("{}{suffix}", w.sdk_title),
            format!("{}{suffix}", w.perm_title),
        )
    }

    /// Numbered plain text, as Chinese policies print their SDK lists.
    pub fn txt(&self) -> String {
        let w = self.words();
        let colon = if self.lang == Lang::Zh { "：" } else { ": " };
        let (sdk_title, perm_title) = self.titles();
        let mut out = format!("{}\n\n{sdk_title}\n\n", w.intro);
        if self.sdks.is_empty() {
            let _ = writeln!(out, "{}\n", w.nothing);
        }
        for (i, s) in self.sdks.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, clean(&s.name));
            let fields = [
                (w.cols[1], s.vendor.clone()),
                (w.cols[2], s.purpose.clone()),
                (w.cols[3], s.known_data.join(self.sep())),
                (w.cols[4], s.seen_data.join(self.sep())),
                (w.cols[5], s.link.clone().unwrap_or_default()),
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
                "{}. {}（{}）{colon}{}",
                i + 1,
                p.words,
                p.permission,
                w.placeholder
            );
        }
        out
    }

    /// Markdown tables.
    pub fn markdown(&self) -> String {
        let w = self.words();
        let (sdk_title, perm_title) = self.titles();
        let mut out = format!("{}\n\n## {sdk_title}\n\n", md(w.intro));
        if self.sdks.is_empty() {
            let _ = writeln!(out, "{}\n", w.nothing);
        } else {
            let _ = writeln!(out, "| {} |\n|---|---|---|---|---|---|", w.cols.join(" | "));
            for s in &self.sdks {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    md(&s.name),
                    md(&s.vendor),
                    md(&s.purpose),
                    md(&s.known_data.join(self.sep())),
                    md(&s.seen_data.join(self.sep())),
                    s.link.as_deref().map_or_else(String::new, md)
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
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} |",
                    md(&p.words),
                    p.permission,
                    md(w.placeholder)
                );
            }
        }
        out
    }

    /// A self-contained HTML page.
    pub fn html(&self) -> String {
        let w = self.words();
        let (sdk_title, perm_title) = self.titles();
        let mut body = format!(
            "<h1>{} <code>{}</code></h1><p class=\"note\">{}</p><h2>{}</h2>",
            esc(w.sdk_title),
            esc(&self.package),
            esc(w.intro),
            esc(&sdk_title)
        );
        body.push_str("<table id=\"draft-sdks\"><thead><tr>");
        for c in w.cols {
            let _ = write!(body, "<th>{}</th>", esc(c));
        }
        body.push_str("</tr></thead><tbody>");
        for s in &self.sdks {
            let _ = write!(
                body,
                "<tr data-sdk-id=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&s.id),
                esc(&s.name),
                esc(&s.vendor),
                esc(&s.purpose),
                esc(&s.known_data.join(self.sep())),
                esc(&s.seen_data.join(self.sep())),
                s.link.as_deref().map_or_else(String::new, |u| link(u, u))
            );
        }
        let _ = write!(
            body,
            "</tbody></table><h2>{}</h2><table id=\"draft-permissions\"><thead><tr>",
            esc(&perm_title)
        );
        for c in w.perm_cols {
            let _ = write!(body, "<th>{}</th>", esc(c));
        }
        body.push_str("</tr></thead><tbody>");
        for p in &self.permissions {
            let _ = write!(
                body,
                "<tr data-permission=\"{}\"><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                esc(&p.permission),
                esc(&p.words),
                esc(&p.permission),
                esc(w.placeholder)
            );
        }
        body.push_str("</tbody></table>");
        page(self.lang, &sdk_title, &body)
    }
}

/// One line of plain text: control characters and line breaks removed.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect()
}
