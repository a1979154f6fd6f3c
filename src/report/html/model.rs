//! What the HTML and Markdown views show beyond the JSON contract, and the tables both derive
//! from the report: the SDK table side by side, permissions, data access by SDK, hygiene.

use crate::audit::normalize::{fold, name_key, names_match};
use crate::audit::{AttributedCall, SdkView};
use crate::engine::Analysis;
use crate::policy::{DataTypeDisclosure, PermissionDisclosure, PolicyDoc, SdkDisclosure};
use crate::report::audit::{AuditReport, SdkEntry};
use crate::rules::data_types::DataTypeCatalog;
use crate::rules::permissions::PermissionCatalog;
use crate::rules::sdks::SdkCatalog;
use std::collections::BTreeMap;

/// The language of a report or a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// Chinese.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The policy's language (`zh` or `en`) as a report language.
    pub fn from_code(code: &str) -> Lang {
        if code.eq_ignore_ascii_case("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// `zh` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// Manifest flags the hygiene section shows.
#[derive(Debug, Clone, Default)]
pub struct ManifestFlags {
    /// android:debuggable.
    pub debuggable: Option<bool>,
    /// android:allowBackup.
    pub allow_backup: Option<bool>,
    /// android:usesCleartextTraffic.
    pub uses_cleartext_traffic: Option<bool>,
    /// android:networkSecurityConfig.
    pub network_security_config: Option<String>,
    /// Number of components.
    pub components: usize,
    /// Number of exported components.
    pub exported: usize,
}

/// Knowledge-base facts about a detected SDK.
#[derive(Debug, Clone, Default)]
pub struct SdkFacts {
    /// Knowledge-base id.
    pub id: String,
    /// English name.
    pub name_en: String,
    /// English vendor name.
    pub vendor_en: String,
    /// The vendor's privacy policy.
    pub privacy_url: Option<String>,
    /// What the SDK is known to collect.
    pub known_data: Vec<String>,
}

/// The report's extra detail: filled by `main` for the HTML and Markdown views, not serialized.
#[derive(Debug, Clone, Default)]
pub struct ReportDetail {
    /// The language asked for; `None` follows the policy.
    pub lang: Option<Lang>,
    /// Every SDK row of the policy.
    pub policy_rows: Vec<SdkDisclosure>,
    /// Per policy row (same order), the knowledge-base category of the SDK it names, if known.
    pub row_categories: Vec<Option<String>>,
    /// Permissions the policy discloses, with its words.
    pub permission_texts: Vec<PermissionDisclosure>,
    /// Data types the policy discloses, with its words.
    pub data_type_texts: Vec<DataTypeDisclosure>,
    /// Manifest flags.
    pub manifest: ManifestFlags,
    /// Per detected SDK, knowledge-base facts.
    pub sdk_facts: Vec<SdkFacts>,
    /// The command line that produced the report.
    pub command: Vec<String>,
}

impl ReportDetail {
    /// Collects the detail from the inputs of an audit.
    pub fn build(
        policy: &PolicyDoc,
        analysis: &Analysis,
        sdks: &[SdkView],
        catalog: &SdkCatalog,
    ) -> ReportDetail {
        let app = &analysis.app.manifest.application;
        let comps = &analysis.app.manifest.components;
        ReportDetail {
            lang: None,
            policy_rows: policy.sdks.clone(),
            row_categories: policy
                .sdks
                .iter()
                .map(|r| category_of_row(&r.name, catalog))
                .collect(),
            permission_texts: policy.permissions.clone(),
            data_type_texts: policy.data_types.clone(),
            manifest: ManifestFlags {
                debuggable: app.debuggable,
                allow_backup: app.allow_backup,
                uses_cleartext_traffic: app.uses_cleartext_traffic,
                network_security_config: app.network_security_config.clone(),
                components: comps.len(),
                exported: comps.iter().filter(|c| c.exported).count(),
            },
            sdk_facts: sdks
                .iter()
                .map(|s| {
                    let rule = catalog.get(&s.id);
                    SdkFacts {
                        id: s.id.clone(),
                        name_en: rule.map_or_else(|| s.name.clone(), |r| r.name_en.clone()),
                        vendor_en: rule.map_or_else(|| s.vendor.clone(), |r| r.vendor_en.clone()),
                        privacy_url: rule.and_then(|r| r.privacy_url.clone()),
                        known_data: rule.map(|r| r.data_types.items.clone()).unwrap_or_default(),
                    }
                })
                .collect(),
            command: Vec::new(),
        }
    }
}

/// The knowledge-base category of the SDK a policy row names (for rows no detection matched).
fn category_of_row(name: &str, catalog: &SdkCatalog) -> Option<String> {
    let key = name_key(name);
    catalog
        .iter()
        .find(|r| {
            r.names
                .iter()
                .chain(std::iter::once(&r.name_en))
                .any(|n| name_key(n) == key)
        })
        .or_else(|| {
            catalog.iter().find(|r| {
                r.names
                    .iter()
                    .any(|n| names_match(&name_key(n), &key) && n.chars().count() >= 3)
            })
        })
        .map(|r| r.category.clone())
}

impl AuditReport {
    /// The report with the detail the HTML and Markdown views show.
    pub fn with_detail(mut self, detail: ReportDetail) -> AuditReport {
        self.detail = detail;
        self
    }

    /// The language of the HTML and Markdown views: asked for, else the policy's.
    pub fn lang(&self) -> Lang {
        self.detail
            .lang
            .unwrap_or_else(|| Lang::from_code(&self.policy.language))
    }
}

/// An SDK's status in the side-by-side table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SdkStatus {
    /// In the app, not in the policy.
    Undisclosed,
    /// The row names the SDK but not its vendor.
    VendorMismatch,
    /// In the policy, not in the app.
    ListedNotFound,
    /// Named only in the policy's prose.
    ProseOnly,
    /// In both.
    Disclosed,
}

impl SdkStatus {
    /// Every status, most urgent first.
    pub const ALL: [SdkStatus; 5] = [
        SdkStatus::Undisclosed,
        SdkStatus::VendorMismatch,
        SdkStatus::ListedNotFound,
        SdkStatus::ProseOnly,
        SdkStatus::Disclosed,
    ];

    /// Stable kebab-case name (used in `data-status`).
    pub fn slug(self) -> &'static str {
        match self {
            SdkStatus::Undisclosed => "undisclosed",
            SdkStatus::VendorMismatch => "vendor-mismatch",
            SdkStatus::ListedNotFound => "listed-not-found",
            SdkStatus::ProseOnly => "prose-only",
            SdkStatus::Disclosed => "disclosed",
        }
    }
}

/// One line of the side-by-side SDK table.
#[derive(Debug, Clone)]
pub struct SideRow<'a> {
    /// The SDK found in the app.
    pub app: Option<&'a SdkEntry>,
    /// The policy row that names it.
    pub row: Option<&'a SdkDisclosure>,
    /// Where the policy's prose mentions it (line), when it has no row.
    pub prose_line: Option<usize>,
    /// The status.
    pub status: SdkStatus,
    /// The category (knowledge base), `other` when unknown.
    pub category: String,
}

/// The SDK table side by side: every SDK found and every SDK listed, most urgent first.
pub fn side_by_side(rep: &AuditReport) -> Vec<SideRow<'_>> {
    let rows = &rep.detail.policy_rows;
    let mismatch = |id: &str| {
        rep.findings
            .iter()
            .any(|f| f.rule == "sdk-vendor-mismatch" && f.subject == id)
    };
    let mut used = vec![false; rows.len()];
    let mut out = Vec::new();
    for sdk in &rep.sdks {
        let (row, prose_line, status) = match &sdk.disclosed_as {
            None => (None, None, SdkStatus::Undisclosed),
            Some(d) if d.how == "prose" => (None, Some(d.line), SdkStatus::ProseOnly),
            Some(d) => {
                let i = rows
                    .iter()
                    .position(|r| r.name == d.name && r.line == d.line);
                if let Some(i) = i {
                    used[i] = true;
                }
                let status = if mismatch(&sdk.id) {
                    SdkStatus::VendorMismatch
                } else {
                    SdkStatus::Disclosed
                };
                (i.and_then(|i| rows.get(i)), None, status)
            }
        };
        out.push(SideRow {
            app: Some(sdk),
            row,
            prose_line,
            status,
            category: sdk.category.clone(),
        });
    }
    let not_found: Vec<&str> = rep
        .findings
        .iter()
        .filter(|f| f.rule == "disclosed-sdk-not-found")
        .map(|f| f.subject.as_str())
        .collect();
    for (i, r) in rows.iter().enumerate() {
        if used[i] {
            continue;
        }
        // A second row naming a detected SDK is a disclosure too; only rows that no detection
        // matched are "listed but not found" (the audit's disclosed-sdk-not-found findings).
        let status = if not_found.contains(&r.name.as_str()) {
            SdkStatus::ListedNotFound
        } else {
            SdkStatus::Disclosed
        };
        out.push(SideRow {
            app: None,
            row: Some(r),
            prose_line: None,
            status,
            category: rep
                .detail
                .row_categories
                .get(i)
                .cloned()
                .flatten()
                .unwrap_or_else(|| "other".to_string()),
        });
    }
    out.sort_by_key(|r| r.status);
    out
}

/// Counts of SDKs per (category, status), for the grid figure.
pub fn category_grid(rows: &[SideRow<'_>]) -> BTreeMap<String, BTreeMap<SdkStatus, Vec<String>>> {
    let mut grid: BTreeMap<String, BTreeMap<SdkStatus, Vec<String>>> = BTreeMap::new();
    for r in rows {
        let name = r
            .app
            .map(|a| a.name.clone())
            .or_else(|| r.row.map(|x| x.name.clone()))
            .unwrap_or_default();
        grid.entry(r.category.clone())
            .or_default()
            .entry(r.status)
            .or_default()
            .push(name);
    }
    grid
}

/// A requested (or disclosed-only) permission and its status.
#[derive(Debug, Clone)]
pub struct PermissionRow {
    /// Full name.
    pub name: String,
    /// Dangerous (runtime).
    pub dangerous: bool,
    /// Privacy-relevant (an undisclosed request is a finding).
    pub privacy_relevant: bool,
    /// The Chinese group name, e.g. 相机权限.
    pub group_zh: Option<String>,
    /// Requested by the app.
    pub requested: bool,
    /// The policy's words and their line.
    pub policy_text: Option<(String, usize)>,
}

/// Permissions requested vs disclosed: every requested permission, then those the policy names
/// that the app does not request.
pub fn permission_rows(rep: &AuditReport) -> Vec<PermissionRow> {
    let catalog = PermissionCatalog::builtin();
    let text_of = |name: &str| {
        let mut hits: Vec<&PermissionDisclosure> = rep
            .detail
            .permission_texts
            .iter()
            .filter(|p| p.permission == name)
            .collect();
        // A permission list item says more than a word met in passing.
        hits.sort_by_key(|p| (p.source == "text", p.line));
        hits.first().map(|p| (p.text.clone(), p.line))
    };
    let mut out: Vec<PermissionRow> = rep
        .permissions
        .iter()
        .map(|p| {
            let rule = catalog.get(&p.name);
            PermissionRow {
                name: p.name.clone(),
                dangerous: p.dangerous,
                privacy_relevant: rule.is_some_and(|r| r.privacy_relevant),
                group_zh: rule.and_then(|r| r.group_zh.clone()),
                requested: true,
                policy_text: if p.disclosed { text_of(&p.name) } else { None },
            }
        })
        .collect();
    for f in rep
        .findings
        .iter()
        .filter(|f| f.rule == "disclosed-permission-not-requested")
    {
        if out.iter().any(|r| r.name == f.subject) {
            continue;
        }
        let rule = catalog.get(&f.subject);
        out.push(PermissionRow {
            name: f.subject.clone(),
            dangerous: rule.is_some_and(|r| r.dangerous),
            privacy_relevant: rule.is_some_and(|r| r.privacy_relevant),
            group_zh: rule.and_then(|r| r.group_zh.clone()),
            requested: false,
            policy_text: text_of(&f.subject),
        });
    }
    out
}

/// How a data access is disclosed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataStatus {
    /// The policy never names the data type.
    Undisclosed,
    /// The SDK itself is not disclosed.
    SdkUndisclosed,
    /// The SDK's row does not list the data type.
    NotInRow,
    /// Disclosed (in the SDK's row, or in the policy for the app's own code).
    Disclosed,
}

impl DataStatus {
    /// Stable kebab-case name.
    pub fn slug(self) -> &'static str {
        match self {
            DataStatus::Undisclosed => "undisclosed",
            DataStatus::SdkUndisclosed => "sdk-undisclosed",
            DataStatus::NotInRow => "not-in-sdk-row",
            DataStatus::Disclosed => "disclosed",
        }
    }
}

/// Sensitive data reached by one SDK (or the app's own code).
#[derive(Debug, Clone)]
pub struct DataRow {
    /// SDK id, `None` for the app's own code.
    pub sdk: Option<String>,
    /// SDK display name.
    pub sdk_name: Option<String>,
    /// Data type id.
    pub data_type: String,
    /// The APIs called.
    pub apis: Vec<String>,
    /// The calling classes.
    pub callers: Vec<String>,
    /// Where the policy names the data type (words, line).
    pub policy_text: Option<(String, usize)>,
    /// The status.
    pub status: DataStatus,
}

/// Whether a row's data and purpose cells name the data type.
fn row_names_data(row: &SdkDisclosure, data_type: &str) -> bool {
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

/// Sensitive data access by SDK vs what the policy discloses.
pub fn data_rows(rep: &AuditReport) -> Vec<DataRow> {
    let mut groups: BTreeMap<(Option<&str>, &str), Vec<&AttributedCall>> = BTreeMap::new();
    for c in &rep.data_access {
        groups
            .entry((c.sdk.as_deref(), c.data_type.as_str()))
            .or_default()
            .push(c);
    }
    let undisclosed = |t: &str| {
        rep.findings
            .iter()
            .any(|f| f.rule == "undisclosed-data-access" && f.subject == t)
    };
    let rows = side_by_side(rep);
    let mut out = Vec::new();
    for ((sdk, data_type), calls) in groups {
        let side = sdk.and_then(|id| rows.iter().find(|r| r.app.is_some_and(|a| a.id == id)));
        let status = if undisclosed(data_type) {
            DataStatus::Undisclosed
        } else {
            match side {
                None => DataStatus::Disclosed,
                Some(s) if s.status == SdkStatus::Undisclosed => DataStatus::SdkUndisclosed,
                Some(s) => match s.row {
                    Some(r) if !row_names_data(r, data_type) => DataStatus::NotInRow,
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
            sdk_name: side.and_then(|s| s.app).map(|a| a.name.clone()),
            data_type: data_type.to_string(),
            apis,
            callers,
            policy_text: rep
                .detail
                .data_type_texts
                .iter()
                .find(|d| d.data_type == data_type)
                .map(|d| (d.text.clone(), d.line)),
            status,
        });
    }
    // The app's own code first, then SDKs; problems first within each.
    out.sort_by_key(|r| (r.sdk.is_some(), r.status == DataStatus::Disclosed));
    out
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

/// A data type's display name in a language.
pub fn data_type_name(id: &str, lang: Lang) -> String {
    DataTypeCatalog::builtin().get(id).map_or_else(
        || id.to_string(),
        |r| match lang {
            Lang::Zh => r.name_zh.clone(),
            Lang::En => r.name_en.clone(),
        },
    )
}

/// The hygiene rules.
pub const HYGIENE_RULES: &[&str] = &[
    "debuggable-release",
    "cleartext-traffic",
    "allow-backup",
    "exported-without-permission",
];
