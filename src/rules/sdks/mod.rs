//! The SDK knowledge base: one TOML file per SDK under `rules/sdks/`, compiled at build time.
//!
//! Loading validates everything (unknown keys, regexes, confidence values, references between
//! entries, duplicate ids, conflicting class prefixes) and reports every problem as
//! `file:line: message`, all at once. `build.rs` runs the same loader over `rules/sdks` and
//! embeds the validated entries as a compact blob ([`blob`]): the built-in catalogue is decoded,
//! not parsed, and its regexes are compiled on first use.

mod blob;
mod index;
mod literal;
mod load;
mod types;

pub(crate) use index::{SdkIndex, SigRef};
pub use load::Diagnostic;
pub use types::*;

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// The validated knowledge base with its matchers, each compiled on first use.
#[derive(Debug)]
pub struct SdkCatalog {
    /// Sorted by id (looked up by binary search).
    rules: Vec<SdkRule>,
    pub(crate) index: SdkIndex,
    /// Per entry, its `versions` compiled (on first use: few entries have any, fewer are read).
    version_regexes: Vec<OnceLock<Vec<CompiledVersion>>>,
    /// The `lib` regexes of every `native-string` version rule, as one set (on first use).
    native_string_libs: OnceLock<regex::RegexSet>,
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

impl SdkCatalog {
    /// The built-in knowledge base: `rules/sdks` as validated at build time, decoded once per
    /// process; its regexes are compiled when an input first reaches them.
    pub fn builtin() -> Result<&'static SdkCatalog, Vec<Diagnostic>> {
        static BUILTIN: OnceLock<Result<SdkCatalog, Vec<Diagnostic>>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let kb = blob::decode(BUILTIN_BLOB).map_err(|message| {
                    vec![Diagnostic {
                        file: "rules/sdks".to_string(),
                        line: 0,
                        message,
                    }]
                })?;
                let needles: HashMap<String, literal::Needles> = kb.needles.into_iter().collect();
                Ok(Self::from_rules(kb.rules, Some(&needles)))
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
        let cat = Self::from_rules(rules, None);
        cat.compile_all()?;
        Ok(cat)
    }

    /// The catalog of validated entries sorted by id; nothing is compiled yet. `needles`: the
    /// literals of the index regexes, as build.rs worked them out (the built-in rules).
    fn from_rules(
        rules: Vec<SdkRule>,
        needles: Option<&HashMap<String, literal::Needles>>,
    ) -> SdkCatalog {
        let index = SdkIndex::build(&rules, needles);
        let version_regexes = rules.iter().map(|_| OnceLock::new()).collect();
        SdkCatalog {
            rules,
            index,
            version_regexes,
            native_string_libs: OnceLock::new(),
        }
    }

    /// Compiles every matcher now (they are otherwise compiled on first use), reporting the
    /// regexes that cannot be built. `rules lint` and the runtime loader call it.
    pub fn compile_all(&self) -> Result<(), Vec<Diagnostic>> {
        let mut errors = self.index.compile_all();
        if let Err(e) = regex::RegexSet::new(self.native_string_lib_patterns()) {
            errors.push(Diagnostic {
                file: "rules/sdks".to_string(),
                line: 0,
                message: format!("compiling the native-string library regexes: {e}"),
            });
        }
        for r in &self.rules {
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
        self.rules
            .iter()
            .flat_map(|r| &r.versions)
            .filter_map(|v| match &v.kind {
                VersionKind::NativeString { lib } => Some(lib.as_str()),
                _ => None,
            })
    }

    /// The index of the entry with this id (the entries are sorted by id).
    fn position(&self, id: &str) -> Option<usize> {
        self.rules.binary_search_by(|r| r.id.as_str().cmp(id)).ok()
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&SdkRule> {
        self.position(id).and_then(|i| self.rules.get(i))
    }

    /// Every entry, sorted by id.
    pub fn iter(&self) -> impl Iterator<Item = &SdkRule> {
        self.rules.iter()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The entry at an index of [`SdkCatalog::iter`] order.
    pub(crate) fn at(&self, i: usize) -> Option<&SdkRule> {
        self.rules.get(i)
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
        let (Some(rule), Some(cell)) = (self.rules.get(i), self.version_regexes.get(i)) else {
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
