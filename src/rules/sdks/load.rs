//! Reading and validating `rules/sdks/*.toml`: every problem is collected as `file:line: message`.

use super::{
    ClassPrefix, DataTypes, DexStringSig, ManifestKind, ManifestSig, RegexSig, SdkRule,
    SigConfidence, SigMeta, VersionKind, VersionSig, CATEGORIES,
};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use toml::Spanned;

/// One problem in the rules, with its position.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// The rules file.
    pub file: String,
    /// 1-based line (0 when the problem is about the file as a whole).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSdk {
    id: Spanned<String>,
    name_en: String,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    vendor_zh: String,
    #[serde(default)]
    vendor_en: String,
    category: Spanned<String>,
    #[serde(default)]
    privacy_url: Option<String>,
    #[serde(default)]
    shared_with: Vec<Spanned<String>>,
    #[serde(default)]
    bundled_by: Vec<Spanned<String>>,
    #[serde(default)]
    artifacts: Vec<Spanned<String>>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    network: Vec<Spanned<String>>,
    #[serde(default)]
    data_types: Option<RawDataTypes>,
    #[serde(default)]
    class_prefixes: Vec<RawClassPrefix>,
    #[serde(default)]
    native_libs: Vec<RawRegexSig>,
    #[serde(default)]
    manifest: Vec<RawManifestSig>,
    #[serde(default)]
    assets: Vec<RawRegexSig>,
    #[serde(default)]
    dex_strings: Vec<RawStringSig>,
    #[serde(default)]
    version: Vec<RawVersion>,
    #[serde(default)]
    consent: Vec<super::consent::RawConsent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersion {
    kind: Spanned<String>,
    #[serde(default)]
    class: Option<Spanned<String>>,
    #[serde(default)]
    field: Option<Spanned<String>>,
    #[serde(default)]
    lib: Option<Spanned<String>>,
    #[serde(default)]
    pattern: Option<Spanned<String>>,
    #[serde(default)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDataTypes {
    confidence: Spanned<String>,
    #[serde(default)]
    items: Vec<String>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClassPrefix {
    value: Spanned<String>,
    #[serde(default, rename = "match")]
    match_: Option<Spanned<String>>,
    confidence: Spanned<String>,
    #[serde(default)]
    base: bool,
    #[serde(default)]
    bundled_in: Option<Spanned<String>>,
    #[serde(default)]
    shipped_with: Option<Spanned<String>>,
    #[serde(default)]
    via: Option<Spanned<String>>,
    #[serde(default)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegexSig {
    regex: Spanned<String>,
    confidence: Spanned<String>,
    #[serde(default)]
    base: bool,
    #[serde(default)]
    bundled_in: Option<Spanned<String>>,
    #[serde(default)]
    shipped_with: Option<Spanned<String>>,
    #[serde(default)]
    via: Option<Spanned<String>>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifestSig {
    kind: Spanned<String>,
    name: Spanned<String>,
    confidence: Spanned<String>,
    #[serde(default)]
    base: bool,
    #[serde(default)]
    bundled_in: Option<Spanned<String>>,
    #[serde(default)]
    shipped_with: Option<Spanned<String>>,
    #[serde(default)]
    via: Option<Spanned<String>>,
    #[serde(default)]
    disabled_when: Vec<Spanned<String>>,
    #[serde(default)]
    source: String,
}

/// The keys that say a signature does not count on its own, as the loader reads them.
struct Flags<'a> {
    base: bool,
    bundled_in: &'a Option<Spanned<String>>,
    shipped_with: &'a Option<Spanned<String>>,
    via: &'a Option<Spanned<String>>,
}

/// `flags()` on the signature tables that carry the shared keys (`base`, `bundled_in`,
/// `shipped_with`, `via`).
macro_rules! signature_flags {
    ($($raw:ty),*) => {$(
        impl $raw {
            fn flags(&self) -> Flags<'_> {
                Flags {
                    base: self.base,
                    bundled_in: &self.bundled_in,
                    shipped_with: &self.shipped_with,
                    via: &self.via,
                }
            }
        }
    )*};
}
signature_flags!(RawClassPrefix, RawRegexSig, RawManifestSig);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStringSig {
    value: Spanned<String>,
    confidence: Spanned<String>,
    #[serde(default)]
    own_code: bool,
    #[serde(default)]
    source: String,
}

/// Reads every `*.toml` of `dir`, sorted by name.
pub(super) fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
    let rd = std::fs::read_dir(dir).map_err(|e| {
        vec![Diagnostic {
            file: dir.display().to_string(),
            line: 0,
            message: format!("cannot read the directory: {e}"),
        }]
    })?;
    let mut paths: Vec<_> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match std::fs::read_to_string(&p) {
            Ok(s) => files.push((p.display().to_string(), s)),
            Err(e) => errors.push(Diagnostic {
                file: p.display().to_string(),
                line: 0,
                message: format!("cannot read: {e}"),
            }),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// 1-based line of a byte offset.
fn line_of(src: &str, offset: usize) -> usize {
    let end = offset.min(src.len());
    src.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Collects the problems of one file.
struct FileCtx<'a> {
    file: &'a str,
    src: &'a str,
    /// Offsets of the newlines of `src`.
    newlines: Vec<usize>,
    errors: &'a mut Vec<Diagnostic>,
}

impl FileCtx<'_> {
    fn line<T>(&self, s: &Spanned<T>) -> usize {
        // The number of line starts at or before the offset (a binary search, not a count of
        // the newlines before it for every key of the file).
        let offset = s.span().start.min(self.src.len());
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }

    fn err(&mut self, line: usize, message: String) {
        self.errors.push(Diagnostic {
            file: self.file.to_string(),
            line,
            message,
        });
    }

    fn confidence(&mut self, c: &Spanned<String>) -> SigConfidence {
        match c.get_ref().as_str() {
            "high" => SigConfidence::High,
            "medium" => SigConfidence::Medium,
            other => {
                let line = self.line(c);
                self.err(
                    line,
                    format!("confidence must be \"high\" or \"medium\", not {other:?}"),
                );
                SigConfidence::Medium
            }
        }
    }

    /// Checks that `r` is a valid regex; returns its number of capture groups. Only parsed
    /// (syntax and Unicode classes), not compiled: the matchers compile each regex once, into
    /// the sets of the index, and compiling every one twice was most of the start-up time.
    fn regex(&mut self, r: &Spanned<String>, what: &str) -> Option<usize> {
        match regex_syntax::Parser::new().parse(r.get_ref()) {
            Ok(hir) => Some(hir.properties().explicit_captures_len()),
            Err(e) => {
                let line = self.line(r);
                let first = e
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                self.err(
                    line,
                    format!("invalid {what} regex {:?}: {first}", r.get_ref()),
                );
                None
            }
        }
    }

    /// The signature's metadata; `bundled_in` and `via` name other entries (checked across
    /// files through `refs`), `shipped_with` names a platform library; at most one of the
    /// three, since each says who the code really belongs to.
    fn meta(
        &mut self,
        confidence: &Spanned<String>,
        flags: Flags<'_>,
        source: &str,
        line: usize,
        refs: &mut Vec<(String, usize, &'static str)>,
    ) -> SigMeta {
        let owners = [
            flags.bundled_in.is_some(),
            flags.shipped_with.is_some(),
            flags.via.is_some(),
        ];
        if owners.iter().filter(|&&o| o).count() > 1 {
            self.err(
                line,
                "bundled_in, shipped_with and via exclude each other: give the one owner of the code"
                    .to_string(),
            );
        }
        for (key, v) in [("bundled_in", flags.bundled_in), ("via", flags.via)] {
            if let Some(b) = v {
                refs.push((b.get_ref().clone(), self.line(b), key));
            }
        }
        if let Some(w) = flags.shipped_with {
            let v = w.get_ref();
            if v.is_empty()
                || !v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
            {
                let l = self.line(w);
                self.err(
                    l,
                    format!("shipped_with {v:?} must name a library (play-services-base, androidx.appcompat)"),
                );
            }
        }
        SigMeta {
            confidence: self.confidence(confidence),
            base: flags.base,
            bundled_in: flags.bundled_in.as_ref().map(|b| b.get_ref().clone()),
            shipped_with: flags.shipped_with.as_ref().map(|b| b.get_ref().clone()),
            via: flags.via.as_ref().map(|b| b.get_ref().clone()),
            source: source.to_string(),
            line,
        }
    }
}

/// Spans kept for the cross-file checks.
struct Positions {
    id_line: usize,
    refs: Vec<(String, usize, &'static str)>,
}

fn convert(raw: RawSdk, ctx: &mut FileCtx<'_>) -> (SdkRule, Positions) {
    let id_line = ctx.line(&raw.id);
    let id = raw.id.get_ref().clone();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        ctx.err(
            id_line,
            format!("id {id:?} must be lowercase ASCII letters, digits and '_'"),
        );
    }
    if !CATEGORIES.contains(&raw.category.get_ref().as_str()) {
        let line = ctx.line(&raw.category);
        ctx.err(
            line,
            format!(
                "unknown category {:?} (one of: {})",
                raw.category.get_ref(),
                CATEGORIES.join(", ")
            ),
        );
    }
    let mut refs = Vec::new();
    for s in &raw.shared_with {
        refs.push((s.get_ref().clone(), ctx.line(s), "shared_with"));
    }
    for s in &raw.bundled_by {
        refs.push((s.get_ref().clone(), ctx.line(s), "bundled_by"));
    }
    for a in &raw.artifacts {
        if a.get_ref().split(':').count() != 2 {
            let line = ctx.line(a);
            ctx.err(
                line,
                format!("artifact {:?} must be group:artifact", a.get_ref()),
            );
        }
    }
    for n in &raw.network {
        ctx.regex(n, "network");
    }
    let data_types = match &raw.data_types {
        Some(d) => {
            if !matches!(d.confidence.get_ref().as_str(), "high" | "medium") {
                let line = ctx.line(&d.confidence);
                ctx.err(
                    line,
                    format!(
                        "confidence must be \"high\" or \"medium\", not {:?}",
                        d.confidence.get_ref()
                    ),
                );
            }
            DataTypes {
                confidence: d.confidence.get_ref().clone(),
                items: d.items.clone(),
                source: d.source.clone(),
                sources: d.sources.clone(),
            }
        }
        None => DataTypes::default(),
    };

    let mut class_prefixes = Vec::new();
    for c in &raw.class_prefixes {
        let line = ctx.line(&c.value);
        let contains = match c.match_.as_ref().map(|m| m.get_ref().as_str()) {
            None | Some("prefix") => false,
            Some("contains") => true,
            Some(other) => {
                let l = c.match_.as_ref().map_or(line, |m| ctx.line(m));
                ctx.err(
                    l,
                    format!("match must be \"prefix\" or \"contains\", not {other:?}"),
                );
                false
            }
        };
        let v = c.value.get_ref();
        let bad = v.is_empty()
            || v.split('.').any(|seg| seg.is_empty())
            || v.chars().any(|ch| ch.is_whitespace() || ch == '/');
        if bad && !contains {
            ctx.err(
                line,
                format!("class prefix {v:?} must be a dotted Java name (com.example.sdk)"),
            );
        }
        let meta = ctx.meta(&c.confidence, c.flags(), &c.source, line, &mut refs);
        class_prefixes.push(ClassPrefix {
            value: v.clone(),
            contains,
            meta,
        });
    }
    let regex_sigs =
        |list: &[RawRegexSig], what: &str, ctx: &mut FileCtx<'_>, refs: &mut Vec<_>| {
            let mut out = Vec::new();
            for r in list {
                let line = ctx.line(&r.regex);
                ctx.regex(&r.regex, what);
                let meta = ctx.meta(&r.confidence, r.flags(), &r.source, line, refs);
                out.push(RegexSig {
                    regex: r.regex.get_ref().clone(),
                    note: r.note.clone(),
                    meta,
                });
            }
            out
        };
    let native_libs = regex_sigs(&raw.native_libs, "native library", ctx, &mut refs);
    let assets = regex_sigs(&raw.assets, "asset", ctx, &mut refs);

    let mut manifest = Vec::new();
    for m in &raw.manifest {
        let line = ctx.line(&m.name);
        let Some(kind) = ManifestKind::parse(m.kind.get_ref()) else {
            let l = ctx.line(&m.kind);
            ctx.err(l, format!("unknown manifest kind {:?}", m.kind.get_ref()));
            continue;
        };
        if kind.is_regex() {
            ctx.regex(&m.name, kind.as_str());
        }
        let name = m.name.get_ref();
        if name.is_empty() {
            ctx.err(line, "empty manifest name".to_string());
        }
        if kind == ManifestKind::ActivitySuffix && !name.is_empty() {
            // Matched against the end of a class name on a package boundary: `.wxapi.X`.
            if !name.starts_with('.') || name.len() < 2 || name.ends_with('.') {
                ctx.err(
                    line,
                    format!("activity-suffix {name:?} must start with '.' and name a class (\".wxapi.WXEntryActivity\")"),
                );
            } else if name.chars().any(|c| c.is_whitespace() || c == '/') {
                ctx.err(
                    line,
                    format!("activity-suffix {name:?} must be a dotted Java name"),
                );
            }
        }
        if !m.disabled_when.is_empty() && kind != ManifestKind::MetaData {
            let l = m.disabled_when.first().map_or(line, |d| ctx.line(d));
            ctx.err(
                l,
                format!(
                    "disabled_when applies to kind \"meta-data\" only, not {:?}",
                    kind.as_str()
                ),
            );
        }
        let meta = ctx.meta(&m.confidence, m.flags(), &m.source, line, &mut refs);
        manifest.push(ManifestSig {
            kind,
            name: name.clone(),
            disabled_when: m
                .disabled_when
                .iter()
                .map(|d| d.get_ref().clone())
                .collect(),
            meta,
        });
    }
    let mut dex_strings = Vec::new();
    for s in &raw.dex_strings {
        let line = ctx.line(&s.value);
        if s.value.get_ref().is_empty() {
            ctx.err(line, "empty dex string".to_string());
        }
        let flags = Flags {
            base: false,
            bundled_in: &None,
            shipped_with: &None,
            via: &None,
        };
        let meta = ctx.meta(&s.confidence, flags, &s.source, line, &mut refs);
        dex_strings.push(DexStringSig {
            value: s.value.get_ref().clone(),
            own_code: s.own_code,
            meta,
        });
    }
    let versions = raw
        .version
        .iter()
        .filter_map(|v| version_sig(v, ctx))
        .collect();
    let mut consent_errors = Vec::new();
    let consent = super::consent::convert(
        &raw.consent,
        |s| ctx.line(s),
        |l, m| consent_errors.push((l, m)),
    );
    for (l, m) in consent_errors {
        ctx.err(l, m);
    }
    let rule = SdkRule {
        id,
        name_en: raw.name_en,
        names: raw.names,
        vendor_zh: raw.vendor_zh,
        vendor_en: raw.vendor_en,
        category: raw.category.into_inner(),
        privacy_url: raw.privacy_url,
        shared_with: raw
            .shared_with
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
        bundled_by: raw
            .bundled_by
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
        artifacts: raw.artifacts.into_iter().map(Spanned::into_inner).collect(),
        notes: raw.notes,
        network: raw.network.into_iter().map(Spanned::into_inner).collect(),
        data_types,
        class_prefixes,
        native_libs,
        manifest,
        assets,
        dex_strings,
        versions,
        consent,
        file: ctx.file.to_string(),
    };
    (rule, Positions { id_line, refs })
}

/// Checks one `[[version]]` table: the keys its kind needs and no other, regexes that compile
/// and capture, a dex-constant field the DEX reader keeps.
fn version_sig(v: &RawVersion, ctx: &mut FileCtx<'_>) -> Option<VersionSig> {
    let line = ctx.line(&v.kind);
    let kind_name = v.kind.get_ref().as_str();
    let mut problems = Vec::new();
    let mut unexpected = |key: &str, present: bool| {
        if present {
            problems.push(format!("{key} does not apply to kind {kind_name:?}"));
        }
    };
    let kind = match kind_name {
        "dex-constant" => {
            unexpected("lib", v.lib.is_some());
            let (Some(class), Some(field)) = (&v.class, &v.field) else {
                ctx.err(line, "a dex-constant version needs class and field".into());
                return None;
            };
            let (class, field) = (class.get_ref().clone(), field.get_ref().clone());
            if class.is_empty() || class.split('.').any(str::is_empty) || class.contains('/') {
                problems.push(format!(
                    "class {class:?} must be a dotted Java name (com.example.sdk.Build)"
                ));
            }
            if !field.to_ascii_lowercase().contains("version") {
                problems.push(format!(
                    "field {field:?} must mention \"version\": only such constants are read from DEX"
                ));
            }
            VersionKind::DexConstant { class, field }
        }
        "native-name" => {
            unexpected("class", v.class.is_some());
            unexpected("field", v.field.is_some());
            unexpected("lib", v.lib.is_some());
            VersionKind::NativeName
        }
        "native-string" => {
            unexpected("class", v.class.is_some());
            unexpected("field", v.field.is_some());
            let Some(lib) = &v.lib else {
                ctx.err(
                    line,
                    "a native-string version needs lib (a file-name regex)".into(),
                );
                return None;
            };
            let _ = ctx.regex(lib, "version lib");
            VersionKind::NativeString {
                lib: lib.get_ref().clone(),
            }
        }
        other => {
            ctx.err(
                line,
                format!(
                    "unknown version kind {other:?} (dex-constant, native-name, native-string)"
                ),
            );
            return None;
        }
    };
    for p in problems {
        ctx.err(line, p);
    }
    match &v.pattern {
        Some(p) if ctx.regex(p, "version pattern") == Some(0) => {
            let l = ctx.line(p);
            ctx.err(
                l,
                format!("version pattern {:?} has no capture group", p.get_ref()),
            );
        }
        Some(_) => {}
        None if !matches!(kind, VersionKind::DexConstant { .. }) => {
            ctx.err(line, format!("a {kind_name} version needs a pattern"));
        }
        None => {}
    }
    Some(VersionSig {
        kind,
        pattern: v.pattern.as_ref().map(|p| p.get_ref().clone()),
        source: v.source.clone(),
        line,
    })
}

/// Parses every file and runs the cross-file checks; all problems are returned together.
pub(super) fn parse_all(files: &[(String, String)]) -> Result<Vec<SdkRule>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut parsed: Vec<(SdkRule, Positions)> = Vec::new();
    // The TOML parse is most of the start-up time: the files are parsed in parallel.
    use rayon::prelude::*;
    let raws: Vec<Result<RawSdk, toml::de::Error>> = files
        .par_iter()
        .map(|(_, src)| toml::from_str::<RawSdk>(src))
        .collect();
    for ((file, src), raw) in files.iter().zip(raws) {
        match raw {
            Ok(raw) => {
                let mut ctx = FileCtx {
                    file,
                    src,
                    newlines: memchr::memchr_iter(b'\n', src.as_bytes()).collect(),
                    errors: &mut errors,
                };
                parsed.push(convert(raw, &mut ctx));
            }
            Err(e) => {
                let line = e.span().map_or(0, |s| line_of(src, s.start));
                let msg = e.message().trim().replace('\n', " ");
                errors.push(Diagnostic {
                    file: file.clone(),
                    line,
                    message: msg,
                });
            }
        }
    }

    // Duplicate ids.
    let mut first: HashMap<&str, (&str, usize)> = HashMap::new();
    for (r, pos) in &parsed {
        if let Some((f, l)) = first.get(r.id.as_str()) {
            errors.push(Diagnostic {
                file: r.file.clone(),
                line: pos.id_line,
                message: format!("duplicate id {:?} (first defined at {f}:{l})", r.id),
            });
        } else {
            first.insert(&r.id, (&r.file, pos.id_line));
        }
    }
    // References to other entries.
    for (r, pos) in &parsed {
        for (target, line, key) in &pos.refs {
            if !first.contains_key(target.as_str()) {
                errors.push(Diagnostic {
                    file: r.file.clone(),
                    line: *line,
                    message: format!("{key} names an unknown SDK id {target:?}"),
                });
            } else if target == &r.id {
                errors.push(Diagnostic {
                    file: r.file.clone(),
                    line: *line,
                    message: format!("{key} names the entry itself"),
                });
            }
        }
    }
    // Conflicting class prefixes: one prefix claimed by two SDKs that do not declare each other
    // in shared_with (a signature marked bundled_in, via or shipped_with explains the overlap
    // itself: the code is another's).
    let mut owners: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (i, (r, _)) in parsed.iter().enumerate() {
        for (j, c) in r.class_prefixes.iter().enumerate() {
            if c.meta.bundled_in.is_none() && c.meta.via.is_none() && c.meta.shipped_with.is_none()
            {
                owners.entry(c.value.as_str()).or_default().push((i, j));
            }
        }
    }
    for (value, list) in &owners {
        for (k, &(i, j)) in list.iter().enumerate() {
            for &(pi, pj) in &list[..k] {
                if pi == i {
                    continue;
                }
                let (a, _) = &parsed[pi];
                let (b, _) = &parsed[i];
                let shared = a.shared_with.contains(&b.id) || b.shared_with.contains(&a.id);
                if !shared {
                    let line = b.class_prefixes.get(j).map_or(0, |c| c.meta.line);
                    let prev_line = a.class_prefixes.get(pj).map_or(0, |c| c.meta.line);
                    errors.push(Diagnostic {
                        file: b.file.clone(),
                        line,
                        message: format!(
                            "class prefix {value:?} is also claimed by {:?} ({}:{prev_line}); declare shared_with or keep it in one entry",
                            a.id, a.file
                        ),
                    });
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(parsed.into_iter().map(|(r, _)| r).collect())
    } else {
        Err(errors)
    }
}
