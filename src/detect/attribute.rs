//! Attribution of a sensitive API call to the SDK whose package holds the calling class.

use super::Detections;
use crate::apk::ApiCall;
use crate::rules::sdks::SdkCatalog;
use serde::Serialize;

/// Who made a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum Attribution {
    /// An SDK (its id); a bundled copy is attributed to its host.
    Sdk(String),
    /// The app's own code.
    App,
    /// Neither a known SDK nor the app's package.
    Unattributed,
}

use super::evidence::in_package;

/// Packages of platform and infrastructure libraries that are not SDKs of the knowledge base:
/// (package, library name). A call from their code is the library's, not the app's.
const LIBRARIES: &[(&str, &str)] = &[
    ("android.support", "android-support"),
    ("androidx", "androidx"),
    ("kotlin", "kotlin"),
    ("kotlinx", "kotlinx"),
    ("com.google.android.gms", "play-services"),
    ("com.google.firebase", "firebase"),
    ("com.google.android.material", "material-components"),
    ("com.google.android.exoplayer2", "exoplayer"),
    ("com.google.common", "guava"),
    ("com.google.gson", "gson"),
    ("okhttp3", "okhttp"),
    ("okio", "okio"),
    ("retrofit2", "retrofit"),
    ("io.reactivex", "rxjava"),
    ("com.bumptech.glide", "glide"),
    ("java", "java"),
    ("javax", "javax"),
];

/// The platform or infrastructure library whose package holds `class` (`android.support.v7.app.k`
/// -> `android-support`), if any.
pub fn library_of(class: &str) -> Option<&'static str> {
    LIBRARIES
        .iter()
        .find(|(pkg, _)| in_package(class, pkg))
        .map(|(_, name)| *name)
}

/// The SDK whose matched prefix holds the calling class (longest prefix first, detected SDKs
/// before hints; a hint made of an aggregator's adapter or a bundled copy goes to its host;
/// classes `shipped_with` a platform library are none of the SDK's), else the app's own
/// package, else unattributed (the report then names a platform library, [`library_of`]).
pub fn attribute(
    call: &ApiCall,
    dets: &Detections,
    app_package: &str,
    catalog: &SdkCatalog,
) -> Attribution {
    for owners in catalog.index().classes.all(&call.caller) {
        // Classes that ship inside a platform library belong to it, not to the SDK.
        let ids = || {
            owners
                .iter()
                .filter_map(|r| catalog.at(r.sdk).map(|rule| (rule, r.sig)))
                .filter(|(rule, sig)| {
                    rule.class_prefixes
                        .get(*sig)
                        .is_none_or(|c| c.meta.shipped_with.is_none())
                })
                .map(|(rule, _)| &rule.id)
        };
        if let Some(d) = ids().find_map(|id| dets.get(id)) {
            return Attribution::Sdk(d.id.clone());
        }
        if let Some(h) = ids().find_map(|id| dets.hint(id)) {
            let host = h.bundled_in.as_ref().or(h.via.as_ref());
            return Attribution::Sdk(host.cloned().unwrap_or_else(|| h.id.clone()));
        }
    }
    if in_package(&call.caller, app_package)
        || dets
            .app_packages
            .iter()
            .any(|p| in_package(&call.caller, p))
    {
        return Attribution::App;
    }
    Attribution::Unattributed
}
