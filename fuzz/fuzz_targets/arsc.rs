//! Resource tables from raw bytes: read, then every lookup checked against what the table lists.
#![no_main]

use appaudit::apk::arsc;
use appaudit_fuzz::{check_parse_error, check_resource_table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match arsc::parse(data) {
        Ok(table) => check_resource_table(&table),
        Err(e) => check_parse_error(&e),
    }
});
