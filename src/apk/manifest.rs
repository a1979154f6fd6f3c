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
    /// `android:label`: text, or the value of the string resource it names when the app's
    /// resource table has it, else the reference (`@0x7f......`).
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

use crate::apk::axml::{Document, Element, Value};

impl Manifest {
    /// Builds the typed manifest from a decoded document. `<manifest>` must be the root.
    pub fn from_document(doc: &Document) -> Result<Manifest, String> {
        let root = &doc.root;
        if root.name != "manifest" {
            return Err(format!(
                "the root element is <{}>, not <manifest>",
                root.name
            ));
        }
        let package = root
            .plain_attr("package")
            .map(Value::as_text)
            .unwrap_or_default();
        let mut m = Manifest {
            package,
            version_name: root.android_attr("versionName").map(Value::as_text),
            ..Default::default()
        };
        let code = root.android_attr("versionCode").and_then(Value::as_int);
        let major = root
            .android_attr("versionCodeMajor")
            .and_then(Value::as_int);
        m.version_code = code.map(|c| {
            let low = u64::from(u32::from_le_bytes((c as i32).to_le_bytes()));
            match major {
                Some(mj) if mj > 0 => (u64::try_from(mj).unwrap_or(0) << 32) | low,
                _ => low,
            }
        });
        for el in &root.children {
            match el.name.as_str() {
                "uses-sdk" => {
                    m.min_sdk = sdk_level(el, "minSdkVersion");
                    m.target_sdk = sdk_level(el, "targetSdkVersion");
                    m.max_sdk = sdk_level(el, "maxSdkVersion");
                }
                "uses-permission" | "uses-permission-sdk-23" | "uses-permission-sdk-m" => {
                    let Some(name) = el.android_attr("name").map(Value::as_text) else {
                        continue;
                    };
                    if m.uses_permissions.iter().any(|p| p.name == name) {
                        continue;
                    }
                    m.uses_permissions.push(UsesPermission {
                        name,
                        max_sdk: el
                            .android_attr("maxSdkVersion")
                            .and_then(Value::as_int)
                            .and_then(|v| u32::try_from(v).ok()),
                        sdk23: el.name != "uses-permission",
                    });
                }
                "permission" => {
                    if let Some(name) = el.android_attr("name").map(Value::as_text) {
                        let level = el
                            .android_attr("protectionLevel")
                            .map(protection_level)
                            .unwrap_or_else(|| "normal".to_string());
                        m.declared_permissions.push(DeclaredPermission {
                            name,
                            protection_level: level,
                        });
                    }
                }
                "application" => read_application(el, &mut m),
                _ => {}
            }
        }
        Ok(m)
    }

    /// The requested permission names.
    pub fn permission_names(&self) -> impl Iterator<Item = &str> {
        self.uses_permissions.iter().map(|p| p.name.as_str())
    }

    /// Every meta-data entry, application-level and under components.
    pub fn all_meta_data(&self) -> impl Iterator<Item = &MetaData> {
        self.meta_data
            .iter()
            .chain(self.components.iter().flat_map(|c| c.meta_data.iter()))
    }
}

fn sdk_level(el: &Element, attr: &str) -> Option<u32> {
    // A codename ("Q") instead of a number reads as nothing, as aapt prints it as a string.
    el.android_attr(attr)
        .and_then(Value::as_int)
        .and_then(|v| u32::try_from(v).ok())
}

/// `android:protectionLevel` flags as the names Android uses.
fn protection_level(v: &Value) -> String {
    let Some(bits) = v.as_int() else {
        return v.as_text();
    };
    let bits = u32::try_from(bits).unwrap_or(0);
    let base = match bits & 0xf {
        0 => "normal",
        1 => "dangerous",
        2 => "signature",
        3 => "signatureOrSystem",
        _ => "unknown",
    };
    let flags = [
        (0x10, "privileged"),
        (0x20, "development"),
        (0x40, "appop"),
        (0x80, "pre23"),
        (0x100, "installer"),
        (0x200, "verifier"),
        (0x400, "preinstalled"),
        (0x800, "setup"),
        (0x1000, "instant"),
        (0x2000, "runtime"),
    ];
    let mut out = base.to_string();
    for (bit, name) in flags {
        if bits & bit != 0 {
            out.push('|');
            out.push_str(name);
        }
    }
    out
}

/// Resolves `.Main` and `Main` against the package, as Android does.
fn resolve_class(package: &str, name: &str) -> String {
    if let Some(rest) = name.strip_prefix('.') {
        format!("{package}.{rest}")
    } else if !name.contains('.') && !package.is_empty() {
        format!("{package}.{name}")
    } else {
        name.to_string()
    }
}

fn read_meta(el: &Element) -> Option<MetaData> {
    let name = el.android_attr("name").map(Value::as_text)?;
    let value = el.android_attr("value").map(Value::as_text);
    let resource = el.android_attr("resource").map(Value::as_text);
    Some(MetaData {
        name,
        value,
        resource,
    })
}

fn read_application(app: &Element, m: &mut Manifest) {
    let attr_bool = |n: &str| app.android_attr(n).and_then(Value::as_bool);
    m.application = Application {
        name: app
            .android_attr("name")
            .map(Value::as_text)
            .map(|n| resolve_class(&m.package, &n)),
        debuggable: attr_bool("debuggable"),
        allow_backup: attr_bool("allowBackup"),
        uses_cleartext_traffic: attr_bool("usesCleartextTraffic"),
        network_security_config: app
            .android_attr("networkSecurityConfig")
            .map(Value::as_text),
        label: app.android_attr("label").map(Value::as_text),
    };
    let target_sdk = m.target_sdk.unwrap_or(1);
    for el in &app.children {
        let kind = match el.name.as_str() {
            "activity" => ComponentKind::Activity,
            "activity-alias" => ComponentKind::ActivityAlias,
            "service" => ComponentKind::Service,
            "receiver" => ComponentKind::Receiver,
            "provider" => ComponentKind::Provider,
            "meta-data" => {
                m.meta_data.extend(read_meta(el));
                continue;
            }
            _ => continue,
        };
        let Some(name) = el.android_attr("name").map(Value::as_text) else {
            continue;
        };
        let intent_filters: Vec<IntentFilter> = el
            .children_named("intent-filter")
            .map(|f| IntentFilter {
                actions: names_of(f, "action"),
                categories: names_of(f, "category"),
                schemes: f
                    .children_named("data")
                    .filter_map(|d| d.android_attr("scheme").map(Value::as_text))
                    .collect(),
            })
            .collect();
        let explicit = el.android_attr("exported").and_then(Value::as_bool);
        // Before API 31 a component with an intent filter is exported unless it says otherwise;
        // providers were exported by default below API 17.
        let exported = explicit.unwrap_or(match kind {
            ComponentKind::Provider => target_sdk < 17,
            _ => !intent_filters.is_empty() && target_sdk < 31,
        });
        m.components.push(Component {
            kind,
            name: resolve_class(&m.package, &name),
            target: el
                .android_attr("targetActivity")
                .map(Value::as_text)
                .map(|t| resolve_class(&m.package, &t)),
            exported,
            exported_explicit: explicit.is_some(),
            permission: el.android_attr("permission").map(Value::as_text),
            authorities: el.android_attr("authorities").map(Value::as_text),
            enabled: el
                .android_attr("enabled")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            intent_filters,
            meta_data: el
                .children_named("meta-data")
                .filter_map(read_meta)
                .collect(),
        });
    }
}

fn names_of(el: &Element, child: &str) -> Vec<String> {
    el.children_named(child)
        .filter_map(|c| c.android_attr("name").map(Value::as_text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_resolve_against_the_package() {
        assert_eq!(resolve_class("com.a", ".Main"), "com.a.Main");
        assert_eq!(resolve_class("com.a", "Main"), "com.a.Main");
        assert_eq!(resolve_class("com.a", "org.b.C"), "org.b.C");
    }

    #[test]
    fn protection_levels_read_as_android_names() {
        assert_eq!(protection_level(&Value::Hex(2)), "signature");
        assert_eq!(protection_level(&Value::Hex(0x12)), "signature|privileged");
        assert_eq!(protection_level(&Value::Int(1)), "dangerous");
    }
}
