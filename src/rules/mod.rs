//! The knowledge base: SDK signatures, permissions, sensitive APIs, data types, from `rules/`
//! (embedded at build time; `--rules DIR` replaces them).

pub mod lint;
pub mod sdks;
