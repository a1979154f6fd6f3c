//! The version of the rules in force, `sha256:<16 hex>`, that a report names: a digest of every
//! SDK entry (its id and its JSON form, in id order) and of the permission, data-type and API
//! catalogues' files. build.rs computes it for the built-in rules (this file is included there
//! with `#[path]`), so a report does not decode and serialise 600+ entries to name them; a
//! catalogue loaded with `--rules DIR` is digested when a report asks.

use sha2::{Digest, Sha256};

/// The permission, data-type and API catalogues' files, as digested.
pub const CATALOGUES: [&str; 3] = [
    include_str!("../../rules/permissions.toml"),
    include_str!("../../rules/data-types.toml"),
    include_str!("../../rules/apis.toml"),
];

/// The digest of `rules` (sorted by id) with the three catalogue files' texts.
pub fn digest<'r, R: serde::Serialize + 'r>(
    rules: impl Iterator<Item = (&'r str, &'r R)>,
    catalogues: [&str; 3],
) -> String {
    let mut h = Sha256::new();
    for (id, r) in rules {
        h.update(id.as_bytes());
        h.update([0]);
        h.update(serde_json::to_vec(r).unwrap_or_default());
    }
    for text in catalogues {
        h.update(text.as_bytes());
    }
    let hex = format!("{:x}", h.finalize());
    format!("sha256:{}", &hex[..16])
}
