//! App Bundle protobuf from raw bytes: the same input read as aapt2's XML, as a resource table,
//! as `BundleConfig.pb`, and walked as schema-less protobuf. Every error names a structure and an
//! offset; every decoded document and table keeps its invariants.
#![no_main]

use appaudit::apk::aapt2::{self, MAX_RESOURCE_ENTRIES};
use appaudit::apk::protobuf::{Message, WireType, MAX_DEPTH};
use appaudit::error::ParseError;
use appaudit_fuzz::{check_document, check_parse_error};
use libfuzzer_sys::fuzz_target;

/// Walks every field, opening each length-delimited one as a message until one fails; checks
/// that fields come in file order, inside the input, and nesting stays within `MAX_DEPTH`.
fn walk(m: Message<'_>, len: usize, depth: u32, budget: &mut u32) -> Result<(), ParseError> {
    assert!(depth <= MAX_DEPTH);
    let mut last = None;
    for f in m.fields() {
        let f = f?;
        assert!(f.offset < len);
        assert!(last.is_none_or(|l| f.offset > l), "fields out of order");
        last = Some(f.offset);
        assert!(f.number >= 1 && f.number < 1 << 29);
        if f.wire_type() == WireType::Len && *budget > 0 {
            *budget -= 1;
            let bytes = f.bytes()?;
            assert!(bytes.len() < len);
            assert!(f.varint().is_err());
            match f.message("nested") {
                Ok(inner) => {
                    assert!(inner.offset() + bytes.len() <= len);
                    if let Err(e) = walk(inner, len, depth + 1, budget) {
                        check_parse_error(&e);
                    }
                }
                Err(e) => {
                    check_parse_error(&e);
                    assert!(depth + 1 >= MAX_DEPTH, "{e}");
                }
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    match aapt2::parse_xml(data) {
        Ok(doc) => check_document(&doc),
        Err(e) => check_parse_error(&e),
    }
    match aapt2::parse_resource_table(data) {
        Ok(t) => {
            assert!(t.string_names.len() <= MAX_RESOURCE_ENTRIES);
            assert!(t.string_names.windows(2).all(|w| w[0] < w[1]), "names sorted, unique");
            assert!(t.string_values.windows(2).all(|w| w[0].0 < w[1].0), "ids sorted, unique");
            for (id, v) in &t.string_values {
                assert_eq!(t.string_value(*id), Some(v.as_str()));
            }
        }
        Err(e) => check_parse_error(&e),
    }
    if let Err(e) = aapt2::bundletool_version(data) {
        check_parse_error(&e);
    }
    let mut budget = 4096;
    if let Err(e) = walk(Message::root(data, "fuzz"), data.len(), 0, &mut budget) {
        check_parse_error(&e);
    }
});
