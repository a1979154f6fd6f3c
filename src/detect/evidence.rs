//! What a signature hit is evidence of: the SDK's own code, or configuration (a key, a string,
//! a component whose class is absent or another's); whether a meta-data value switches the SDK
//! off; suffix matching on package boundaries (rules/README.md, "What counts as evidence").

use super::collect::{Components, Kind};
use crate::rules::sdks::{SdkCatalog, SigRef};

/// Whether a manifest component is code evidence of SDK `sdk`: its class must be defined in the
/// DEX, under one of the SDK's own class prefixes (or under no known SDK, outside the app's own
/// package). A class under another SDK's package is that SDK's adapter: its id is returned.
pub(super) fn component_kind_of(
    cat: &SdkCatalog,
    sdk: usize,
    class: &str,
    comps: &Components<'_>,
) -> (Kind, Option<String>, Option<String>) {
    if !comps.defined.contains(class) {
        return (
            Kind::Config,
            None,
            Some("its class is absent from the DEX: configuration only".to_string()),
        );
    }
    let Some(owners) = cat.index().classes.longest(class) else {
        if in_package(class, comps.app_package) {
            return (
                Kind::Config,
                None,
                Some("the app's own class: configuration only".to_string()),
            );
        }
        return (Kind::Code, None, None);
    };
    let prefix = |r: &SigRef| {
        cat.at(r.sdk)
            .and_then(|rule| rule.class_prefixes.get(r.sig))
    };
    let this_id = cat.at(sdk).map_or("", |r| r.id.as_str());
    // The SDK's own package, or an adapter package another entry marks as this SDK's code
    // (`via = "<this sdk>"`: ShareSDK's QQ platform belongs to ShareSDK).
    let own = owners.iter().any(|r| {
        prefix(r)
            .is_some_and(|c| (r.sdk == sdk && c.is_own()) || c.meta.via.as_deref() == Some(this_id))
    });
    if own {
        return (Kind::Code, None, None);
    }
    if let Some(host) = owners
        .iter()
        .filter(|r| r.sdk == sdk)
        .find_map(|r| prefix(r).and_then(|c| c.meta.via.clone()))
    {
        return (
            Kind::Config,
            Some(host.clone()),
            Some(format!("{host}'s adapter class: a channel via {host}")),
        );
    }
    if let Some(other) = owners
        .iter()
        .find(|r| r.sdk != sdk)
        .and_then(|r| cat.at(r.sdk))
    {
        return (
            Kind::Config,
            Some(other.id.clone()),
            Some(format!("{}'s class: a channel via {}", other.id, other.id)),
        );
    }
    (
        Kind::Config,
        None,
        Some("its class is under a package that does not count on its own".to_string()),
    )
}

/// Whether an archive entry is code shipped as a file.
pub(super) fn is_code_file(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    [".dex", ".jar", ".so", ".apk"]
        .iter()
        .any(|x| p.ends_with(x))
}

/// Whether `class` is in package `pkg` (or is `pkg` itself).
pub(super) fn in_package(class: &str, pkg: &str) -> bool {
    !pkg.is_empty()
        && class.starts_with(pkg)
        && matches!(
            class.as_bytes().get(pkg.len()),
            None | Some(b'.') | Some(b'$')
        )
}

/// Whether a meta-data value turns its SDK off: a value the signature lists in `disabled_when`,
/// or, for any key of an SDK, the two switch shapes that stop collection altogether:
/// `..._collection_enabled` = false and `..._deactivated` = true (Firebase's documented keys; a
/// key that only turns a feature off, such as `BUGLY_ENABLE_DEBUG`, is not one).
pub(super) fn switches_off(
    sig: &crate::rules::sdks::ManifestSig,
    key: &str,
    value: Option<&str>,
) -> bool {
    let Some(v) = value.map(str::trim) else {
        return false;
    };
    if sig.disabled_when.iter().any(|d| d.eq_ignore_ascii_case(v)) {
        return true;
    }
    let k = key.to_ascii_lowercase();
    let is_false = v.eq_ignore_ascii_case("false") || v == "0";
    let is_true = v.eq_ignore_ascii_case("true") || v == "1";
    (k.ends_with("collection_enabled") && is_false) || (k.ends_with("_deactivated") && is_true)
}

/// Whether an activity name ends with a suffix rule's name on a package boundary. Compares
/// bytes through `strip_suffix`, never slicing the name at a computed index (a name with
/// multi-byte characters and a suffix without its leading dot used to panic here).
pub(super) fn suffix_matches(name: &str, suffix: &str) -> bool {
    match name.strip_suffix(suffix) {
        Some(rest) => suffix.starts_with('.') || rest.is_empty() || rest.ends_with('.'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_suffix_with_multibyte_names_does_not_panic() {
        // Regression: the boundary check sliced the name at len - suffix.len(), inside 'é'.
        assert!(!suffix_matches("a.éé", "xé"));
        assert!(!suffix_matches("com.a.é", "xé"));
        assert!(!suffix_matches("com.a.Activité", "té"));
        assert!(suffix_matches("com.a.Activité", "Activité"));
        assert!(suffix_matches(
            "com.a.wxapi.WXEntryActivity",
            ".wxapi.WXEntryActivity"
        ));
        assert!(!suffix_matches(
            "com.a.MyWXEntryActivity",
            "WXEntryActivity"
        ));
        assert!(suffix_matches("WXEntryActivity", "WXEntryActivity"));
    }
}
