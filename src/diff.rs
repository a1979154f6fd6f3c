//! Release diff: what a new release of an app adds or drops compared with the previous one (SDKs,
//! SDK versions, permissions, sensitive data access) and, given the new release's policy, which of
//! the added items it does not disclose (as the audit of the new release judges them).

use crate::engine::Analysis;
use crate::model::RuleId;
use crate::report::audit::AuditReport;
use crate::report::{ToolInfo, SCHEMA_VERSION};
use std::collections::{BTreeMap, BTreeSet};

pub use crate::report::runs::{
    DataAccessChange, DiffSummary, PermissionChange, Release, ReleaseDiff, SdkChange,
    SdkVersionChange,
};

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
fn flagged(audit: &AuditReport, rule: RuleId, subject: &str) -> bool {
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
            undisclosed: audit.map(|a| flagged(a, RuleId::UndisclosedSdk, &d.id)),
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
        .map(|p| {
            perm(
                p,
                audit.map(|a| flagged(a, RuleId::UndisclosedPermission, p)),
            )
        })
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
                flagged(a, RuleId::UndisclosedDataAccess, &k.0)
                    || k.1.as_deref().is_some_and(|sdk| {
                        a.findings.iter().any(|f| {
                            f.suppressed.is_none()
                                && f.rule == RuleId::SdkDataNotDisclosed
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
