//! Bulk scans: many app files, each analysed (and audited when a policy is paired with it) in
//! parallel, one bad file never stopping the rest. The library returns one [`ScanItem`] per file;
//! `main.rs` renders them and picks the exit code.

use crate::apk::archive::Limits;
use crate::audit::Severity;
use crate::engine;
use crate::policy::{self, PolicyDoc};
use crate::report::audit::InputFile;
use crate::report::inspect::InspectReport;
use crate::rules::sdks::SdkCatalog;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// File extensions a directory walk picks up as apps (lower case, no dot).
pub const APP_EXTENSIONS: &[&str] = &["apk", "apks", "xapk", "apkm", "aab"];
/// Policy file extensions looked for in `--policy-dir`, in order of preference.
pub const POLICY_EXTENSIONS: &[&str] = &["txt", "md", "html", "htm"];

/// How a scan runs.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Apps analysed at once (and threads in the pool that reads their code).
    pub jobs: usize,
    /// Zip limits for each app.
    pub limits: Limits,
    /// `--fail-on` for audited apps.
    pub fail_on: Option<Severity>,
    /// Severity overrides, as `audit --severity`.
    pub overrides: Vec<(crate::model::RuleId, Severity)>,
}

pub use crate::report::runs::{ScanItem, ScanResult, ScanSummary};

/// A file to scan, or one recorded without scanning.
#[derive(Debug, Clone)]
pub enum Input {
    /// An app file (or a file named on the command line, whatever its extension).
    App(PathBuf),
    /// Met in a directory, not an app by its extension.
    Skip(PathBuf),
    /// A path that could not be read (missing, unreadable directory...).
    Broken(PathBuf, String),
}

/// Whether a file name has an app extension.
pub fn is_app_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| APP_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// The files to scan: each path named is scanned; directories are walked recursively (sorted,
/// hidden entries and symbolic links to directories left out), app files scanned, others skipped.
pub fn collect_inputs(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, &mut out),
            Ok(_) => out.push(Input::App(p.clone())),
            Err(e) => out.push(Input::Broken(p.clone(), e.to_string())),
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<Input>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.push(Input::Broken(
                dir.to_path_buf(),
                format!("reading directory: {e}"),
            ));
            return;
        }
    };
    let mut paths: Vec<(PathBuf, std::fs::FileType)> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => {
                if e.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                match e.file_type() {
                    Ok(t) => paths.push((e.path(), t)),
                    Err(err) => out.push(Input::Broken(e.path(), err.to_string())),
                }
            }
            Err(e) => out.push(Input::Broken(
                dir.to_path_buf(),
                format!("reading directory: {e}"),
            )),
        }
    }
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, ty) in paths {
        if ty.is_dir() {
            walk(&path, out);
        } else if ty.is_symlink() && path.is_dir() {
            // Not followed: a link back up the tree would loop.
            continue;
        } else if is_app_file(&path) {
            out.push(Input::App(path));
        } else {
            out.push(Input::Skip(path));
        }
    }
}

/// The policies of `--policy-dir`, by file stem (`<package>.txt`, `<app file stem>.md`...).
#[derive(Debug, Clone, Default)]
pub struct PolicyIndex {
    by_stem: BTreeMap<String, PathBuf>,
}

impl PolicyIndex {
    /// Indexes the policy files directly inside `dir`; the first extension of
    /// [`POLICY_EXTENSIONS`] wins when a stem has several.
    pub fn load(dir: &Path) -> crate::Result<PolicyIndex> {
        let rd = std::fs::read_dir(dir).map_err(|source| crate::Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut found: Vec<(String, usize, PathBuf)> = Vec::new();
        for e in rd.flatten() {
            let path = e.path();
            if !path.is_file() {
                continue;
            }
            let Some(ext) = path.extension().and_then(|x| x.to_str()) else {
                continue;
            };
            let ext = ext.to_ascii_lowercase();
            let Some(rank) = POLICY_EXTENSIONS.iter().position(|x| *x == ext) else {
                continue;
            };
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                found.push((stem.to_string(), rank, path));
            }
        }
        found.sort();
        let mut by_stem = BTreeMap::new();
        for (stem, _, path) in found {
            by_stem.entry(stem).or_insert(path);
        }
        Ok(PolicyIndex { by_stem })
    }

    /// The policy for an app: by package name first, then by the app file's stem.
    pub fn find(&self, package: &str, app_path: &Path) -> Option<&Path> {
        let stem = app_path.file_stem().and_then(|s| s.to_str());
        self.by_stem
            .get(package)
            .or_else(|| stem.and_then(|s| self.by_stem.get(s)))
            .map(PathBuf::as_path)
    }

    /// Number of policies indexed.
    pub fn len(&self) -> usize {
        self.by_stem.len()
    }

    /// No policy indexed.
    pub fn is_empty(&self) -> bool {
        self.by_stem.is_empty()
    }
}

/// Reads one policy file, with its hash for the report.
pub fn load_policy(path: &Path) -> crate::Result<(PolicyDoc, InputFile)> {
    let doc = policy::load(path, &policy::LoadOptions::default())?;
    let sha256 = std::fs::read(path)
        .map(|b| format!("{:x}", Sha256::digest(&b)))
        .unwrap_or_default();
    Ok((
        doc,
        InputFile {
            path: path.display().to_string(),
            sha256,
        },
    ))
}

/// Analyses (and audits, when paired) one app file.
pub fn scan_one(
    path: &Path,
    opts: &ScanOptions,
    catalog: &SdkCatalog,
    policies: Option<&PolicyIndex>,
) -> ScanResult {
    let analysis = engine::analyze_with(path, opts.limits, catalog, policies.is_some());
    scan_analysis(path, analysis, opts, catalog, policies)
}

/// [`scan_one`] after the app was read (from a file or from memory): inspected, or audited
/// against the policy paired with it.
pub fn scan_analysis(
    path: &Path,
    analysis: crate::Result<engine::Analysis>,
    opts: &ScanOptions,
    catalog: &SdkCatalog,
    policies: Option<&PolicyIndex>,
) -> ScanResult {
    let analysis = match analysis {
        Ok(a) => a,
        Err(e) => return ScanResult::Failed(e.to_string()),
    };
    let paired = policies.and_then(|p| p.find(&analysis.app.manifest.package, path));
    match paired {
        None => ScanResult::Inspected(Box::new(InspectReport::from_analysis(&analysis))),
        Some(policy_path) => match load_policy(policy_path) {
            Ok((doc, file)) => ScanResult::Audited(Box::new(engine::audit_report(
                &analysis,
                catalog,
                &doc,
                vec![file],
                &opts.overrides,
                None,
                opts.fail_on,
            ))),
            Err(e) => ScanResult::Failed(format!("policy {}: {e}", policy_path.display())),
        },
    }
}

/// Scans every input, `opts.jobs` apps at a time, and returns one item per input in input order.
/// `on_done` is called on the calling thread as each item completes (for a progress bar).
pub fn scan(
    inputs: Vec<Input>,
    opts: &ScanOptions,
    catalog: &SdkCatalog,
    policies: Option<&PolicyIndex>,
    mut on_done: impl FnMut(&ScanItem),
) -> Vec<ScanItem> {
    let mut slots: Vec<Option<ScanItem>> = (0..inputs.len()).map(|_| None).collect();
    scan_each(inputs, opts, catalog, policies, |i, item| {
        on_done(&item);
        if let Some(s) = slots.get_mut(i) {
            *s = Some(item);
        }
    });
    slots.into_iter().flatten().collect()
}

/// Scans every input, `opts.jobs` apps at a time, handing each item to `on_item` on the calling
/// thread as soon as it is done, with its position in `inputs` (completion order, not input
/// order: a streamed output puts them back in order). Every input gets exactly one item. Only
/// the items not yet handed over are in memory, so a scan of any number of apps streams.
pub fn scan_each(
    inputs: Vec<Input>,
    opts: &ScanOptions,
    catalog: &SdkCatalog,
    policies: Option<&PolicyIndex>,
    mut on_item: impl FnMut(usize, ScanItem),
) {
    let jobs = opts.jobs.max(1);
    // The pool reads each app's DEX files and libraries; `jobs` workers each hold one app, so at
    // most `jobs` apps are in memory at once.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("appaudit-scan-{i}"))
        .build()
        .ok();
    let mut work: Vec<(usize, PathBuf)> = Vec::new();
    for (i, input) in inputs.into_iter().enumerate() {
        match input {
            Input::App(p) => work.push((i, p)),
            Input::Skip(p) => {
                let why = match p.extension().and_then(|e| e.to_str()) {
                    Some(ext) => format!("not an app file (.{ext})"),
                    None => "not an app file (no extension)".to_string(),
                };
                on_item(
                    i,
                    ScanItem {
                        path: p,
                        result: ScanResult::Skipped(why),
                    },
                );
            }
            Input::Broken(p, why) => on_item(
                i,
                ScanItem {
                    path: p,
                    result: ScanResult::Failed(why),
                },
            ),
        }
    }
    let next = AtomicUsize::new(0);
    let mut done = vec![false; work.len()];
    let (tx, rx) = mpsc::channel::<(usize, ScanItem)>();
    std::thread::scope(|s| {
        for _ in 0..jobs.min(work.len()) {
            let tx = tx.clone();
            let (work, next, pool) = (&work, &next, pool.as_ref());
            s.spawn(move || loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some((_, path)) = work.get(k) else {
                    break;
                };
                // A parser bug on one hostile file must not end the scan: it becomes that file's error.
                let run = || {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        scan_one(path, opts, catalog, policies)
                    }))
                    .unwrap_or_else(|_| {
                        ScanResult::Failed("internal error while analysing this file".to_string())
                    })
                };
                let result = match pool {
                    Some(p) => p.install(run),
                    None => run(),
                };
                let item = ScanItem {
                    path: path.clone(),
                    result,
                };
                if tx.send((k, item)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (k, item) in rx {
            if let (Some(d), Some((slot, _))) = (done.get_mut(k), work.get(k)) {
                *d = true;
                on_item(*slot, item);
            }
        }
    });
    for ((slot, path), _) in work.into_iter().zip(done).filter(|(_, d)| !d) {
        on_item(
            slot,
            ScanItem {
                path,
                result: ScanResult::Failed("analysis did not complete".to_string()),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_files_are_known_by_extension() {
        assert!(is_app_file(Path::new("a/b.apk")));
        assert!(is_app_file(Path::new("b.APKS")));
        assert!(is_app_file(Path::new("b.xapk")));
        assert!(is_app_file(Path::new("b.aab")));
        assert!(!is_app_file(Path::new("b.txt")));
        assert!(!is_app_file(Path::new("apk")));
    }

    #[test]
    fn the_summary_line_counts_each_kind() {
        let s = ScanSummary {
            ok: 2,
            findings: 1,
            errors: 1,
            skipped: 1,
        };
        assert_eq!(
            s.line(),
            "scanned 4 apps: 2 ok, 1 with findings, 1 error; 1 other file skipped (not an app)"
        );
        let none = ScanSummary {
            skipped: 3,
            ..ScanSummary::default()
        };
        assert_eq!(
            none.line(),
            "no app found (looked for .apk, .apks, .xapk, .apkm, .aab); 3 other files skipped (not apps)"
        );
    }
}
