//! Collection before consent: `sdk-init-before-consent`, `data-before-consent` (one finding per
//! SDK or data type, with up to three call paths as evidence) and `sdk-auto-init-provider`, from
//! the consent analysis (`crate::consent`). They do not read the policy: consent comes first
//! whatever the policy says.

use crate::audit::{AuditInput, Finding};
use crate::consent::{ConsentPath, ConsentResult, Target};
use crate::model::{readable_method, Arg, CallStep, Evidence, RuleId, SubjectKind};
use crate::rules::data_types::DataTypeCatalog;

/// Runs the consent rules.
pub fn check(input: &AuditInput<'_>) -> Vec<Finding> {
    let name = |id: &str| {
        input
            .sdks
            .iter()
            .find(|s| s.id == id)
            .map(|s| Arg::both(&s.name, &s.name_en))
            .or_else(|| {
                input
                    .consent
                    .sdk_names
                    .iter()
                    .find(|(i, _, _)| i == id)
                    .map(|(_, zh, en)| Arg::both(zh, en))
            })
            .unwrap_or_else(|| Arg::text(id))
    };
    findings(input.consent, &name)
}

/// The findings of a consent result; `sdk_name` gives an SDK's display name.
pub fn findings(result: &ConsentResult, sdk_name: &dyn Fn(&str) -> Arg) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut targets: Vec<&Target> = Vec::new();
    for p in &result.paths {
        if !targets.contains(&&p.target) {
            targets.push(&p.target);
        }
    }
    targets.sort();
    for t in targets {
        let paths: Vec<&ConsentPath> = result.paths.iter().filter(|p| &p.target == t).collect();
        let Some(first) = paths.first() else { continue };
        let decided = paths.iter().any(|p| p.decided);
        let variant = if decided { "" } else { "undecided" };
        let evidence: Vec<Evidence> = paths.iter().map(|p| path_evidence(p)).collect();
        let common = vec![
            ("call", Arg::text(readable_method(&first.call))),
            ("entry", entry_arg(&first.entry_kind)),
            ("count", Arg::text(paths.len())),
        ];
        let f = match t {
            Target::SdkInit { sdk } => {
                let mut args = common;
                args.push(("sdk", sdk_name(sdk)));
                Finding::new(
                    RuleId::SdkInitBeforeConsent,
                    sdk,
                    SubjectKind::Sdk,
                    variant,
                    args,
                    evidence,
                )
            }
            Target::Data { data_type } => {
                let mut args = common;
                args.push((
                    "data",
                    crate::audit::data::data_type_arg(data_type, DataTypeCatalog::builtin()),
                ));
                Finding::new(
                    RuleId::DataBeforeConsent,
                    data_type,
                    SubjectKind::DataType,
                    variant,
                    args,
                    evidence,
                )
            }
        };
        out.push(f);
    }
    for p in result
        .providers
        .iter()
        .filter(|p| p.enabled && p.switched_off.is_none())
    {
        out.push(Finding::new(
            RuleId::SdkAutoInitProvider,
            &p.sdk,
            SubjectKind::Sdk,
            "",
            vec![
                ("sdk", sdk_name(&p.sdk)),
                ("provider", Arg::text(&p.provider)),
            ],
            vec![Evidence::ManifestElement {
                element: format!("<provider android:name=\"{}\">", p.provider),
            }],
        ));
    }
    out
}

fn entry_arg(kind: &str) -> Arg {
    Arg::both(
        &crate::model::locale::entry_name(crate::model::Lang::Zh, kind),
        &crate::model::locale::entry_name(crate::model::Lang::En, kind),
    )
}

fn path_evidence(p: &ConsentPath) -> Evidence {
    Evidence::CallPath {
        entry: p.entry_kind.clone(),
        steps: p
            .steps
            .iter()
            .map(|s| CallStep {
                method: s.method.clone(),
                via: serde_json::to_value(s.via)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            })
            .collect(),
        call: p.call.clone(),
        dex: p.dex.clone(),
        decided: p.decided,
    }
}
