//! Release diff: what a new release of an app adds or drops compared with the previous one (SDKs,
//! SDK versions, permissions, sensitive data access) and, given the new release's policy, which of
//! the added items it does not disclose (as the audit of the new release judges them).

use crate::engine::Analysis;
use crate::report::audit::AuditReport;
use crate::report::{ToolInfo, SCHEMA_VERSION};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One release, as named in the diff.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Release {
    /// The file.
    pub path: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Package name.
    pub package: String,
    /// versionName.
    pub version_name: Option<String>,
    /// versionCode.
    pub version_code: Option<u64>,
}

/// An SDK added or removed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SdkChange {
    /// Knowledge-base id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Vendor.
    pub vendor: String,
    /// Category.
    pub category: String,
    /// The SDK version, when the app reveals it.
    pub version: Option<String>,
    /// With a policy, for an added SDK: whether the policy fails to disclose it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undisclosed: Option<bool>,
}

/// An SDK in both releases whose version changed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SdkVersionChange {
    /// Knowledge-base id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Version in the old release.
    pub old: Option<String>,
    /// Version in the new release.
    pub new: Option<String>,
}

/// A permission added or removed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PermissionChange {
    /// Full name.
    pub name: String,
    /// A dangerous (runtime) permission.
    pub dangerous: bool,
    /// With a policy, for an added permission: whether the policy fails to disclose it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undisclosed: Option<bool>,
}

/// Sensitive data access (a data type, by an SDK or the app) added or removed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DataAccessChange {
    /// Data type.
    pub data_type: String,
    /// The SDK whose code collects it; `None` for the app's own or unattributed code.
    pub sdk: Option<String>,
    /// The APIs called.
    pub apis: Vec<String>,
    /// The calling classes.
    pub callers: Vec<String>,
    /// With a policy, for added access: whether the policy fails to disclose the data type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undisclosed: Option<bool>,
}

/// Counts and the verdict.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DiffSummary {
    /// Items added, removed or changed in all.
    pub changes: usize,
    /// Added items the policy does not disclose (0 without a policy).
    pub undisclosed_added: usize,
}

/// `diff --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseDiff {
    /// Always 1 for this shape.
    pub schema_version: u32,
    /// Which tool wrote it.
    pub tool: ToolInfo,
    /// The previous release.
    pub old: Release,
    /// The new release.
    pub new: Release,
    /// Whether both files have the same package name, i.e. are two releases of one app. When
    /// not, the diff compares two different apps and every difference between them is listed.
    pub same_package: bool,
    /// The policy the added items were checked against.
    pub policy: Option<String>,
    /// SDKs in the new release only.
    pub sdks_added: Vec<SdkChange>,
    /// SDKs in the old release only.
    pub sdks_removed: Vec<SdkChange>,
    /// SDKs in both whose version changed.
    pub sdk_versions: Vec<SdkVersionChange>,
    /// Permissions requested by the new release only.
    pub permissions_added: Vec<PermissionChange>,
    /// Permissions requested by the old release only.
    pub permissions_removed: Vec<PermissionChange>,
    /// Data access in the new release only.
    pub data_access_added: Vec<DataAccessChange>,
    /// Data access in the old release only.
    pub data_access_removed: Vec<DataAccessChange>,
    /// Counts.
    pub summary: DiffSummary,
}

impl ReleaseDiff {
    /// Whether anything was added, removed or changed.
    pub fn has_changes(&self) -> bool {
        self.summary.changes > 0
    }

    /// Whether the new release adds something its policy does not disclose.
    pub fn adds_undisclosed(&self) -> bool {
        self.summary.undisclosed_added > 0
    }
}

fn release(a: &Analysis) -> Release {
    let m = &a.app.manifest;
    Release {
        path: a.app.path.clone(),
        sha256: a.app.sha256.clone(),
        package: m.package.clone(),
        version_name: m.version_name.clone(),
        version_code: m.version_code,
    }
}

fn sdk_change(d: &crate::detect::Detection) -> SdkChange {
    SdkChange {
        id: d.id.clone(),
        name: d.name.clone(),
        vendor: crate::engine::vendor_display(&d.vendor),
        category: d.category.clone(),
        version: d.version.clone(),
        undisclosed: None,
    }
}

fn permissions(a: &Analysis) -> BTreeSet<&str> {
    a.app
        .manifest
        .uses_permissions
        .iter()
        .map(|p| p.name.as_str())
        .collect()
}

type AccessKey = (String, Option<String>);

fn data_access(a: &Analysis) -> BTreeMap<AccessKey, (BTreeSet<String>, BTreeSet<String>)> {
    let mut m: BTreeMap<AccessKey, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for c in &a.calls {
        let e = m.entry((c.data_type.clone(), c.sdk.clone())).or_default();
        e.0.insert(c.api.clone());
        e.1.insert(c.caller.clone());
    }
    m
}

/// An unsuppressed finding of this rule on this subject in the audit.
fn flagged(audit: &AuditReport, rule: &str, subject: &str) -> bool {
    audit
        .findings
        .iter()
        .any(|f| f.suppressed.is_none() && f.rule == rule && f.subject == subject)
}

/// Compares two analysed releases; `audit` is the new release's audit against its policy.
pub fn compare(old: &Analysis, new: &Analysis, audit: Option<&AuditReport>) -> ReleaseDiff {
    let old_ids: BTreeSet<&str> = old.detections.sdks.iter().map(|d| d.id.as_str()).collect();
    let new_ids: BTreeSet<&str> = new.detections.sdks.iter().map(|d| d.id.as_str()).collect();
    let sdks_added: Vec<SdkChange> = new
        .detections
        .sdks
        .iter()
        .filter(|d| !old_ids.contains(d.id.as_str()))
        .map(|d| SdkChange {
            undisclosed: audit.map(|a| flagged(a, "undisclosed-sdk", &d.id)),
            ..sdk_change(d)
        })
        .collect();
    let sdks_removed: Vec<SdkChange> = old
        .detections
        .sdks
        .iter()
        .filter(|d| !new_ids.contains(d.id.as_str()))
        .map(sdk_change)
        .collect();
    let sdk_versions: Vec<SdkVersionChange> = new
        .detections
        .sdks
        .iter()
        .filter_map(|n| {
            let o = old.detections.get(&n.id)?;
            (o.version != n.version).then(|| SdkVersionChange {
                id: n.id.clone(),
                name: n.name.clone(),
                old: o.version.clone(),
                new: n.version.clone(),
            })
        })
        .collect();

    let (old_perms, new_perms) = (permissions(old), permissions(new));
    let perm = |name: &str, undisclosed: Option<bool>| PermissionChange {
        name: name.to_string(),
        dangerous: crate::rules::is_dangerous(name),
        undisclosed,
    };
    let permissions_added: Vec<PermissionChange> = new_perms
        .difference(&old_perms)
        .map(|p| perm(p, audit.map(|a| flagged(a, "undisclosed-permission", p))))
        .collect();
    let permissions_removed: Vec<PermissionChange> = old_perms
        .difference(&new_perms)
        .map(|p| perm(p, None))
        .collect();

    let (old_data, new_data) = (data_access(old), data_access(new));
    let access = |key: &AccessKey,
                  v: &(BTreeSet<String>, BTreeSet<String>),
                  undisclosed: Option<bool>| DataAccessChange {
        data_type: key.0.clone(),
        sdk: key.1.clone(),
        apis: v.0.iter().cloned().collect(),
        callers: v.1.iter().cloned().collect(),
        undisclosed,
    };
    let data_access_added: Vec<DataAccessChange> = new_data
        .iter()
        .filter(|(k, _)| !old_data.contains_key(*k))
        .map(|(k, v)| {
            let undisclosed = audit.map(|a| {
                flagged(a, "undisclosed-data-access", &k.0)
                    || k.1.as_deref().is_some_and(|sdk| {
                        a.findings.iter().any(|f| {
                            f.suppressed.is_none()
                                && f.rule == "sdk-data-not-disclosed"
                                && f.subject == sdk
                                && f.message.contains(&k.0)
                        })
                    })
            });
            access(k, v, undisclosed)
        })
        .collect();
    let data_access_removed: Vec<DataAccessChange> = old_data
        .iter()
        .filter(|(k, _)| !new_data.contains_key(*k))
        .map(|(k, v)| access(k, v, None))
        .collect();

    let changes = sdks_added.len()
        + sdks_removed.len()
        + sdk_versions.len()
        + permissions_added.len()
        + permissions_removed.len()
        + data_access_added.len()
        + data_access_removed.len();
    let undisclosed_added = sdks_added
        .iter()
        .filter(|s| s.undisclosed == Some(true))
        .count()
        + permissions_added
            .iter()
            .filter(|p| p.undisclosed == Some(true))
            .count()
        + data_access_added
            .iter()
            .filter(|d| d.undisclosed == Some(true))
            .count();
    ReleaseDiff {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo::current(),
        old: release(old),
        new: release(new),
        same_package: old.app.manifest.package == new.app.manifest.package,
        policy: audit.map(|a| a.policy.path.clone()),
        sdks_added,
        sdks_removed,
        sdk_versions,
        permissions_added,
        permissions_removed,
        data_access_added,
        data_access_removed,
        summary: DiffSummary {
            changes,
            undisclosed_added,
        },
    }
}
