//! appaudit: audit an Android app against its own privacy policy.
//!
//! The data flow, one stage per module: [`apk`] reads the archive, manifest, DEX and native code;
//! [`rules`] holds the knowledge base; [`detect`] finds SDKs with evidence; [`policy`] understands
//! the privacy policy; [`audit`] compares the two into findings; [`report`] renders them. The library
//! never prints; `main.rs` does.

pub mod api;
pub mod apk;
pub mod audit;
pub mod cli;
pub mod consent;
pub mod cursor;
pub mod detect;
pub mod diff;
pub mod draft;
pub mod engine;
pub mod error;
pub mod model;
pub mod policy;
pub mod report;
pub mod rules;
pub mod scan;

pub use error::{Error, ParseError, Result};
