//! What can be known of a signature regex without compiling it, shared with `build.rs` (which
//! works it out once for the built-in rules): whether it is an exact name, and which literals
//! every match must start or end with (the prefilter of [`super::index::RegexIndex`]).

use super::{ManifestKind, SdkRule};

/// The literals of a regex that is not an exact name: `None` when none can be told.
pub(crate) type Needles = Option<Vec<Vec<u8>>>;

/// Every pattern of an entry that the index matches as a regex (build.rs works out their literals), in index order per kind:
/// native libraries, assets, manifest regexes, and the manifest patterns with placeholders.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn index_patterns(rule: &SdkRule) -> impl Iterator<Item = String> + '_ {
    let sigs = rule
        .native_libs
        .iter()
        .chain(&rule.assets)
        .map(|s| s.regex.clone());
    let manifest = rule.manifest.iter().filter_map(|m| match m.kind {
        k if k.is_regex() => Some(m.name.clone()),
        ManifestKind::Permission | ManifestKind::ActivityDataScheme => {
            Some(placeholder_regex(&m.name))
        }
        _ => None,
    });
    sigs.chain(manifest)
}

/// The text a regex matches when it matches one text only: `^` literal `$`, the literal made of
/// characters that are literal in a regex (letters, digits, `_`, `-`, `/`, non-ASCII) or
/// escaped punctuation (`\\.`). Anything else (classes, repetition, groups, flags) is a regex.
pub(crate) fn anchored_literal(re: &str) -> Option<String> {
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

/// Literals at least one of which is in every match of `pattern` (so a text holding none of
/// them cannot match), when there are a few and none is empty; `None` when none can be told.
/// Of the candidates (the prefixes every match starts with, the suffixes every match ends with,
/// the longest literal piece of a top-level concatenation, which every match holds) the one
/// whose shortest literal is longest wins: `^com.applovin..*$` (dots unescaped) gives
/// `applovin`, not the prefix `com`.
pub(crate) fn needles(pattern: &str) -> Needles {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::HirKind;
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut options: Vec<Vec<Vec<u8>>> = [ExtractKind::Prefix, ExtractKind::Suffix]
        .into_iter()
        .filter_map(|kind| {
            let mut ex = Extractor::new();
            ex.kind(kind);
            let seq = ex.extract(&hir);
            let lits = seq.literals()?;
            let usable = !lits.is_empty()
                && lits.len() <= 64
                && lits.iter().all(|l| !l.as_bytes().is_empty());
            usable.then(|| lits.iter().map(|l| l.as_bytes().to_vec()).collect())
        })
        .collect();
    if let HirKind::Concat(parts) = hir.kind() {
        let piece = parts
            .iter()
            .filter_map(|p| match p.kind() {
                HirKind::Literal(l) => Some(l.0.to_vec()),
                _ => None,
            })
            .max_by_key(Vec::len);
        options.extend(piece.filter(|p| !p.is_empty()).map(|p| vec![p]));
    }
    let shortest = |o: &Vec<Vec<u8>>| o.iter().map(Vec::len).min().unwrap_or(0);
    // The first of equals: prefixes, then suffixes, then the piece.
    let mut best: Option<Vec<Vec<u8>>> = None;
    for o in options {
        if best.as_ref().is_none_or(|b| shortest(&o) > shortest(b)) {
            best = Some(o);
        }
    }
    best
}

/// A pattern with `<placeholder>`s as an anchored regex (`<applicationId>` = any package name).
pub(crate) fn placeholder_regex(pattern: &str) -> String {
    let mut out = String::from("^");
    let mut rest = pattern;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        out.push_str(&regex_syntax::escape(&rest[..start]));
        out.push_str("[A-Za-z0-9_.\\-]+");
        rest = &rest[start + len + 1..];
    }
    out.push_str(&regex_syntax::escape(rest));
    out.push('$');
    out
}
