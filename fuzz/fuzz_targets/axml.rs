//! Binary XML from raw bytes: decode, walk the tree, render it, build the typed manifest.
#![no_main]

use appaudit::apk::axml;
use appaudit_fuzz::{check_document, check_parse_error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match axml::parse(data) {
        Ok(doc) => check_document(&doc),
        Err(e) => check_parse_error(&e),
    }
});
