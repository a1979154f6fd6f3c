//! The compiled form of the catalog, built once: a trie over package segments for class
//! prefixes (longest prefix wins, package boundaries only), one `RegexSet` per regex kind, hash
//! maps for exact names.

use super::{Diagnostic, ManifestKind, SdkRule};
use aho_corasick::AhoCorasick;
use regex::{RegexSet, RegexSetBuilder};
use std::collections::HashMap;

/// A signature of one entry: the entry's index in the catalog and the signature's index in the
/// entry's list of that kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SigRef {
    /// Index of the SDK in catalog order.
    pub sdk: usize,
    /// Index of the signature inside its list (class_prefixes, native_libs, manifest...).
    pub sig: usize,
}

#[derive(Debug, Default)]
struct Node {
    children: HashMap<Box<str>, usize>,
    owners: Vec<SigRef>,
}

/// Class prefixes as a trie over the segments of a Java name (split at `.` and `$`).
#[derive(Debug)]
pub(crate) struct ClassTrie {
    nodes: Vec<Node>,
}

/// The segments of a Java name: `com.a.B$C` gives `com`, `a`, `B`, `C`.
fn segments(name: &str) -> impl Iterator<Item = &str> {
    name.split(['.', '$']).filter(|s| !s.is_empty())
}

impl ClassTrie {
    fn new() -> Self {
        ClassTrie {
            nodes: vec![Node::default()],
        }
    }

    fn insert(&mut self, value: &str, r: SigRef) {
        let mut at = 0;
        for seg in segments(value) {
            let next = self.nodes.len();
            let child = *self.nodes[at].children.entry(seg.into()).or_insert(next);
            if child == next {
                self.nodes.push(Node::default());
            }
            at = child;
        }
        if at != 0 {
            self.nodes[at].owners.push(r);
        }
    }

    /// The owners of the longest prefix of `class` (on segment boundaries), if any.
    pub(crate) fn longest(&self, class: &str) -> Option<&[SigRef]> {
        let mut at = 0;
        let mut best: Option<&[SigRef]> = None;
        for seg in segments(class) {
            match self.nodes[at].children.get(seg) {
                Some(&n) => {
                    at = n;
                    if !self.nodes[at].owners.is_empty() {
                        best = Some(&self.nodes[at].owners);
                    }
                }
                None => break,
            }
        }
        best
    }

    /// The owners of every matching prefix of `class`, longest first.
    pub(crate) fn all(&self, class: &str) -> Vec<&[SigRef]> {
        let mut at = 0;
        let mut out = Vec::new();
        for seg in segments(class) {
            match self.nodes[at].children.get(seg) {
                Some(&n) => {
                    at = n;
                    if !self.nodes[at].owners.is_empty() {
                        out.push(self.nodes[at].owners.as_slice());
                    }
                }
                None => break,
            }
        }
        out.reverse();
        out
    }
}

/// Regexes of one kind compiled into one set.
#[derive(Debug)]
pub(crate) struct RegexIndex {
    set: RegexSet,
    refs: Vec<SigRef>,
}

impl RegexIndex {
    fn build(what: &str, items: Vec<(String, SigRef)>) -> Result<Self, Diagnostic> {
        let (pats, refs): (Vec<String>, Vec<SigRef>) = items.into_iter().unzip();
        let set = RegexSetBuilder::new(&pats)
            .size_limit(64 << 20)
            .build()
            .map_err(|e| Diagnostic {
                file: "rules/sdks".to_string(),
                line: 0,
                message: format!("compiling the {what} regexes: {e}"),
            })?;
        Ok(RegexIndex { set, refs })
    }

    /// Signatures whose regex matches `text`.
    pub(crate) fn matches<'a>(&'a self, text: &str) -> impl Iterator<Item = SigRef> + 'a {
        let m = self.set.matches(text);
        m.into_iter().filter_map(|i| self.refs.get(i).copied())
    }
}

/// A pattern with `<placeholder>`s as an anchored regex (`<applicationId>` = any package name).
fn placeholder_regex(pattern: &str) -> String {
    let mut out = String::from("^");
    let mut rest = pattern;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        out.push_str(&regex::escape(&rest[..start]));
        out.push_str("[A-Za-z0-9_.\\-]+");
        rest = &rest[start + len + 1..];
    }
    out.push_str(&regex::escape(rest));
    out.push('$');
    out
}

/// Every matcher of the catalog.
#[derive(Debug)]
pub(crate) struct SdkIndex {
    pub classes: ClassTrie,
    pub contains: Option<(AhoCorasick, Vec<SigRef>)>,
    pub native: RegexIndex,
    pub assets: RegexIndex,
    /// Exact component names by kind (activity, service, receiver, provider).
    pub components: HashMap<(ManifestKind, String), Vec<SigRef>>,
    pub component_regex: Vec<(ManifestKind, RegexIndex)>,
    pub meta_data: HashMap<String, Vec<SigRef>>,
    pub activity_suffixes: Vec<(String, SigRef)>,
    pub application_names: HashMap<String, Vec<SigRef>>,
    pub permissions: RegexIndex,
    pub service_actions: HashMap<String, Vec<SigRef>>,
    pub data_schemes: RegexIndex,
    pub dex_strings: HashMap<String, Vec<SigRef>>,
    /// String resource name -> signatures (`resource-string`).
    pub resource_strings: HashMap<String, Vec<SigRef>>,
}

impl SdkIndex {
    /// Compiles every signature of `rules` (already validated).
    pub(crate) fn build(rules: &[SdkRule]) -> Result<Self, Diagnostic> {
        let mut classes = ClassTrie::new();
        let mut contains_pats = Vec::new();
        let mut contains_refs = Vec::new();
        let mut native = Vec::new();
        let mut assets = Vec::new();
        let mut components: HashMap<(ManifestKind, String), Vec<SigRef>> = HashMap::new();
        let mut comp_regex: HashMap<ManifestKind, Vec<(String, SigRef)>> = HashMap::new();
        let mut meta_data: HashMap<String, Vec<SigRef>> = HashMap::new();
        let mut activity_suffixes = Vec::new();
        let mut application_names: HashMap<String, Vec<SigRef>> = HashMap::new();
        let mut permissions = Vec::new();
        let mut service_actions: HashMap<String, Vec<SigRef>> = HashMap::new();
        let mut data_schemes = Vec::new();
        let mut dex_strings: HashMap<String, Vec<SigRef>> = HashMap::new();
        let mut resource_strings: HashMap<String, Vec<SigRef>> = HashMap::new();

        for (sdk, rule) in rules.iter().enumerate() {
            for (sig, c) in rule.class_prefixes.iter().enumerate() {
                let r = SigRef { sdk, sig };
                if c.contains {
                    contains_pats.push(c.value.clone());
                    contains_refs.push(r);
                } else {
                    classes.insert(&c.value, r);
                }
            }
            for (sig, n) in rule.native_libs.iter().enumerate() {
                native.push((n.regex.clone(), SigRef { sdk, sig }));
            }
            for (sig, a) in rule.assets.iter().enumerate() {
                assets.push((a.regex.clone(), SigRef { sdk, sig }));
            }
            for (sig, d) in rule.dex_strings.iter().enumerate() {
                dex_strings
                    .entry(d.value.clone())
                    .or_default()
                    .push(SigRef { sdk, sig });
            }
            for (sig, m) in rule.manifest.iter().enumerate() {
                let r = SigRef { sdk, sig };
                let name = m.name.clone();
                match m.kind {
                    ManifestKind::MetaData => meta_data.entry(name).or_default().push(r),
                    ManifestKind::Activity
                    | ManifestKind::Service
                    | ManifestKind::Receiver
                    | ManifestKind::Provider => {
                        components.entry((m.kind, name)).or_default().push(r)
                    }
                    ManifestKind::ActivityRegex
                    | ManifestKind::ServiceRegex
                    | ManifestKind::ReceiverRegex
                    | ManifestKind::ProviderRegex => {
                        comp_regex.entry(m.kind).or_default().push((name, r))
                    }
                    ManifestKind::ActivitySuffix => activity_suffixes.push((name, r)),
                    ManifestKind::ApplicationName => {
                        application_names.entry(name).or_default().push(r)
                    }
                    ManifestKind::Permission => permissions.push((placeholder_regex(&name), r)),
                    ManifestKind::ServiceAction => service_actions.entry(name).or_default().push(r),
                    ManifestKind::ActivityDataScheme => {
                        data_schemes.push((placeholder_regex(&name), r))
                    }
                    ManifestKind::ResourceString => {
                        resource_strings.entry(name).or_default().push(r)
                    }
                }
            }
        }
        let contains = if contains_pats.is_empty() {
            None
        } else {
            let ac = AhoCorasick::new(&contains_pats).map_err(|e| Diagnostic {
                file: "rules/sdks".to_string(),
                line: 0,
                message: format!("compiling the class substrings: {e}"),
            })?;
            Some((ac, contains_refs))
        };
        let mut component_regex = Vec::new();
        let mut kinds: Vec<_> = comp_regex.into_iter().collect();
        kinds.sort_by_key(|(k, _)| *k);
        for (kind, items) in kinds {
            component_regex.push((kind, RegexIndex::build(kind.as_str(), items)?));
        }
        Ok(SdkIndex {
            classes,
            contains,
            native: RegexIndex::build("native library", native)?,
            assets: RegexIndex::build("asset", assets)?,
            components,
            component_regex,
            meta_data,
            activity_suffixes,
            application_names,
            permissions: RegexIndex::build("permission", permissions)?,
            service_actions,
            data_schemes: RegexIndex::build("data scheme", data_schemes)?,
            dex_strings,
            resource_strings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trie_matches_on_package_boundaries_only() {
        let mut t = ClassTrie::new();
        t.insert("com.mob", SigRef { sdk: 0, sig: 0 });
        t.insert("com.mob.tools", SigRef { sdk: 1, sig: 0 });
        t.insert("com.stub.StubApp", SigRef { sdk: 2, sig: 0 });
        assert!(t.longest("com.mobvista.A").is_none());
        assert_eq!(t.longest("com.mob.A").map(|o| o[0].sdk), Some(0));
        assert_eq!(t.longest("com.mob.tools.x.Y").map(|o| o[0].sdk), Some(1));
        assert_eq!(t.longest("com.mob").map(|o| o[0].sdk), Some(0));
        assert_eq!(t.longest("com.stub.StubApp").map(|o| o[0].sdk), Some(2));
        assert_eq!(t.longest("com.stub.StubApp$1").map(|o| o[0].sdk), Some(2));
        assert!(t.longest("com.stub.StubAppX").is_none());
        assert_eq!(t.all("com.mob.tools.Z").len(), 2);
    }

    #[test]
    fn placeholders_become_name_patterns() {
        let r = regex::Regex::new(&placeholder_regex(
            "<applicationId>.permission.JPUSH_MESSAGE",
        ))
        .expect("valid");
        assert!(r.is_match("com.example.app.permission.JPUSH_MESSAGE"));
        assert!(!r.is_match("com.example.app.permission.JPUSH_MESSAGEX"));
    }
}
