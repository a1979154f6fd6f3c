//! The knowledge base: SDK signatures, permissions, sensitive APIs, data types, from `rules/`
//! (embedded at build time; `--rules DIR` replaces the SDK rules).

pub mod apis;
pub mod data_types;
pub mod lint;
pub mod permissions;
pub mod sdks;
mod table_lines;
pub mod vendor;
pub mod version;

/// Whether a permission is dangerous (a runtime permission), from `rules/permissions.toml`.
pub fn is_dangerous(name: &str) -> bool {
    permissions::PermissionCatalog::builtin()
        .get(name)
        .is_some_and(|r| r.dangerous)
}
