//! The HTML report (`audit --format html`): one self-contained file, styles inline, no scripts,
//! fonts or images fetched from anywhere; readable offline and printable to PDF. Built with maud,
//! so every string from the app or the policy is escaped by construction; links are kept only
//! for http(s) URLs. Void elements are written `<br/>` so the page also parses as XML.

pub mod labels;
pub mod markdown;
pub mod model;
mod sections;

pub use model::{Lang, Section};

use crate::report::audit::AuditReport;
use labels::Labels;
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The style sheet, inline (no `<` or `&`, so the page also parses as XML).
const CSS: &str = r#"
body{font-family:"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",Arial,sans-serif;margin:0 auto;max-width:1220px;padding:20px 28px;color:#222;font-size:13px;line-height:1.45;background:#fff}
h1{font-size:24px;margin:0 0 2px}
h2{font-size:18px;border-bottom:2px solid #2c3e50;padding-bottom:3px;margin:22px 0 8px;color:#1b2631}
h3{font-size:14px;margin:12px 0 4px}
p{margin:4px 0}
.sub{color:#555}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}
th,td{border:1px solid #d5d8dc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eaecee;font-weight:600}
.kv th{width:38%;background:#f4f6f6}
.cols{display:flex;gap:18px;align-items:flex-start}
.cols>div{flex:1;min-width:0}
.glance{display:flex;gap:24px;align-items:center;flex-wrap:wrap}
.badge{font-size:30px;font-weight:bold;color:#fff;padding:14px 26px;border-radius:8px}
.pass{background:#1e8449}
.fail{background:#c0392b}
.counts{width:auto}
.counts td,.counts th{text-align:center;min-width:54px}
figure{margin:6px 0}
figcaption{font-size:12px;color:#555}
.st{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px;white-space:nowrap}
.st-undisclosed,.sev-high{background:#c0392b}
.st-vendor-mismatch,.sev-medium,.st-not-in-sdk-row{background:#e67e22}
.st-listed-not-found,.sev-info,.st-not-requested,.st-not-relevant{background:#7f8c8d}
.st-prose-only,.sev-low,.st-sdk-undisclosed{background:#b7950b}
.st-disclosed{background:#1e8449}
#sdk-side-by-side td:nth-child(2){white-space:nowrap}
.ev{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:11px;color:#444;word-break:break-all}
.ver{font-size:11px;color:#0a5;border:1px solid #9c9;border-radius:3px;padding:0 3px;white-space:nowrap}
code{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:12px}
.muted{color:#888}
.note{color:#555;font-size:12px}
.rule{border-left:4px solid #d5d8dc;padding:2px 0 2px 10px;margin:10px 0}
.rule.high{border-color:#c0392b}
.rule.medium{border-color:#e67e22}
.rule.low{border-color:#b7950b}
.rule.info{border-color:#7f8c8d}
.clauses{margin:2px 0 4px 18px;padding:0;font-size:12px}
dl{margin:2px 0;font-size:12px}
dt{font-weight:600;float:left;margin-right:6px}
dd{margin:0 0 2px 0}
footer{margin-top:24px;color:#777;font-size:11px;border-top:1px solid #d5d8dc;padding-top:6px}
@media print{body{max-width:none;padding:0;font-size:11px}h2{page-break-after:avoid}.rule,tr,figure{page-break-inside:avoid}a{color:#222}}
"#;

/// Escapes text for HTML content and attribute values; control characters are dropped (for
/// Text without control characters (maud escapes markup; controls would still break XML).
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect()
}

/// The URL when it is a plain http(s) URL.
pub(crate) fn safe_url(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    ((lower.starts_with("https://") || lower.starts_with("http://"))
        && !u.chars().any(|c| c.is_whitespace() || c.is_control()))
    .then_some(u)
}

/// A link when `url` is a plain http(s) URL, else the text alone.
pub fn link_markup(url: Option<&str>, text: &str) -> Markup {
    match url.and_then(safe_url) {
        Some(u) => html! { a href=(u) rel="noreferrer noopener" { (clean(text)) } },
        None => html! { (clean(text)) },
    }
}

/// `<br/>`, XML-style.
pub(crate) const BR: PreEscaped<&str> = PreEscaped("<br/>");

/// A whole page around `body`: the one shell of the report and of `draft --format html`.
pub fn page(lang: Lang, title: &str, body: Markup) -> String {
    let page = html! {
        (DOCTYPE) "\n"
        html lang=(match lang { Lang::Zh => "zh-CN", Lang::En => "en" }) {
            head {
                (PreEscaped(r#"<meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>"#))
                title { (clean(title)) }
                style { (PreEscaped(CSS)) }
            }
            "\n"
            body { "\n" (body) "\n" }
        }
        "\n"
    };
    page.into_string()
}

/// The HTML report.
pub fn render(rep: &AuditReport) -> String {
    let lang = rep.lang();
    let l = Labels::of(lang);
    let body = html! {
        header {
            h1 { (l.title) " · " code { (clean(&rep.app.package)) } " " (clean(rep.app.version_name.as_deref().unwrap_or(""))) }
            p.sub { (l.scope_note) }
        }
        "\n"
        @for s in Section::ALL {
            section id=(s.id()) {
                h2 { (s.title(l)) }
                "\n"
                (sections::body(s, rep, l))
            }
            "\n"
        }
        footer { "appaudit " (rep.tool.version) " · " (rep.rules.version) }
    };
    let title = format!("{} {}", l.title, rep.app.package);
    page(lang, &title, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_quotes_and_controls() {
        assert_eq!(
            html! { (clean("<b>\u{1}&\"")) }.into_string(),
            "&lt;b&gt;&amp;&quot;"
        );
        assert_eq!(
            html! { a title=(clean("x\"><script>")) {} }.into_string(),
            "<a title=\"x&quot;&gt;&lt;script&gt;\"></a>"
        );
    }

    #[test]
    fn only_http_links_become_anchors() {
        let link = |u: &str, t: &str| link_markup(Some(u), t).into_string();
        assert!(link("https://a.example/p?x=1&y=2", "t")
            .starts_with("<a href=\"https://a.example/p?x=1&amp;y=2\""));
        assert_eq!(link("javascript:alert(1)", "t"), "t");
        assert_eq!(link("https://a b", "<t>"), "&lt;t&gt;");
        assert!(!CSS.contains('<') && !CSS.contains('&'));
    }
}
