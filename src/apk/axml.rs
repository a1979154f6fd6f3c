//! Binary XML (in progress).
