//! The zip layer (in progress).
