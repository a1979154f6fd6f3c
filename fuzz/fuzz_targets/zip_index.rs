//! The zip index: the central directory, the limits, and every entry read (the lazy path).
#![no_main]

use appaudit::apk::archive::{display_name, Archive, Limits};
use appaudit_fuzz::check_parse_error;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits, so the limit paths are reached by small inputs too.
    let limits = Limits {
        max_entries: 64,
        max_entry_size: 1 << 20,
        max_total: 4 << 20,
        max_ratio: 1_000,
    };
    let archive = match Archive::parse(data, limits) {
        Ok(a) => a,
        Err(e) => return check_parse_error(&e),
    };
    assert!(archive.entries().len() as u64 <= limits.max_entries);
    for a in archive.anomalies() {
        assert_eq!(a.source, "archive");
        assert!(!a.message.is_empty());
    }
    for (i, e) in archive.entries().iter().enumerate() {
        assert!(!e.name.chars().any(char::is_control), "{:?}", e.name);
        // `find` gives the first entry with this name.
        let first = archive.find(&e.name).expect("every name is indexed");
        let first_i = archive
            .entries()
            .iter()
            .position(|x| x.name == e.name)
            .expect("present");
        assert!(first_i <= i);
        assert!(std::ptr::eq(first, &archive.entries()[first_i]));
        assert!((e.cd_offset as usize) < data.len());
        let before = archive.inflated_total();
        match archive.read(e) {
            Ok((bytes, bad_crc)) => {
                assert!(bytes.len() as u64 <= limits.max_entry_size);
                if e.method == 0 {
                    assert_eq!(bytes.len() as u64, e.compressed_size);
                } else {
                    assert!(bytes.len() as u64 <= e.size.max(e.compressed_size));
                }
                if let Some(msg) = bad_crc {
                    assert!(msg.contains("CRC-32"));
                }
                assert_eq!(archive.inflated_total(), before + bytes.len() as u64);
            }
            Err(err) => check_parse_error(&err),
        }
        assert!(archive.inflated_total() <= limits.max_total + limits.max_entry_size);
    }
    let _ = display_name(data.get(..64).unwrap_or(data));
});
