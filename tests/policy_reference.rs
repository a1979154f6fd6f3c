//! The reference policy (a real fintech app's policy, kept beside the clone, not in it).

use appaudit::policy::{load, LoadOptions, SdkSource};
use std::collections::BTreeSet;
use std::path::PathBuf;

#[test]
fn reference_policy() {
    // Beside the clone (CI); or two levels up when the crate is a worktree (/work/wt/<name>).
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [root.join("../shared/reference"), root.join("../../shared/reference")];
    let Some(path) = candidates.iter().map(|d| d.join("policy-zh-fintech-2022.txt")).find(|p| p.exists()) else {
        eprintln!("note: the reference policy is absent beside the clone; skipping");
        return;
    };
    let doc = match load(&path, &LoadOptions::default()) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    if std::env::var("DUMP").is_ok() {
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        println!("{}", appaudit::policy::render_table(&doc));
    }
    let _ = BTreeSet::<String>::new();
    let _ = SdkSource::Table;
}
