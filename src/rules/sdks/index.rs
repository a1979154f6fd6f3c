//! The compiled form of the catalog, built once: a trie over package segments for class
//! prefixes (longest prefix wins, package boundaries only), one `RegexSet` per regex kind, hash
//! maps for exact names.

use super::{Diagnostic, ManifestKind, SdkRule};
use aho_corasick::AhoCorasick;
use regex::{RegexSet, RegexSetBuilder};
use std::collections::HashMap;
use std::sync::OnceLock;

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

/// Regexes of one kind. A regex that is an anchored literal (`^libfoo\\.so$`, most of them) is
/// an exact-name look-up; the others are compiled into one set when an input first reaches
/// them, so a process that never sees a native library never compiles the native-library set.
#[derive(Debug)]
pub(crate) struct RegexIndex {
    /// What the regexes match, for diagnostics.
    what: &'static str,
    /// Anchored literals: the exact text -> positions in `refs`.
    exact: HashMap<String, Vec<usize>>,
    /// The other regexes with their positions in `refs`.
    patterns: Vec<(String, usize)>,
    set: OnceLock<Option<RegexSet>>,
    refs: Vec<SigRef>,
}

/// The text a regex matches when it matches one text only: `^` literal `$`, the literal made of
/// characters that are literal in a regex (letters, digits, `_`, `-`, `/`, non-ASCII) or
/// escaped punctuation (`\\.`). Anything else (classes, repetition, groups, flags) is a regex.
fn anchored_literal(re: &str) -> Option<String> {
    let body = re.strip_prefix('^')?.strip_suffix('$')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                // Only the escapes of meta characters are literals (`\\<` is a word boundary).
                let e = chars.next()?;
                if !(regex_syntax::is_meta_character(e) || e == '/') {
                    return None;
                }
                out.push(e);
            }
            c if c.is_alphanumeric() => out.push(c),
            '_' | '-' | '/' | '=' | '@' | ',' | ':' | '%' | '\'' | '"' | '!' | '~' | '`' | '<'
            | '>' | ';' => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

impl RegexIndex {
    fn new(what: &'static str, items: Vec<(String, SigRef)>) -> Self {
        let mut exact: HashMap<String, Vec<usize>> = HashMap::new();
        let mut patterns = Vec::new();
        let mut refs = Vec::with_capacity(items.len());
        for (i, (pat, r)) in items.into_iter().enumerate() {
            refs.push(r);
            match anchored_literal(&pat) {
                Some(lit) => exact.entry(lit).or_default().push(i),
                None => patterns.push((pat, i)),
            }
        }
        RegexIndex {
            what,
            exact,
            patterns,
            set: OnceLock::new(),
            refs,
        }
    }

    fn compile(&self) -> Result<RegexSet, Diagnostic> {
        RegexSetBuilder::new(self.patterns.iter().map(|(p, _)| p))
            .size_limit(64 << 20)
            .build()
            .map_err(|e| Diagnostic {
                file: "rules/sdks".to_string(),
                line: 0,
                message: format!("compiling the {} regexes: {e}", self.what),
            })
    }

    /// The set of the regexes that are not literals, compiled on first use.
    fn set(&self) -> Option<&RegexSet> {
        self.set
            .get_or_init(|| {
                // An error is reported by `compile_all` (the runtime loader, `rules lint`,
                // tests/rules_builtin.rs for the built-in rules).
                (!self.patterns.is_empty())
                    .then(|| self.compile().ok())
                    .flatten()
            })
            .as_ref()
    }

    /// Signatures whose regex matches `text`, in signature order.
    pub(crate) fn matches<'a>(&'a self, text: &str) -> impl Iterator<Item = SigRef> + 'a {
        let mut hits: Vec<usize> = self.exact.get(text).cloned().unwrap_or_default();
        if let Some(set) = self.set() {
            hits.extend(
                set.matches(text)
                    .into_iter()
                    .filter_map(|i| self.patterns.get(i).map(|(_, at)| *at)),
            );
            hits.sort_unstable();
        }
        hits.into_iter().filter_map(|i| self.refs.get(i).copied())
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
    /// Why the class-substring automaton could not be built, if it could not.
    contains_error: Option<Diagnostic>,
}

impl SdkIndex {
    /// Indexes every signature of `rules` (already validated); the regex sets are compiled on
    /// first use ([`SdkIndex::compile_all`] compiles them now).
    pub(crate) fn build(rules: &[SdkRule]) -> Self {
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
        let mut contains_error = None;
        let contains = if contains_pats.is_empty() {
            None
        } else {
            match AhoCorasick::new(&contains_pats) {
                Ok(ac) => Some((ac, contains_refs)),
                Err(e) => {
                    contains_error = Some(Diagnostic {
                        file: "rules/sdks".to_string(),
                        line: 0,
                        message: format!("compiling the class substrings: {e}"),
                    });
                    None
                }
            }
        };
        let mut component_regex = Vec::new();
        let mut kinds: Vec<_> = comp_regex.into_iter().collect();
        kinds.sort_by_key(|(k, _)| *k);
        for (kind, items) in kinds {
            component_regex.push((kind, RegexIndex::new(kind.as_str(), items)));
        }
        SdkIndex {
            classes,
            contains,
            native: RegexIndex::new("native library", native),
            assets: RegexIndex::new("asset", assets),
            components,
            component_regex,
            meta_data,
            activity_suffixes,
            application_names,
            permissions: RegexIndex::new("permission", permissions),
            service_actions,
            data_schemes: RegexIndex::new("data scheme", data_schemes),
            dex_strings,
            resource_strings,
            contains_error,
        }
    }

    /// Compiles every regex set now; returns what could not be compiled.
    pub(crate) fn compile_all(&self) -> Vec<Diagnostic> {
        let sets = [
            &self.native,
            &self.assets,
            &self.permissions,
            &self.data_schemes,
        ]
        .into_iter()
        .chain(self.component_regex.iter().map(|(_, r)| r));
        let mut errors: Vec<Diagnostic> = self.contains_error.iter().cloned().collect();
        for set in sets {
            if !set.patterns.is_empty() {
                match set.compile() {
                    Ok(compiled) => {
                        let _ = set.set.set(Some(compiled));
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        errors
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

    /// `re` and the literal `anchored_literal` reads from it are the same regex.
    fn same_as_literal(re: &str, lit: &str) -> bool {
        let parse = |r: &str| regex_syntax::Parser::new().parse(r).expect("valid regex");
        parse(re) == parse(&format!("^{}$", regex::escape(lit)))
    }

    #[test]
    fn anchored_literals_are_read_exactly() {
        for (re, want) in [
            ("^libfoo\\.so$", Some("libfoo.so")),
            ("^assets/a-b_c\\.dat$", Some("assets/a-b_c.dat")),
            ("^lib\\$x\\.so$", Some("lib$x.so")),
            ("^lib.so$", None),
            ("^a\\<$", None),
            ("^a\\d$", None),
            ("libx\\.so$", None),
            ("^libx\\.so", None),
            ("^a|b$", None),
            ("^(?i)abc$", None),
            ("^lib[ab]\\.so$", None),
            ("^liba?\\.so$", None),
            ("^a\\$", None),
        ] {
            assert_eq!(anchored_literal(re).as_deref(), want, "{re}");
            if let Some(lit) = want {
                assert!(same_as_literal(re, lit), "{re}");
            }
        }
    }

    #[test]
    fn builtin_literal_regexes_match_what_their_regex_matches() {
        let cat = super::super::SdkCatalog::builtin().expect("built-in rules");
        let mut literals = 0;
        for r in cat.iter() {
            for re in r.native_libs.iter().chain(&r.assets).map(|s| &s.regex) {
                if let Some(lit) = anchored_literal(re) {
                    literals += 1;
                    assert!(same_as_literal(re, &lit), "{re} read as {lit:?}");
                }
            }
        }
        // Most native-library signatures are exact file names.
        assert!(literals > 200, "{literals} literal regexes");
    }
}
