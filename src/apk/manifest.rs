//! The typed manifest: what `AndroidManifest.xml` declares, from the decoded element tree.

use serde::Serialize;

/// A `<uses-permission>` or `<uses-permission-sdk-23>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsesPermission {
    /// Full name, e.g. `android.permission.CAMERA`.
    pub name: String,
    /// `android:maxSdkVersion`, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_sdk: Option<u32>,
    /// Declared with `<uses-permission-sdk-23>` (only requested on API 23+).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sdk23: bool,
}

/// A `<permission>` the app itself declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeclaredPermission {
    /// Full name.
    pub name: String,
    /// `android:protectionLevel` as text (`normal`, `dangerous`, `signature`, `signature|privileged`...).
    pub protection_level: String,
}

/// The kind of an app component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    /// `<activity>`
    Activity,
    /// `<activity-alias>`
    ActivityAlias,
    /// `<service>`
    Service,
    /// `<receiver>`
    Receiver,
    /// `<provider>`
    Provider,
}

impl ComponentKind {
    /// The manifest element name.
    pub fn tag(self) -> &'static str {
        match self {
            ComponentKind::Activity => "activity",
            ComponentKind::ActivityAlias => "activity-alias",
            ComponentKind::Service => "service",
            ComponentKind::Receiver => "receiver",
            ComponentKind::Provider => "provider",
        }
    }
}

/// An `<intent-filter>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IntentFilter {
    /// `<action android:name>` values.
    pub actions: Vec<String>,
    /// `<category android:name>` values.
    pub categories: Vec<String>,
    /// `<data android:scheme>` values.
    pub schemes: Vec<String>,
}

/// A `<meta-data>` entry (under the application or a component).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetaData {
    /// `android:name`.
    pub name: String,
    /// `android:value`, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `android:resource`, as `@0x7f......`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

/// An activity, alias, service, receiver or provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Which element.
    pub kind: ComponentKind,
    /// Fully-qualified class name (relative names such as `.Main` are resolved against the package).
    pub name: String,
    /// For an activity-alias, the resolved `android:targetActivity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Effective exported state: explicit, or implied by an intent filter below API 31.
    pub exported: bool,
    /// Whether `android:exported` was written explicitly.
    pub exported_explicit: bool,
    /// `android:permission` guarding it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// `android:authorities` of a provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorities: Option<String>,
    /// `android:enabled="false"` is kept as `false`.
    pub enabled: bool,
    /// Its intent filters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub intent_filters: Vec<IntentFilter>,
    /// Its meta-data.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub meta_data: Vec<MetaData>,
}

/// The `<application>` element's attributes that matter for an audit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Application {
    /// `android:name`: the Application subclass (packers put their stub here).
    pub name: Option<String>,
    /// `android:debuggable`.
    pub debuggable: Option<bool>,
    /// `android:allowBackup` (Android's default is true).
    pub allow_backup: Option<bool>,
    /// `android:usesCleartextTraffic`.
    pub uses_cleartext_traffic: Option<bool>,
    /// `android:networkSecurityConfig`, as `@0x7f......`.
    pub network_security_config: Option<String>,
    /// `android:label`, as text or a resource reference.
    pub label: Option<String>,
}

/// Everything appaudit uses from `AndroidManifest.xml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// The `package` attribute.
    pub package: String,
    /// `android:versionCode` (with `versionCodeMajor` folded in when present).
    pub version_code: Option<u64>,
    /// `android:versionName`.
    pub version_name: Option<String>,
    /// `<uses-sdk android:minSdkVersion>` (Android's default is 1).
    pub min_sdk: Option<u32>,
    /// `<uses-sdk android:targetSdkVersion>`.
    pub target_sdk: Option<u32>,
    /// `<uses-sdk android:maxSdkVersion>`.
    pub max_sdk: Option<u32>,
    /// Requested permissions, in document order, duplicates removed.
    pub uses_permissions: Vec<UsesPermission>,
    /// Permissions the app declares.
    pub declared_permissions: Vec<DeclaredPermission>,
    /// The application element.
    pub application: Application,
    /// Every component, in document order.
    pub components: Vec<Component>,
    /// Application-level meta-data.
    pub meta_data: Vec<MetaData>,
}
