//! The tables every view shows, computed once by the audit: SDKs side by side with the policy's
//! rows, permissions requested vs disclosed, data access by SDK, manifest flags.

use super::Arg;
use serde::Serialize;

/// An SDK's disclosure status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
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

    /// Stable kebab-case name (used in `data-status` and the catalogue).
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

/// A policy row as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyRow {
    /// The SDK's name as written.
    pub name: String,
    /// The vendor cell.
    pub vendor: Option<String>,
    /// The purpose cell.
    pub purpose: Option<String>,
    /// The data cell, split.
    pub data: Vec<String>,
    /// The privacy-policy link.
    pub link: Option<String>,
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// One line of the side-by-side SDK table: an SDK found, a policy row, or both.
#[derive(Debug, Clone, Serialize)]
pub struct SdkRow {
    /// The status.
    pub status: SdkStatus,
    /// The detected SDK's id (an entry of `sdks`), when the app contains it.
    pub sdk: Option<String>,
    /// The policy row that names it.
    pub row: Option<PolicyRow>,
    /// Where the prose mentions it, when it has no row.
    pub prose_line: Option<usize>,
    /// Knowledge-base category, `other` when unknown.
    pub category: String,
    /// The category's words.
    pub category_name: Arg,
    /// Display name (the SDK's, else the row's).
    pub name: Arg,
}

/// Where and how the policy words something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyQuote {
    /// The policy's words.
    pub text: String,
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// A permission's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PermissionStatus {
    /// Requested and named by the policy.
    Disclosed,
    /// Requested, privacy-relevant, not named.
    Undisclosed,
    /// Requested, not privacy-relevant, not named.
    NotRelevant,
    /// Named by the policy, not requested.
    NotRequested,
}

impl PermissionStatus {
    /// Stable kebab-case name.
    pub fn slug(self) -> &'static str {
        match self {
            PermissionStatus::Disclosed => "disclosed",
            PermissionStatus::Undisclosed => "undisclosed",
            PermissionStatus::NotRelevant => "not-relevant",
            PermissionStatus::NotRequested => "not-requested",
        }
    }
}

/// A requested (or disclosed-only) permission.
#[derive(Debug, Clone, Serialize)]
pub struct PermissionRow {
    /// Full name.
    pub name: String,
    /// Dangerous (runtime).
    pub dangerous: bool,
    /// Privacy-relevant (an undisclosed request is a finding).
    pub privacy_relevant: bool,
    /// The capability's Chinese name (e.g. 相机权限), when the rules have one.
    pub group_zh: Option<String>,
    /// Requested by the app.
    pub requested: bool,
    /// The policy's words.
    pub policy_text: Option<PolicyQuote>,
    /// The status.
    pub status: PermissionStatus,
}

/// How a data access is disclosed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataStatus {
    /// The policy never names the data type.
    Undisclosed,
    /// The SDK itself is not disclosed.
    SdkUndisclosed,
    /// The SDK's row does not list the data type.
    NotInSdkRow,
    /// Disclosed (in the SDK's row, or in the policy for the app's own code).
    Disclosed,
}

impl DataStatus {
    /// Every status.
    pub const ALL: [DataStatus; 4] = [
        DataStatus::Undisclosed,
        DataStatus::SdkUndisclosed,
        DataStatus::NotInSdkRow,
        DataStatus::Disclosed,
    ];

    /// Stable kebab-case name.
    pub fn slug(self) -> &'static str {
        match self {
            DataStatus::Undisclosed => "undisclosed",
            DataStatus::SdkUndisclosed => "sdk-undisclosed",
            DataStatus::NotInSdkRow => "not-in-sdk-row",
            DataStatus::Disclosed => "disclosed",
        }
    }
}

/// Sensitive data reached by one SDK (or the app's own code).
#[derive(Debug, Clone, Serialize)]
pub struct DataRow {
    /// SDK id, `None` for the app's own code.
    pub sdk: Option<String>,
    /// SDK display name.
    pub sdk_name: Option<Arg>,
    /// Data type id.
    pub data_type: String,
    /// The data type's name.
    pub data_type_name: Arg,
    /// The APIs called (`Class.method`).
    pub apis: Vec<String>,
    /// The calling classes.
    pub callers: Vec<String>,
    /// Where the policy names the data type.
    pub policy_text: Option<PolicyQuote>,
    /// The status.
    pub status: DataStatus,
}

/// The manifest flags the hygiene rules read.
#[derive(Debug, Clone, Default, Serialize)]
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
