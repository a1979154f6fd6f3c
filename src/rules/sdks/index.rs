//! The compiled form of the catalog, built once: a trie over package segments for class
//! prefixes (longest prefix wins, package boundaries only), one [`RegexIndex`] per regex kind
//! (exact names, a literal prefilter, each regex compiled on first use), hash maps for exact
//! names.

use super::literal::{anchored_literal, needles, placeholder_regex, Needles};
use super::types::Sigs;
use super::{Diagnostic, ManifestKind};
use crate::rules::apis::FastHash;
use aho_corasick::AhoCorasick;
use regex::{Regex, RegexBuilder};
use std::collections::HashMap as StdHashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The index's maps: built from the catalogue only, then probed with names read from the app,
/// so a fast non-keyed hash is safe (see [`FastHash`]) and cheaper to build at start-up.
pub(crate) type HashMap<K, V> = StdHashMap<K, V, FastHash>;

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

/// Regexes of one kind, compiled only when an input can match them. A regex that is an anchored
/// literal (`^libfoo\\.so$`, most of them) is an exact-name look-up. Every other regex has,
/// when regex-syntax can tell, a finite set of literals one of which every match starts (or
/// ends) with ([`needles`], worked out by build.rs for the built-in rules): an input that holds
/// none of them cannot match, and only the regexes an input may reach are compiled (once) and
/// run. Regexes without such literals run on every input. Matches are the regexes' own, in
/// signature order.
#[derive(Debug)]
pub(crate) struct RegexIndex {
    /// What the regexes match, for diagnostics.
    what: &'static str,
    /// Anchored literals: the exact text -> positions in `refs`.
    exact: HashMap<String, Vec<usize>>,
    /// The other regexes with their positions in `refs`.
    patterns: Vec<(String, usize)>,
    /// Each pattern's literals (given by build.rs, or worked out on first use).
    needles: Vec<OnceLock<Needles>>,
    /// The prefilter, made when an input first reaches the index.
    filter: OnceLock<Prefilter>,
    /// Each of `patterns` compiled on first use (`None`: it does not compile).
    compiled: Vec<OnceLock<Option<Regex>>>,
    refs: Vec<SigRef>,
}

/// Inputs looked at literal by literal before an Aho-Corasick automaton over the literals pays
/// for its construction.
const SCANS_BEFORE_AUTOMATON: usize = 64;

/// Which regexes of a [`RegexIndex`] an input may match.
#[derive(Debug)]
struct Prefilter {
    /// Every distinct literal, with the positions in `patterns` of the regexes it belongs to.
    literals: Vec<(Vec<u8>, Vec<usize>)>,
    /// Positions in `patterns` of the regexes without literals: tried on every input.
    always: Vec<usize>,
    /// Inputs seen so far: the first few are scanned literal by literal.
    seen: AtomicUsize,
    /// The literals as one automaton, built once many inputs come (`None`: too large).
    automaton: OnceLock<Option<AhoCorasick>>,
}

impl Prefilter {
    fn build(cells: &[OnceLock<Needles>], patterns: &[(String, usize)]) -> Prefilter {
        let mut literals: Vec<(Vec<u8>, Vec<usize>)> = Vec::new();
        let mut always = Vec::new();
        for (i, ((p, _), cell)) in patterns.iter().zip(cells).enumerate() {
            match cell.get_or_init(|| needles(p)) {
                Some(ns) => {
                    for n in ns {
                        match literals.iter_mut().find(|(l, _)| l == n) {
                            Some((_, owners)) => owners.push(i),
                            None => literals.push((n.clone(), vec![i])),
                        }
                    }
                }
                None => always.push(i),
            }
        }
        Prefilter {
            literals,
            always,
            seen: AtomicUsize::new(0),
            automaton: OnceLock::new(),
        }
    }

    /// Positions in `patterns` of the regexes `text` may match, sorted.
    fn candidates(&self, text: &str) -> Vec<usize> {
        let mut out = self.always.clone();
        let seen = self.seen.fetch_add(1, Ordering::Relaxed);
        let automaton = if seen < SCANS_BEFORE_AUTOMATON {
            None
        } else {
            self.automaton
                .get_or_init(|| AhoCorasick::new(self.literals.iter().map(|(l, _)| l)).ok())
                .as_ref()
        };
        match automaton {
            Some(ac) => {
                for m in ac.find_overlapping_iter(text) {
                    if let Some((_, o)) = self.literals.get(m.pattern().as_usize()) {
                        out.extend_from_slice(o);
                    }
                }
            }
            None => {
                let hay = text.as_bytes();
                for (lit, owners) in &self.literals {
                    if lit.len() <= hay.len() && memchr::memmem::find(hay, lit).is_some() {
                        out.extend_from_slice(owners);
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl RegexIndex {
    /// `known`: the literals build.rs worked out, by pattern (the built-in rules).
    fn new(
        what: &'static str,
        items: Vec<(String, SigRef)>,
        known: Option<&StdHashMap<String, Needles>>,
    ) -> Self {
        let mut exact: HashMap<String, Vec<usize>> = HashMap::default();
        let mut patterns = Vec::new();
        let mut refs = Vec::with_capacity(items.len());
        for (i, (pat, r)) in items.into_iter().enumerate() {
            refs.push(r);
            match anchored_literal(&pat) {
                Some(lit) => exact.entry(lit).or_default().push(i),
                None => patterns.push((pat, i)),
            }
        }
        let needles = patterns
            .iter()
            .map(|(p, _)| match known.and_then(|k| k.get(p)) {
                Some(n) => OnceLock::from(n.clone()),
                None => OnceLock::new(),
            })
            .collect();
        RegexIndex {
            what,
            exact,
            compiled: patterns.iter().map(|_| OnceLock::new()).collect(),
            needles,
            patterns,
            filter: OnceLock::new(),
            refs,
        }
    }

    fn filter(&self) -> &Prefilter {
        self.filter
            .get_or_init(|| Prefilter::build(&self.needles, &self.patterns))
    }

    fn compile_one(&self, pattern: &str) -> Result<Regex, Diagnostic> {
        RegexBuilder::new(pattern)
            .size_limit(64 << 20)
            .build()
            .map_err(|e| Diagnostic {
                file: "rules/sdks".to_string(),
                line: 0,
                message: format!("compiling the {} regex {pattern:?}: {e}", self.what),
            })
    }

    /// Pattern `i`, compiled on first use.
    fn regex(&self, i: usize) -> Option<&Regex> {
        let (pattern, _) = self.patterns.get(i)?;
        self.compiled
            .get(i)?
            // An error is reported by `compile_all` (the runtime loader, `rules lint`,
            // tests/rules_builtin.rs for the built-in rules).
            .get_or_init(|| self.compile_one(pattern).ok())
            .as_ref()
    }

    /// Signatures whose regex matches `text`, in signature order.
    pub(crate) fn matches<'a>(&'a self, text: &str) -> impl Iterator<Item = SigRef> + 'a {
        let mut hits: Vec<usize> = self.exact.get(text).cloned().unwrap_or_default();
        if !self.patterns.is_empty() {
            for i in self.filter().candidates(text) {
                if self.regex(i).is_some_and(|re| re.is_match(text)) {
                    hits.extend(self.patterns.get(i).map(|(_, at)| *at));
                }
            }
            hits.sort_unstable();
        }
        hits.into_iter().filter_map(|i| self.refs.get(i).copied())
    }

    /// Compiles every regex now; returns those that do not compile.
    fn compile_all(&self) -> Vec<Diagnostic> {
        let _ = self.filter();
        let mut errors = Vec::new();
        for (i, (p, _)) in self.patterns.iter().enumerate() {
            match self.compile_one(p) {
                Ok(re) => {
                    if let Some(cell) = self.compiled.get(i) {
                        let _ = cell.set(Some(re));
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        errors
    }
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
    /// `known`: the literals of the regexes, as build.rs worked them out (the built-in rules).
    pub(crate) fn build(rules: &[Sigs<'_>], known: Option<&StdHashMap<String, Needles>>) -> Self {
        let mut classes = ClassTrie::new();
        let mut contains_pats = Vec::new();
        let mut contains_refs = Vec::new();
        let mut native = Vec::new();
        let mut assets = Vec::new();
        let mut components: HashMap<(ManifestKind, String), Vec<SigRef>> = HashMap::default();
        let mut comp_regex: HashMap<ManifestKind, Vec<(String, SigRef)>> = HashMap::default();
        let mut meta_data: HashMap<String, Vec<SigRef>> = HashMap::default();
        let mut activity_suffixes = Vec::new();
        let mut application_names: HashMap<String, Vec<SigRef>> = HashMap::default();
        let mut permissions = Vec::new();
        let mut service_actions: HashMap<String, Vec<SigRef>> = HashMap::default();
        let mut data_schemes = Vec::new();
        let mut dex_strings: HashMap<String, Vec<SigRef>> = HashMap::default();
        let mut resource_strings: HashMap<String, Vec<SigRef>> = HashMap::default();

        for (sdk, rule) in rules.iter().enumerate() {
            for (sig, &(value, contains)) in rule.class_prefixes.iter().enumerate() {
                let r = SigRef { sdk, sig };
                if contains {
                    contains_pats.push(value.to_string());
                    contains_refs.push(r);
                } else {
                    classes.insert(value, r);
                }
            }
            for (sig, n) in rule.native_libs.iter().enumerate() {
                native.push((n.to_string(), SigRef { sdk, sig }));
            }
            for (sig, a) in rule.assets.iter().enumerate() {
                assets.push((a.to_string(), SigRef { sdk, sig }));
            }
            for (sig, d) in rule.dex_strings.iter().enumerate() {
                dex_strings
                    .entry(d.to_string())
                    .or_default()
                    .push(SigRef { sdk, sig });
            }
            for (sig, &(kind, name)) in rule.manifest.iter().enumerate() {
                let r = SigRef { sdk, sig };
                let name = name.to_string();
                match kind {
                    ManifestKind::MetaData => meta_data.entry(name).or_default().push(r),
                    ManifestKind::Activity
                    | ManifestKind::Service
                    | ManifestKind::Receiver
                    | ManifestKind::Provider => components.entry((kind, name)).or_default().push(r),
                    ManifestKind::ActivityRegex
                    | ManifestKind::ServiceRegex
                    | ManifestKind::ReceiverRegex
                    | ManifestKind::ProviderRegex => {
                        comp_regex.entry(kind).or_default().push((name, r))
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
            component_regex.push((kind, RegexIndex::new(kind.as_str(), items, known)));
        }
        SdkIndex {
            classes,
            contains,
            native: RegexIndex::new("native library", native, known),
            assets: RegexIndex::new("asset", assets, known),
            components,
            component_regex,
            meta_data,
            activity_suffixes,
            application_names,
            permissions: RegexIndex::new("permission", permissions, known),
            service_actions,
            data_schemes: RegexIndex::new("data scheme", data_schemes, known),
            dex_strings,
            resource_strings,
            contains_error,
        }
    }

    /// Compiles every regex now; returns what could not be compiled.
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
            errors.extend(set.compile_all());
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::RegexSet;

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

    #[test]
    fn needles_are_the_strongest_literals_every_match_holds() {
        let n = |re: &str| {
            needles(re).map(|v| {
                v.into_iter()
                    .map(|b| String::from_utf8(b).expect("utf8"))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(n("^com.applovin..*$"), Some(vec!["applovin".to_string()]));
        assert_eq!(
            n("^assets/appguard/"),
            Some(vec!["assets/appguard/".to_string()])
        );
        assert_eq!(
            n("baiduprotect1?\\.jar$"),
            Some(vec![
                "baiduprotect1.jar".to_string(),
                "baiduprotect.jar".to_string()
            ])
        );
        assert_eq!(
            n("^[A-Za-z0-9_.\\-]+\\.permission\\.JPUSH_MESSAGE$"),
            Some(vec![".permission.JPUSH_MESSAGE".to_string()])
        );
        assert_eq!(n("^.*$"), None);
        assert_eq!(n("(?i)^abc$").map(|v| v.len()), Some(8));
    }

    /// Every regex of `index` run the slow way: one set over all of them, exact names included.
    fn reference(index: &RegexIndex) -> RegexSet {
        let mut pats: Vec<(usize, String)> = index
            .patterns
            .iter()
            .map(|(p, at)| (*at, p.clone()))
            .collect();
        for (lit, ats) in &index.exact {
            for at in ats {
                pats.push((*at, format!("^{}$", regex::escape(lit))));
            }
        }
        pats.sort();
        assert_eq!(pats.len(), index.refs.len());
        RegexSet::new(pats.iter().map(|(_, p)| p)).expect("compiles")
    }

    #[test]
    fn prefiltered_matches_equal_the_regexes_own() {
        let cat = super::super::SdkCatalog::builtin().expect("built-in rules");
        let idx = cat.index();
        // Inputs: every exact name and literal of the rules, in the shapes the matchers see.
        let mut inputs: Vec<String> = vec![
            "assets/x.cert.pem".into(),
            "assets/libjiagu_x86.so".into(),
            "lib/arm64-v8a/libbaiduprotect.so".into(),
            "assets/dp.arm-v7.so.dat".into(),
            "classes.dex".into(),
            "AndroidManifest.xml".into(),
            "com.example.app.permission.JPUSH_MESSAGE".into(),
            "com.applovin.adview.AppLovinFullscreenActivity".into(),
            "com.example.MainActivity".into(),
        ];
        // Every regex index of the catalogue.
        let indexes: Vec<&RegexIndex> = [
            &idx.native,
            &idx.assets,
            &idx.permissions,
            &idx.data_schemes,
        ]
        .into_iter()
        .chain(idx.component_regex.iter().map(|(_, r)| r))
        .collect();
        for r in &indexes {
            inputs.extend(r.exact.keys().cloned());
            for (p, _) in &r.patterns {
                for n in needles(p).unwrap_or_default() {
                    let n = String::from_utf8_lossy(&n).into_owned();
                    inputs.push(format!("assets/{n}"));
                    inputs.push(format!("{n}.so"));
                    inputs.push(format!("com.x.{n}.Y"));
                    inputs.push(n);
                }
            }
        }
        let mut checked = 0;
        for r in &indexes {
            let set = reference(r);
            // Twice: the first inputs scanned literal by literal, later ones by the automaton.
            for text in inputs.iter().chain(&inputs) {
                let want: Vec<SigRef> = set.matches(text).into_iter().map(|i| r.refs[i]).collect();
                let got: Vec<SigRef> = r.matches(text).collect();
                assert_eq!(got, want, "{} regexes on {text:?}", r.what);
                checked += usize::from(!want.is_empty());
            }
        }
        assert!(checked > 300, "{checked} inputs matched");
    }

    #[test]
    fn build_rs_worked_out_every_index_regex() {
        let kb = super::super::blob::decode(include_bytes!(concat!(
            env!("OUT_DIR"),
            "/builtin_sdks.bin"
        )))
        .expect("decodes");
        let known: StdHashMap<String, Needles> = kb.needles.into_iter().collect();
        for r in &kb.rules {
            for p in super::super::literal::index_patterns(r) {
                if anchored_literal(&p).is_none() {
                    assert_eq!(known.get(&p), Some(&needles(&p)), "{p}");
                }
            }
        }
    }
}
