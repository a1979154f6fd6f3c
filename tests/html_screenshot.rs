//! The wallet report opened in headless Chromium (`scripts/screenshot`): every section and the
//! figures render. Skipped, with a note, where Chromium is not installed.

mod common;

use std::process::Command;

#[test]
fn the_wallet_report_renders_in_headless_chromium() {
    let found = ["chromium", "chromium-browser"].iter().any(|c| {
        Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !found {
        eprintln!("skipped: chromium is not installed (apt-get install -y chromium)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let png = dir.path().join("report.png");
    let o = Command::new(common::root().join("scripts/screenshot"))
        .arg(env!("CARGO_BIN_EXE_appaudit"))
        .env("SCREENSHOT_OUT", &png)
        .output()
        .expect("run scripts/screenshot");
    assert!(
        o.status.success(),
        "{}\n{}",
        common::stdout(&o),
        common::stderr(&o)
    );
    assert!(std::fs::metadata(&png).is_ok_and(|m| m.len() > 100_000));
}
