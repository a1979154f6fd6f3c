//! The cost of the consent analysis (issue #19) on one APK: the whole analysis (read, detect,
//! attribute) without the call facts (`off`) or with them and the consent search (`on`). Run
//! each under `/usr/bin/time` and compare user+sys CPU:
//!
//!     cargo build --release --example consent_cost
//!     /usr/bin/time -f "%U %S %M" target/release/examples/consent_cost APK off
//!     /usr/bin/time -f "%U %S %M" target/release/examples/consent_cost APK on
//!
//! `consent_cost APK dump` runs as `on` and then prints the whole consent result as JSON (every
//! path with its steps, the providers, what is incomplete, the SDK names): the output compared
//! before and after a change of the search, which must not change a single result.

use appaudit::apk::archive::Limits;
use appaudit::apk::reader::{self, Options};
use appaudit::{detect, engine};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(apk), Some(mode)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: consent_cost APK on|off|dump");
        std::process::exit(2);
    };
    let catalog = engine::load_catalog(None).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let opts = Options {
        limits: Limits::default(),
        string_needles: detect::string_needles(catalog),
        native_strings: Some(catalog.native_string_libs().clone()),
        call_graph: mode == "on" || mode == "dump",
    };
    let app = reader::analyze(Path::new(apk), &opts).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let a = engine::analyze_app(app, catalog);
    println!(
        "{mode}: {} calls, consent: ran {}, {} entries, {} methods, {} paths",
        a.calls.len(),
        a.consent.ran,
        a.consent.entries,
        a.consent.methods_reached,
        a.consent.paths.len()
    );
    if mode == "dump" {
        let json = serde_json::to_string_pretty(&a.consent).unwrap_or_default();
        println!("{json}");
        println!("sdk_names: {:?}", a.consent.sdk_names);
    }
}
