//! The policy parser: every format (chosen by the name), every encoding (detected), then the
//! whole document walked: disclosures, lines, rendering, merging, mentions.
#![no_main]

use appaudit::policy::{self, parse_bytes, LoadOptions};
use appaudit::Error;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let name = ["policy.txt", "policy.md", "policy.html", "policy"][usize::from(sel % 4)];
    let mut opts = LoadOptions::default();
    if sel & 0x40 != 0 {
        opts.encoding =
            Some(["utf-8", "utf-16le", "gbk", "bogus"][usize::from((sel >> 2) % 4)].into());
    }
    let doc = match parse_bytes(name, bytes, &opts) {
        Ok(d) => d,
        Err(Error::Unsupported { message, .. }) => return assert!(!message.is_empty()),
        Err(e) => panic!("unexpected error kind: {e:?}"),
    };
    // Lines: every line number points into the text (each line break is at least one byte
    // 0x0A or 0x0D in every supported encoding).
    let breaks = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
    let max_line = breaks + 1;
    let ok = |l: usize| (1..=max_line).contains(&l);
    assert!(doc.language == "zh" || doc.language == "en");
    for s in &doc.sdks {
        assert!(ok(s.line), "sdk line {} of {max_line}", s.line);
        assert!(
            !s.name.trim().is_empty(),
            "an SDK row without a name: {s:?}"
        );
    }
    for s in &doc.sdks {
        // A record's attribute line is never a row of its own, nor a row named by a key alone.
        let n = s.name.trim();
        assert!(!n.ends_with(['：', ':']), "a row named by a key: {s:?}");
        assert!(!n.eq_ignore_ascii_case("sdk"), "a row named SDK: {s:?}");
    }
    for p in &doc.permissions {
        assert!(ok(p.line), "permission line {} of {max_line}", p.line);
        assert!(p.permission.contains('.'), "{p:?}");
        assert!(p.via == "permission" || p.via == "data", "{p:?}");
    }
    for d in &doc.data_types {
        assert!(ok(d.line), "data type line {} of {max_line}", d.line);
    }
    for c in &doc.collection {
        assert!(ok(c.line), "collection line {} of {max_line}", c.line);
    }
    for b in doc.blocks() {
        assert!(ok(b.line()), "block line {} of {max_line}", b.line());
        let _ = b.text();
    }
    for s in doc.sdks.iter().take(8) {
        if let Some(l) = doc.mentions(&s.name) {
            assert!(ok(l));
        }
    }
    let _ = policy::render_table(&doc);
    let json = serde_json::to_string(&doc).expect("serializes");
    assert!(json.contains("\"schema_version\":1"));
    let merged = policy::merge(vec![doc.clone(), doc.clone()]);
    assert_eq!(merged.sdks.len(), 2 * doc.sdks.len());
    assert!(merged.permissions.len() <= doc.permissions.len());
});
