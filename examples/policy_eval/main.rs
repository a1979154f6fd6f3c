//! Scores `appaudit policy` on a directory of policies with hand-made truth (`truth/*.json`):
//! SDK-row precision, recall and F1, vendor accuracy, permission precision, recall and F1, per
//! file and in total, then the rows missed and extra. `scripts/policy-eval DIR` runs it.
//!
//! Usage: `cargo run --release --example policy_eval -- DIR [--brief]`

mod score;

use score::{prf, Totals};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut dir = None;
    let mut brief = false;
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--brief" => brief = true,
            "-h" | "--help" => {
                println!(
                    "usage: policy_eval DIR [--brief]   (DIR holds the policies and truth/*.json)"
                );
                return ExitCode::SUCCESS;
            }
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => {
                eprintln!("policy_eval: unexpected argument {a}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: policy_eval DIR [--brief]");
        return ExitCode::from(2);
    };
    let scores = match score::evaluate(&dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("policy_eval: {e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "{:<36} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5}  {:>7}  {:>5} {:>5} {:>5}",
        "file", "truth", "got", "P", "R", "F1", "fuzzy", "vendor", "permP", "permR", "permF"
    );
    for s in &scores {
        let (p, r, f) = prf(s.exact + s.fuzzy, s.got_rows, s.truth_rows);
        let (pp, pr, pf) = prf(s.perm_tp, s.perm_got, s.perm_truth);
        println!(
            "{:<36} {:>5} {:>5} {:>5.2} {:>5.2} {:>5.2} {:>5}  {:>3}/{:<3}  {:>5.2} {:>5.2} {:>5.2}",
            s.file, s.truth_rows, s.got_rows, p, r, f, s.fuzzy, s.vendor_ok, s.vendor_total, pp, pr, pf
        );
    }
    let t = Totals::of(&scores);
    let (p, r, f) = t.rows();
    let (ep, er, ef) = t.rows_exact();
    let (pp, pr, pf) = t.permissions();
    println!();
    println!("files: {}", t.files);
    println!(
        "SDK rows (micro): P {p:.3} R {r:.3} F1 {f:.3}   ({} truth, {} extracted, {} matched of which {} fuzzy)",
        t.truth_rows,
        t.got_rows,
        t.matched,
        t.matched - t.exact
    );
    println!("SDK rows, exact names only: P {ep:.3} R {er:.3} F1 {ef:.3}");
    println!(
        "vendor accuracy: {:.3} ({}/{} matched rows with a truth vendor; {} vendors where truth has none)",
        t.vendor_accuracy(),
        t.vendor_ok,
        t.vendor_total,
        t.vendor_invented
    );
    let (kp, kr, _) = prf(t.pkg_hit, t.pkg_got, t.pkg_truth);
    println!(
        "packages on matched rows with truth packages: P {kp:.3} R {kr:.3} ({} truth, {} extracted)",
        t.pkg_truth, t.pkg_got
    );
    println!(
        "permissions (micro): P {pp:.3} R {pr:.3} F1 {pf:.3}   ({} truth, {} extracted, {} right)",
        t.perm_truth, t.perm_got, t.perm_tp
    );
    println!(
        "macro over files: SDK-row F1 {:.3}, permission F1 {:.3}",
        t.macro_row_f1, t.macro_perm_f1
    );
    if brief {
        return ExitCode::SUCCESS;
    }
    for s in &scores {
        let lists = [
            ("error", s.error.iter().cloned().collect::<Vec<_>>()),
            ("rows missed", s.missed.clone()),
            ("rows extra", s.extra.clone()),
            ("vendor wrong", s.wrong_vendor.clone()),
            ("permissions missed", s.perm_missed.clone()),
            ("permissions extra", s.perm_extra.clone()),
        ];
        if lists.iter().all(|(_, l)| l.is_empty()) {
            continue;
        }
        println!("\n== {}", s.file);
        for (what, l) in lists {
            if !l.is_empty() {
                println!("  {what} ({}): {}", l.len(), l.join(" | "));
            }
        }
    }
    ExitCode::SUCCESS
}
