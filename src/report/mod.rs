//! Rendering: tables for people, versioned JSON for tools. The library builds strings; only
//! `main.rs` prints them.

pub mod audit;
pub mod audit_table;
pub mod diff;
pub mod html;
pub mod inspect;
pub mod runs;
pub mod sarif;
pub mod scan;
pub mod svg;
pub mod table;

use serde::Serialize;

/// The JSON contract's version (docs/ARCHITECTURE.md): fields may be added, none renamed or removed.
pub const SCHEMA_VERSION: u32 = 1;

/// `tool` in every JSON report.
#[derive(Debug, Clone, Serialize)]
pub struct ToolInfo {
    /// Always "appaudit".
    pub name: &'static str,
    /// The crate version.
    pub version: &'static str,
}

impl ToolInfo {
    /// This build.
    pub fn current() -> Self {
        ToolInfo {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// Pretty JSON with a trailing newline.
pub fn to_json<T: Serialize>(value: &T) -> String {
    let mut s =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
