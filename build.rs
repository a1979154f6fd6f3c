//! Compiles the knowledge base: parses and validates every `rules/sdks/*.toml` with the same
//! loader the binary uses for `--rules DIR` (its source files are included below), and writes
//! the validated entries as a compact blob, `$OUT_DIR/builtin_sdks.bin`, which the binary embeds
//! and decodes at start-up instead of parsing TOML. A problem in `rules/` fails the build with
//! the loader's `file:line: message` diagnostics.
//!
//! The other catalogues (`rules/permissions.toml`, `apis.toml`, `data-types.toml`) are embedded
//! as JSON (`$OUT_DIR/<name>.json`: their `[[key]]` tables with the line each starts on), which
//! the binary reads with serde in a fraction of the TOML parse; their loaders check the entries
//! as they check a TOML file's.

use std::path::Path;
use std::{env, fs};

// The loader and the data types, shared with `src/rules/sdks` (their `super::` is this root).
#[allow(dead_code)]
#[path = "src/rules/sdks/blob.rs"]
mod blob;
#[allow(dead_code)]
#[path = "src/rules/sdks/consent.rs"]
mod consent;
#[allow(dead_code)]
#[path = "src/rules/sdks/literal.rs"]
mod literal;
#[allow(dead_code)]
#[path = "src/rules/sdks/load.rs"]
mod load;
#[path = "src/rules/table_lines.rs"]
mod table_lines;
#[allow(dead_code)]
#[path = "src/rules/sdks/types.rs"]
mod types;
#[path = "src/rules/version.rs"]
mod version;

use types::*;

fn main() {
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_string());
    let root = Path::new(&manifest_dir);
    let dir = root.join("rules").join("sdks");
    println!("cargo:rerun-if-changed={}", dir.display());
    for src in ["types.rs", "load.rs", "blob.rs", "literal.rs", "consent.rs"] {
        println!("cargo:rerun-if-changed=src/rules/sdks/{src}");
    }
    println!("cargo:rerun-if-changed=src/rules/table_lines.rs");
    let mut names: Vec<String> = match fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect(),
        Err(e) => fail(&[format!("{}: cannot read the directory: {e}", dir.display())]),
    };
    names.sort();
    let mut files = Vec::with_capacity(names.len());
    for n in &names {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        match fs::read_to_string(&path) {
            // The name the runtime loader gives a file of `rules/sdks` read from the crate root.
            Ok(s) => files.push((format!("rules/sdks/{n}"), s)),
            Err(e) => fail(&[format!("rules/sdks/{n}: cannot read: {e}")]),
        }
    }
    let mut rules = match load::parse_all(&files) {
        Ok(r) => r,
        Err(diags) => fail(&diags.iter().map(ToString::to_string).collect::<Vec<_>>()),
    };
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out_dir);
    // The literals of every index regex that is not an exact name, worked out once here.
    let mut needles = std::collections::BTreeMap::new();
    for r in &rules {
        for p in literal::index_patterns(r) {
            if literal::anchored_literal(&p).is_none() {
                let n = literal::needles(&p);
                needles.insert(p, n);
            }
        }
    }
    let kb = blob::Compiled {
        rules,
        needles: needles.into_iter().collect(),
    };
    fs::write(out.join("builtin_sdks.bin"), blob::encode(&kb)).expect("write builtin_sdks.bin");
    // The version a report names (`engine::rules_version`), digested here once.
    println!("cargo:rerun-if-changed=src/rules/version.rs");
    let v = version::digest(
        kb.rules.iter().map(|r| (r.id.as_str(), r)),
        version::CATALOGUES,
    );
    fs::write(out.join("rules_version.txt"), v).expect("write rules_version.txt");

    for (file, key, json) in [
        ("permissions.toml", "permission", "permissions.json"),
        ("apis.toml", "api", "apis.json"),
        ("data-types.toml", "data_type", "data-types.json"),
    ] {
        let path = root.join("rules").join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let name = format!("rules/{file}");
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| fail(&[format!("{name}: cannot read: {e}")]));
        let entries = entries_json(&text, &name, key).unwrap_or_else(|e| fail(&[e]));
        fs::write(out.join(json), entries).expect("write a catalogue's JSON");
    }
}

/// The `[[key]]` tables of a catalogue as JSON, `[[line, {table}], ...]`, the line being the
/// one of its `[[key]]` header (as the runtime loaders count them).
fn entries_json(text: &str, file: &str, key: &str) -> Result<String, String> {
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map_or(1, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        format!("{file}:{line}: {}", e.message().trim())
    })?;
    if let Some(other) = doc.keys().find(|k| *k != key) {
        return Err(format!(
            "{file}: unknown key `{other}` (expected `[[{key}]]` tables)"
        ));
    }
    let starts = table_lines::table_starts(text, key);
    let items = match doc.get(key) {
        None => Vec::new(),
        Some(toml::Value::Array(items)) => items.clone(),
        Some(_) => return Err(format!("{file}: `{key}` must be an array of tables")),
    };
    let entries: Vec<(usize, toml::Value)> = items
        .into_iter()
        .enumerate()
        .map(|(n, v)| (starts.get(n).copied().unwrap_or(1), v))
        .collect();
    serde_json::to_string(&entries).map_err(|e| format!("{file}: {e}"))
}

/// Stops the build with every problem, one `file:line: message` per line.
fn fail(problems: &[String]) -> ! {
    eprintln!("the knowledge base in rules/sdks is invalid:");
    for p in problems {
        eprintln!("{p}");
        println!("cargo:warning={p}");
    }
    std::process::exit(1);
}
