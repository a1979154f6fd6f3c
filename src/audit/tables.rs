//! The tables every view shows, computed once per audit from the rules' results: the SDKs side
//! by side with the policy's rows, permissions requested vs disclosed, sensitive data access by
//! SDK, and the manifest flags. Renderers only read them.

use crate::apk::App;
use crate::audit::data::data_type_arg;
use crate::audit::normalize::{fold, name_key, names_match};
use crate::audit::sdks::{category_arg, row_file, sdk_name};
use crate::audit::{AttributedCall, AuditOutcome, Finding, SdkView};
use crate::model::{
    Arg, DataRow, DataStatus, How, ManifestFlags, PermissionRow, PermissionStatus, PolicyQuote,
    PolicyRow, RuleId, SdkRow, SdkStatus,
};
use crate::policy::{PolicyDoc, SdkDisclosure};
use crate::rules::data_types::DataTypeCatalog;
use crate::rules::permissions::PermissionCatalog;
use crate::rules::sdks::SdkCatalog;
use std::collections::BTreeMap;

/// Every table of one audit.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    /// SDKs side by side with the policy's rows, most urgent first.
    pub sdks: Vec<SdkRow>,
    /// Permissions requested vs disclosed.
    pub permissions: Vec<PermissionRow>,
    /// Sensitive data access by SDK vs disclosed.
    pub data: Vec<DataRow>,
    /// Manifest flags.
    pub manifest: ManifestFlags,
}

/// What the tables are computed from.
pub struct TableInput<'a> {
    /// The app.
    pub app: &'a App,
    /// The policy.
    pub policy: &'a PolicyDoc,
    /// The SDKs detected.
    pub sdks: &'a [SdkView],
    /// The sensitive calls.
    pub calls: &'a [AttributedCall],
    /// The rules' results.
    pub outcome: &'a AuditOutcome,
    /// The findings after overrides and the baseline.
    pub findings: &'a [Finding],
    /// The SDK rules (categories of rows no detection matched).
    pub catalog: &'a SdkCatalog,
}

/// Computes every table.
pub fn build(input: &TableInput<'_>) -> Tables {
    let sdks = sdk_rows(input);
    let data = data_rows(input, &sdks);
    Tables {
        permissions: permission_rows(input),
        data,
        sdks,
        manifest: manifest_flags(input.app),
    }
}

fn policy_row(r: &SdkDisclosure, policy: &PolicyDoc) -> PolicyRow {
    PolicyRow {
        name: r.name.clone(),
        vendor: r.vendor.clone(),
        purpose: r.purpose.clone(),
        data: r.data.clone(),
        link: r.link.clone(),
        file: row_file(r.file.as_ref(), policy),
        line: r.line,
    }
}

fn has(findings: &[Finding], rule: RuleId, subject: &str) -> bool {
    findings
        .iter()
        .any(|f| f.rule == rule && f.subject == subject)
}

/// The SDK table side by side: every SDK found and every SDK listed.
fn sdk_rows(input: &TableInput<'_>) -> Vec<SdkRow> {
    let rows = &input.policy.sdks;
    let mut used = vec![false; rows.len()];
    let mut out = Vec::new();
    for (sdk, disclosed) in input.sdks.iter().zip(&input.outcome.sdk_disclosures) {
        let (row, prose_line, status) = match disclosed {
            None => (None, None, SdkStatus::Undisclosed),
            Some(d) if d.how == How::Prose => (None, Some(d.line), SdkStatus::ProseOnly),
            Some(d) => {
                let i = rows
                    .iter()
                    .position(|r| r.name == d.name && r.line == d.line);
                if let Some(i) = i {
                    used[i] = true;
                }
                let status = if has(input.findings, RuleId::SdkVendorMismatch, &sdk.id) {
                    SdkStatus::VendorMismatch
                } else {
                    SdkStatus::Disclosed
                };
                (i.and_then(|i| rows.get(i)), None, status)
            }
        };
        out.push(SdkRow {
            status,
            sdk: Some(sdk.id.clone()),
            row: row.map(|r| policy_row(r, input.policy)),
            prose_line,
            category_name: category_arg(&sdk.category),
            category: sdk.category.clone(),
            name: sdk_name(sdk),
        });
    }
    let mut names: Option<CatalogueNames<'_>> = None;
    for (i, r) in rows.iter().enumerate() {
        if used[i] {
            continue;
        }
        // A second row naming a detected SDK is a disclosure too; only rows that no detection
        // matched are "listed but not found" (the disclosed-sdk-not-found findings).
        let status = if has(input.findings, RuleId::DisclosedSdkNotFound, &r.name) {
            SdkStatus::ListedNotFound
        } else {
            SdkStatus::Disclosed
        };
        let category = names
            .get_or_insert_with(|| CatalogueNames::of(input.catalog))
            .category_of_row(&r.name)
            .unwrap_or_else(|| "other".into());
        out.push(SdkRow {
            status,
            sdk: None,
            row: Some(policy_row(r, input.policy)),
            prose_line: None,
            category_name: category_arg(&category),
            category,
            name: Arg::text(&r.name),
        });
    }
    out.sort_by_key(|r| r.status);
    out
}

/// The knowledge base's names by key, for the categories of the rows no detection matched:
/// worked out once per audit (when such a row exists), not once per row.
struct CatalogueNames<'c> {
    /// Per name, in catalogue order (an entry's `names`, then its English name): its key, the
    /// entry's category, and whether the name may match by containment (one of `names`, at
    /// least 3 characters).
    keys: Vec<(String, &'c str, bool)>,
}

impl<'c> CatalogueNames<'c> {
    fn of(catalog: &'c SdkCatalog) -> Self {
        let mut keys = Vec::new();
        for r in catalog.iter() {
            for n in &r.names {
                keys.push((name_key(n), r.category.as_str(), n.chars().count() >= 3));
            }
            keys.push((name_key(&r.name_en), r.category.as_str(), false));
        }
        CatalogueNames { keys }
    }

    /// The category of the SDK a policy row names: the first entry with a name of the same
    /// key, else the first with a name that matches the row's ([`names_match`]).
    fn category_of_row(&self, name: &str) -> Option<String> {
        let key = name_key(name);
        self.keys
            .iter()
            .find(|(k, ..)| *k == key)
            .or_else(|| {
                self.keys
                    .iter()
                    .find(|(k, _, contains)| *contains && names_match(k, &key))
            })
            .map(|(_, category, _)| category.to_string())
    }
}

/// Permissions requested vs disclosed: every requested permission, then those the policy names
/// that the app does not request.
fn permission_rows(input: &TableInput<'_>) -> Vec<PermissionRow> {
    let catalog = PermissionCatalog::builtin();
    let policy = input.policy;
    let text_of = |name: &str| {
        let mut hits: Vec<&crate::policy::PermissionDisclosure> = policy
            .permissions
            .iter()
            .filter(|p| p.permission == name)
            .collect();
        // A permission list item says more than a word met in passing.
        hits.sort_by_key(|p| (p.source == "text", p.line));
        hits.first().map(|p| PolicyQuote {
            text: p.text.clone(),
            file: row_file(p.file.as_ref(), policy),
            line: p.line,
        })
    };
    let group = |name: &str| catalog.get(name).and_then(|r| r.group_zh.clone());
    let mut out: Vec<PermissionRow> = input
        .outcome
        .permissions
        .iter()
        .map(|(name, dangerous, disclosed)| {
            let relevant = catalog.get(name).is_some_and(|r| r.privacy_relevant);
            let policy_text = if *disclosed { text_of(name) } else { None };
            PermissionRow {
                name: name.clone(),
                dangerous: *dangerous,
                privacy_relevant: relevant,
                group_zh: group(name),
                requested: true,
                status: match (&policy_text, relevant) {
                    (Some(_), _) => PermissionStatus::Disclosed,
                    (None, true) => PermissionStatus::Undisclosed,
                    (None, false) => PermissionStatus::NotRelevant,
                },
                policy_text,
            }
        })
        .collect();
    for f in input
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::DisclosedPermissionNotRequested)
    {
        if out.iter().any(|r| r.name == f.subject) {
            continue;
        }
        let rule = catalog.get(&f.subject);
        out.push(PermissionRow {
            name: f.subject.clone(),
            dangerous: rule.is_some_and(|r| r.dangerous),
            privacy_relevant: rule.is_some_and(|r| r.privacy_relevant),
            group_zh: group(&f.subject),
            requested: false,
            policy_text: text_of(&f.subject),
            status: PermissionStatus::NotRequested,
        });
    }
    out
}

/// Whether a row's data and purpose cells name the data type.
fn row_names_data(row: &PolicyRow, data_type: &str) -> bool {
    let text = fold(&format!(
        "{} {}",
        row.data.join(" "),
        row.purpose.as_deref().unwrap_or_default()
    ));
    let Some(rule) = DataTypeCatalog::builtin().get(data_type) else {
        return text.contains(&fold(data_type));
    };
    rule.zh_terms
        .iter()
        .chain(rule.en_terms.iter())
        .chain([&rule.name_zh, &rule.name_en])
        .map(|t| fold(t))
        .any(|t| !t.is_empty() && text.contains(&t))
}

/// `Landroid/telephony/TelephonyManager;->getDeviceId` as `TelephonyManager.getDeviceId`.
pub fn short_api(api: &str) -> String {
    let (class, member) = api.split_once(";->").unwrap_or((api, ""));
    let simple = class.rsplit('/').next().unwrap_or(class);
    if member.is_empty() {
        simple.to_string()
    } else {
        format!("{simple}.{member}")
    }
}

/// Sensitive data access by SDK vs what the policy discloses.
fn data_rows(input: &TableInput<'_>, sdk_rows: &[SdkRow]) -> Vec<DataRow> {
    let mut groups: BTreeMap<(Option<&str>, &str), Vec<&AttributedCall>> = BTreeMap::new();
    for c in input.calls {
        groups
            .entry((c.sdk.as_deref(), c.data_type.as_str()))
            .or_default()
            .push(c);
    }
    let types = DataTypeCatalog::builtin();
    let mut out = Vec::new();
    for ((sdk, data_type), calls) in groups {
        let side = sdk.and_then(|id| sdk_rows.iter().find(|r| r.sdk.as_deref() == Some(id)));
        let status = if has(input.findings, RuleId::UndisclosedDataAccess, data_type) {
            DataStatus::Undisclosed
        } else {
            match side {
                None => DataStatus::Disclosed,
                Some(s) if s.status == SdkStatus::Undisclosed => DataStatus::SdkUndisclosed,
                Some(s) => match &s.row {
                    Some(r) if !row_names_data(r, data_type) => DataStatus::NotInSdkRow,
                    _ => DataStatus::Disclosed,
                },
            }
        };
        let mut apis: Vec<String> = calls.iter().map(|c| short_api(&c.api)).collect();
        apis.sort();
        apis.dedup();
        let mut callers: Vec<String> = calls.iter().map(|c| c.caller.clone()).collect();
        callers.sort();
        callers.dedup();
        out.push(DataRow {
            sdk: sdk.map(str::to_string),
            sdk_name: side.map(|s| s.name.clone()),
            data_type: data_type.to_string(),
            data_type_name: data_type_arg(data_type, types),
            apis,
            callers,
            policy_text: input
                .policy
                .data_types
                .iter()
                .find(|d| d.data_type == data_type)
                .map(|d| PolicyQuote {
                    text: d.text.clone(),
                    file: row_file(d.file.as_ref(), input.policy),
                    line: d.line,
                }),
            status,
        });
    }
    // The app's own code first, then SDKs; problems first within each.
    out.sort_by_key(|r| (r.sdk.is_some(), r.status == DataStatus::Disclosed));
    out
}

/// The manifest flags the hygiene section shows.
pub fn manifest_flags(app: &App) -> ManifestFlags {
    let a = &app.manifest.application;
    let comps = &app.manifest.components;
    ManifestFlags {
        debuggable: a.debuggable,
        allow_backup: a.allow_backup,
        uses_cleartext_traffic: a.uses_cleartext_traffic,
        network_security_config: a.network_security_config.clone(),
        components: comps.len(),
        exported: comps.iter().filter(|c| c.exported).count(),
    }
}
