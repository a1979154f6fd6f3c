//! Writes a large synthetic APK (the generator of `tests/scale.rs`) for `scripts/bench --scale`.
//!
//!     cargo run --release --example scale_apk -- OUT.apk CLASSES DEX_FILES [--dex-dir DIR]
//!
//! Prints `classes dex_files dex_bytes`. With `--dex-dir`, also writes the classes*.dex files
//! there (for dexdump and the inflate-only baseline).

#[path = "../tests/scale_gen/mod.rs"]
mod scale_gen;

use scale_gen::{dex_file, fixture_manifest, write_apk, Spec};
use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: scale_apk OUT.apk CLASSES DEX_FILES [--dex-dir DIR]";
    let (Some(out), Some(classes), Some(dex_files)) = (
        args.first(),
        args.get(1).and_then(|s| s.parse().ok()),
        args.get(2).and_then(|s| s.parse().ok()),
    ) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let dex_dir = match args.get(3).map(String::as_str) {
        Some("--dex-dir") => args.get(4).map(PathBuf::from),
        _ => None,
    };
    let spec = Spec { classes, dex_files };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::create(out).expect("create the APK");
    let e = write_apk(
        spec,
        &fixture_manifest(root),
        Some(6),
        std::io::BufWriter::new(file),
    )
    .expect("write the APK");
    if let Some(dir) = dex_dir {
        std::fs::create_dir_all(&dir).expect("create the DEX dir");
        for k in 0..dex_files {
            let name = if k == 0 {
                "classes.dex".to_string()
            } else {
                format!("classes{}.dex", k + 1)
            };
            std::fs::write(dir.join(name), dex_file(spec, k)).expect("write a DEX");
        }
    }
    println!("{classes} {dex_files} {}", e.dex_bytes);
}
