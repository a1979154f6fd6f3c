//! The SDK knowledge base: one TOML file per SDK under `rules/sdks/`, compiled at build time.
//!
//! Loading validates everything (unknown keys, regexes, confidence values, references between
//! entries, duplicate ids, conflicting class prefixes) and reports every problem as
//! `file:line: message`, all at once. `build.rs` runs the same loader over `rules/sdks` and
//! embeds the validated entries as a compact blob ([`blob`]): the built-in catalogue is decoded,
//! not parsed, and its regexes are compiled on first use.

mod blob;
pub mod consent;
mod index;
mod literal;
mod load;
mod types;

pub(crate) use index::{SdkIndex, SigRef};
pub use load::Diagnostic;
use types::Sigs;
pub use types::*;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// The validated knowledge base with its matchers, each compiled on first use.
#[derive(Debug)]
pub struct SdkCatalog {
    /// Per entry, sorted by id: its id (looked up by binary search).
    ids: Vec<Cow<'static, str>>,
    /// Per entry: the entry, decoded from the built-in blob when first looked at (set from the
    /// start for rules loaded at run time).
    rules: Vec<OnceLock<SdkRule>>,
    /// The built-in blob, for the entries not decoded yet.
    blob: Option<blob::Opened<'static>>,
    /// The matchers, built on first use ([`SdkCatalog::index`]): the built-in catalogue builds
    /// them from `deferred`.
    index: OnceLock<SdkIndex>,
    /// What the built-in catalogue's index is built from (borrowed from the embedded blob).
    deferred: Option<Deferred>,
    /// Every `dex_strings` needle, sorted, once each.
    dex_strings: Vec<String>,
    /// The entries in a `shared_with` relation, in order.
    shared: Vec<usize>,
    /// The `lib` regexes of every `native-string` version rule.
    version_libs: Vec<String>,
    /// Per entry, its `versions` compiled (on first use: few entries have any, fewer are read).
    version_regexes: Vec<OnceLock<Vec<CompiledVersion>>>,
    /// The `lib` regexes of every `native-string` version rule, as one set (on first use).
    native_string_libs: OnceLock<regex::RegexSet>,
    /// Every `[[consent]]` target, in catalogue order (read with the signatures: the consent
    /// search and the provider check do not decode the entries).
    consent: Vec<ConsentSig>,
}

/// The signatures and regex literals the built-in index is built from, when first needed.
#[derive(Debug)]
struct Deferred {
    sigs: Vec<Sigs<'static>>,
    needles: HashMap<String, literal::Needles>,
}

/// One `[[consent]]` entry as the consent search matches it; its source is in the entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentSig {
    /// Index of the SDK in catalogue order ([`SdkCatalog::id_at`]).
    pub sdk: usize,
    /// What it names.
    pub kind: consent::ConsentKind,
    /// The method (`com.umeng.commonsdk.UMConfigure.init`) or provider class it names.
    pub target: Box<str>,
}

/// The regexes of one [`VersionSig`], compiled once.
#[derive(Debug)]
pub(crate) struct CompiledVersion {
    /// Over the library file name (native-string).
    pub lib: Option<regex::Regex>,
    /// Over the value.
    pub pattern: Option<regex::Regex>,
}

/// The knowledge base validated and encoded by `build.rs` ([`blob`]).
static BUILTIN_BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin_sdks.bin"));
/// Their version ([`SdkCatalog::builtin_version`]).
static BUILTIN_VERSION: &str = include_str!(concat!(env!("OUT_DIR"), "/rules_version.txt"));

impl SdkCatalog {
    /// The built-in knowledge base: `rules/sdks` as validated at build time. Start-up reads the
    /// signatures the matchers need; an entry is decoded when it is first looked at, and a regex
    /// compiled when an input first reaches it.
    pub fn builtin() -> Result<&'static SdkCatalog, Vec<Diagnostic>> {
        static BUILTIN: OnceLock<Result<SdkCatalog, Vec<Diagnostic>>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let mut opened = blob::open(BUILTIN_BLOB).map_err(|message| {
                    vec![Diagnostic {
                        file: "rules/sdks".to_string(),
                        line: 0,
                        message,
                    }]
                })?;
                let needles: HashMap<String, literal::Needles> =
                    std::mem::take(&mut opened.needles).into_iter().collect();
                let sigs = std::mem::take(&mut opened.sigs);
                let ids = sigs.iter().map(|s| Cow::Borrowed(s.id)).collect();
                let rules = sigs.iter().map(|_| OnceLock::new()).collect();
                let mut cat = Self::from_sigs(&sigs, ids, rules, Some(opened));
                cat.deferred = Some(Deferred { sigs, needles });
                Ok(cat)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Loads every `*.toml` of a directory (`--rules DIR` gives `DIR/sdks`).
    pub fn load_dir(dir: &Path) -> Result<SdkCatalog, Vec<Diagnostic>> {
        let files = load::read_dir(dir)?;
        Self::from_sources(&files)
    }

    /// Parses and validates (file name, contents) pairs into a catalog. Every matcher is
    /// compiled here, so that a regex the matchers cannot build is a diagnostic now.
    pub fn from_sources(files: &[(String, String)]) -> Result<SdkCatalog, Vec<Diagnostic>> {
        let mut rules = load::parse_all(files)?;
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        let sigs = Sigs::of_all(&rules);
        let ids = rules.iter().map(|r| Cow::Owned(r.id.clone())).collect();
        let cells = rules.iter().map(|r| OnceLock::from(r.clone())).collect();
        let cat = Self::from_sigs(&sigs, ids, cells, None);
        // The signatures borrow from the rules: the index is built now.
        let _ = cat.index.set(SdkIndex::build(&sigs, None));
        cat.compile_all()?;
        Ok(cat)
    }

    /// The catalog of validated entries (their signatures, sorted by id); nothing is compiled
    /// yet, and the index is left to the caller.
    fn from_sigs(
        sigs: &[Sigs<'_>],
        ids: Vec<Cow<'static, str>>,
        rules: Vec<OnceLock<SdkRule>>,
        blob: Option<blob::Opened<'static>>,
    ) -> SdkCatalog {
        let mut dex_strings: Vec<String> = sigs
            .iter()
            .flat_map(|s| s.dex_strings.iter().map(|d| d.to_string()))
            .collect();
        dex_strings.sort();
        dex_strings.dedup();
        SdkCatalog {
            ids,
            rules,
            blob,
            index: OnceLock::new(),
            deferred: None,
            dex_strings,
            shared: (0..sigs.len()).filter(|&i| sigs[i].shared).collect(),
            version_libs: sigs
                .iter()
                .flat_map(|s| s.version_libs.iter().map(|l| l.to_string()))
                .collect(),
            version_regexes: sigs.iter().map(|_| OnceLock::new()).collect(),
            native_string_libs: OnceLock::new(),
            consent: sigs
                .iter()
                .enumerate()
                .flat_map(|(sdk, s)| {
                    s.consent.iter().map(move |&(kind, target)| ConsentSig {
                        sdk,
                        kind,
                        target: target.into(),
                    })
                })
                .collect(),
        }
    }

    /// Compiles every matcher now (they are otherwise compiled on first use), reporting the
    /// regexes that cannot be built. `rules lint` and the runtime loader call it.
    pub fn compile_all(&self) -> Result<(), Vec<Diagnostic>> {
        let mut errors = self.index().compile_all();
        if let Err(e) = regex::RegexSet::new(self.native_string_lib_patterns()) {
            errors.push(Diagnostic {
                file: "rules/sdks".to_string(),
                line: 0,
                message: format!("compiling the native-string library regexes: {e}"),
            });
        }
        for r in self.iter() {
            for v in &r.versions {
                let lib = match &v.kind {
                    VersionKind::NativeString { lib } => Some(lib),
                    _ => None,
                };
                for p in lib.into_iter().chain(&v.pattern) {
                    if let Err(e) = regex::Regex::new(p) {
                        errors.push(Diagnostic {
                            file: r.file.clone(),
                            line: v.line,
                            message: format!("compiling the version regex {p:?}: {e}"),
                        });
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn native_string_lib_patterns(&self) -> impl Iterator<Item = &str> {
        self.version_libs.iter().map(String::as_str)
    }

    /// The index of the entry with this id (the entries are sorted by id).
    fn position(&self, id: &str) -> Option<usize> {
        self.ids.binary_search_by(|e| e.as_ref().cmp(id)).ok()
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&SdkRule> {
        self.position(id).and_then(|i| self.at(i))
    }

    /// The id of the entry at an index of [`SdkCatalog::iter`] order (nothing decoded).
    pub fn id_at(&self, i: usize) -> Option<&str> {
        self.ids.get(i).map(|s| s.as_ref())
    }

    /// The version of the built-in rules, digested by build.rs ([`crate::rules::version`]);
    /// `None` for rules loaded at run time.
    pub fn builtin_version(&self) -> Option<&'static str> {
        self.blob.as_ref().map(|_| BUILTIN_VERSION)
    }

    /// Every `[[consent]]` target of the catalogue, without decoding the entries.
    pub fn consent_sigs(&self) -> &[ConsentSig] {
        &self.consent
    }

    /// Every entry, sorted by id.
    pub fn iter(&self) -> impl Iterator<Item = &SdkRule> {
        (0..self.len()).filter_map(|i| self.at(i))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The entry at an index of [`SdkCatalog::iter`] order (decoded on first use).
    pub(crate) fn at(&self, i: usize) -> Option<&SdkRule> {
        let cell = self.rules.get(i)?;
        Some(cell.get_or_init(|| {
            let blob = self.blob.as_ref();
            match blob.map(|b| b.rule(i)) {
                Some(Ok(rule)) => rule,
                // The blob is written by build.rs from this source and round-trips (unit
                // tests in blob.rs and tests/rules_builtin.rs decode every entry).
                Some(Err(e)) => panic!("the embedded knowledge base is corrupt: {e}"),
                None => unreachable!("a catalog loaded at run time has every entry set"),
            }
        }))
    }

    /// The entries in a `shared_with` relation (naming one or named by one), in order: the
    /// ones whose signatures may be claimed by more than one entry.
    pub fn shared_entries(&self) -> &[usize] {
        &self.shared
    }

    /// Every `dex_strings` needle of the catalogue, sorted, once each (without the index: the
    /// reader needs them before the index is built).
    pub fn dex_string_values(&self) -> Vec<String> {
        self.dex_strings.clone()
    }

    /// The matchers over every signature, built on first use (the built-in catalogue's when the
    /// first app read is matched: a process that fails to read its app never builds them).
    pub(crate) fn index(&self) -> &SdkIndex {
        self.index.get_or_init(|| match &self.deferred {
            Some(d) => SdkIndex::build(&d.sigs, Some(&d.needles)),
            // A catalogue loaded at run time sets its index when it is made.
            None => SdkIndex::build(&[], None),
        })
    }

    /// The libraries (by file name) whose strings a `native-string` version rule reads: the
    /// reader scans only those ([`crate::apk::reader::Options::native_strings`]).
    pub fn native_string_libs(&self) -> &regex::RegexSet {
        self.native_string_libs.get_or_init(|| {
            // Checked by `compile_all` (the runtime loader, `rules lint`, tests/rules_builtin.rs).
            regex::RegexSet::new(self.native_string_lib_patterns())
                .unwrap_or_else(|_| regex::RegexSet::empty())
        })
    }

    /// The compiled `versions` of the entry with this id (same order).
    pub(crate) fn version_regexes(&self, id: &str) -> &[CompiledVersion] {
        let Some(i) = self.position(id) else {
            return &[];
        };
        let (Some(rule), Some(cell)) = (self.at(i), self.version_regexes.get(i)) else {
            return &[];
        };
        // Checked by `compile_all`, as above.
        let compile = |r: &str| regex::Regex::new(r).ok();
        cell.get_or_init(|| {
            rule.versions
                .iter()
                .map(|v| CompiledVersion {
                    lib: match &v.kind {
                        VersionKind::NativeString { lib } => compile(lib),
                        _ => None,
                    },
                    pattern: v.pattern.as_deref().and_then(compile),
                })
                .collect()
        })
    }
}
