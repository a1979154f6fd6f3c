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

fn in_package(class: &str, pkg: &str) -> bool {
    !pkg.is_empty()
        && class.starts_with(pkg)
        && matches!(
            class.as_bytes().get(pkg.len()),
            None | Some(b'.') | Some(b'$')
        )
}

/// The SDK whose matched prefix holds the calling class (longest prefix first, detected SDKs
/// before hints), else the app's own package, else unattributed.
pub fn attribute(
    call: &ApiCall,
    dets: &Detections,
    app_package: &str,
    catalog: &SdkCatalog,
) -> Attribution {
    for owners in catalog.index.classes.all(&call.caller) {
        let ids = || {
            owners
                .iter()
                .filter_map(|r| catalog.at(r.sdk))
                .map(|r| &r.id)
        };
        if let Some(d) = ids().find_map(|id| dets.get(id)) {
            return Attribution::Sdk(d.id.clone());
        }
        if let Some(h) = ids().find_map(|id| dets.hint(id)) {
            return Attribution::Sdk(h.bundled_in.clone().unwrap_or_else(|| h.id.clone()));
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
