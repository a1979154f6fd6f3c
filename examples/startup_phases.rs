//! Where one `inspect` process spends its time, phase by phase (not a test):
//! `cargo run --release --example startup_phases -- APK`
use appaudit::{engine, report};
use std::time::Instant;

fn main() {
    let path = std::env::args_os()
        .nth(1)
        .expect("usage: startup_phases APK");
    let path = std::path::PathBuf::from(path);
    let t0 = Instant::now();
    let mut last = t0;
    let mut lap = |what: &str| {
        let now = Instant::now();
        eprintln!("{what:>16}: {:8.3} ms", (now - last).as_secs_f64() * 1e3);
        last = now;
    };
    let catalog = engine::load_catalog(None).expect("catalogue");
    lap("catalogue");
    let opts = engine::reader_options(Default::default(), catalog, false);
    lap("reader options");
    let app = appaudit::apk::reader::analyze(&path, &opts).expect("read");
    lap("read");
    let a = engine::analyze_app(app, catalog);
    lap("detect");
    let rep = engine::inspect_report(&a, catalog);
    lap("inspect model");
    let s = report::to_json(&rep);
    lap("json");
    eprintln!(
        "{:>16}: {:8.3} ms ({} bytes)",
        "total",
        t0.elapsed().as_secs_f64() * 1e3,
        s.len()
    );
}
