//! Reading an APK: the archive, the binary manifest, the resource table, DEX code and native
//! libraries.

pub mod aab;
pub mod aapt2;
pub mod archive;
pub mod arsc;
pub mod axml;
pub mod bundle;
mod chunk;
pub mod dex;
pub mod elf;
pub mod manifest;
pub mod protobuf;
pub mod reader;

pub use dex::{ApiCall, DexSummary};
pub use elf::NativeLib;
pub use manifest::Manifest;

use serde::Serialize;

/// Something odd that did not stop the analysis (a broken DEX, a zip trick, a non-ELF `.so`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    /// Where: `archive`, `AndroidManifest.xml`, `classes2.dex`, `lib/arm64-v8a/libx.so`...
    pub source: String,
    /// What was odd.
    pub message: String,
}

/// Everything read from one APK.
#[derive(Debug, Clone, Serialize)]
pub struct App {
    /// The file analysed.
    pub path: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// File size in bytes.
    pub size: u64,
    /// The decoded manifest.
    pub manifest: Manifest,
    /// Every DEX file: top-level `classes*.dex` in Android's order, then nested (secondary) code.
    pub dex: Vec<DexSummary>,
    /// Every ELF shared object in the archive.
    pub native_libs: Vec<NativeLib>,
    /// Every archive entry name (sanitized for display), in central-directory order.
    pub entries: Vec<String>,
    /// `META-INF/*.version` files (Maven artifact versions): (entry name, version text).
    pub version_files: Vec<(String, String)>,
    /// Names of the app's string resources (`R.string.*`) from `resources.arsc`, sorted.
    pub string_resources: Vec<String>,
    /// Problems that did not stop the analysis.
    pub anomalies: Vec<Anomaly>,
}
