//! The consent knowledge of an SDK (`[[consent]]` tables): its initialisation methods, its
//! compliant pre-initialisation, its privacy/consent APIs, its consent checks and its
//! auto-initialising providers, each with the vendor's compliance guide as source.

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// What a `[[consent]]` entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentKind {
    /// A method that starts the SDK (collects): must run after consent.
    Init,
    /// A compliant pre-initialisation that collects nothing (Umeng `UMConfigure.preInit`).
    PreInit,
    /// A privacy/consent API (AMap `updatePrivacyAgree`, Baidu `setAgreePrivacy`): calling it
    /// records the user's answer, so a method that calls it is a consent callback.
    PrivacyApi,
    /// A method whose result says whether the user agreed: a branch on it guards.
    ConsentCheck,
    /// A content provider the SDK declares that initialises it at process start.
    AutoInitProvider,
}

impl ConsentKind {
    /// Every kind, as written in the rules.
    pub const ALL: [(&'static str, ConsentKind); 5] = [
        ("init", ConsentKind::Init),
        ("pre-init", ConsentKind::PreInit),
        ("privacy-api", ConsentKind::PrivacyApi),
        ("consent-check", ConsentKind::ConsentCheck),
        ("auto-init-provider", ConsentKind::AutoInitProvider),
    ];

    fn parse(s: &str) -> Option<ConsentKind> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, k)| *k)
    }
}

/// One `[[consent]]` entry, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentApi {
    /// What it is.
    pub kind: ConsentKind,
    /// `com.umeng.commonsdk.UMConfigure.init` (class and method, Java form; every overload), or
    /// for a provider its class.
    pub target: String,
    /// The vendor's compliance guide (URL).
    pub source: String,
    /// For a provider: the application meta-data that the vendor documents as keeping it
    /// from collecting until the app says the user agreed (`name=value`, e.g.
    /// `firebase_analytics_collection_enabled=false`); the provider is then no finding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub off_when: Vec<String>,
    /// Line in the rules file.
    #[serde(skip)]
    pub line: usize,
}

impl ConsentApi {
    /// The first `off_when` switch that `meta` (the application's meta-data as name and
    /// value) sets; values compare without case (`false`, `FALSE`).
    pub fn switched_off<'m>(
        &self,
        meta: impl Iterator<Item = (&'m str, &'m str)> + Clone,
    ) -> Option<&str> {
        self.off_when.iter().map(String::as_str).find(|o| {
            let Some((name, value)) = o.split_once('=') else {
                return false;
            };
            meta.clone()
                .any(|(n, v)| n == name.trim() && v.trim().eq_ignore_ascii_case(value.trim()))
        })
    }

    /// The class descriptor and method name of a method entry (`Lcom/umeng/x/Y;`, `init`).
    pub fn method_parts(&self) -> Option<(String, &str)> {
        method_parts(&self.target)
    }
}

/// The class descriptor and method name of a method target (`com.umeng.x.Y.init` gives
/// `Lcom/umeng/x/Y;`, `init`).
pub fn method_parts(target: &str) -> Option<(String, &str)> {
    let (class, method) = target.rsplit_once('.')?;
    Some((format!("L{};", class.replace('.', "/")), method))
}

/// A `[[consent]]` table as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConsent {
    kind: Spanned<String>,
    target: Spanned<String>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    off_when: Vec<String>,
}

/// Checks the `[[consent]]` tables of one file; problems go to `err(line, message)`.
pub(super) fn convert(
    raw: &[RawConsent],
    line_of: impl Fn(&Spanned<String>) -> usize,
    mut err: impl FnMut(usize, String),
) -> Vec<ConsentApi> {
    let mut out = Vec::new();
    for r in raw {
        let line = line_of(&r.target);
        let Some(kind) = ConsentKind::parse(r.kind.get_ref()) else {
            let names: Vec<&str> = ConsentKind::ALL.iter().map(|(n, _)| *n).collect();
            err(
                line_of(&r.kind),
                format!(
                    "unknown consent kind {:?} (one of: {})",
                    r.kind.get_ref(),
                    names.join(", ")
                ),
            );
            continue;
        };
        let t = r.target.get_ref();
        let java = !t.is_empty()
            && t.split('.').count() >= 2
            && t.split('.').all(|seg| {
                !seg.is_empty()
                    && seg
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
            });
        if !java {
            let what = if kind == ConsentKind::AutoInitProvider {
                "a provider class (com.example.sdk.InitProvider)"
            } else {
                "a class and method (com.example.sdk.Sdk.init)"
            };
            err(line, format!("consent target {t:?} must name {what}"));
        }
        if !(r.source.starts_with("https://") || r.source.starts_with("http://")) {
            err(
                line,
                format!(
                    "consent target {t:?} needs a source: the URL of the vendor's compliance guide"
                ),
            );
        }
        if !r.off_when.is_empty() && kind != ConsentKind::AutoInitProvider {
            err(
                line,
                format!(
                    "consent target {t:?}: off_when applies to auto-init-provider entries only"
                ),
            );
        }
        for o in &r.off_when {
            let ok = o
                .split_once('=')
                .is_some_and(|(n, v)| !n.trim().is_empty() && !v.trim().is_empty());
            if !ok {
                err(
                    line,
                    format!("consent target {t:?}: off_when {o:?} must be meta-data name=value"),
                );
            }
        }
        out.push(ConsentApi {
            kind,
            target: t.clone(),
            source: r.source.clone(),
            off_when: r.off_when.clone(),
            line,
        });
    }
    out
}
