//! TODO
pub mod data_types;
pub mod permissions;
