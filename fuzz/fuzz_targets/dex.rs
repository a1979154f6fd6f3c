//! DEX: the permissive and strict parses (classes, calls and version constants agree), then
//! every class's references (the lazy path), and MUTF-8 round trips.
#![no_main]

use appaudit::apk::dex::{self, mutf8, parse_dex, DexOptions};
use appaudit_fuzz::{check_dex_summary, check_parse_error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // MUTF-8: any Rust string survives encode -> decode; decoding never panics.
    let text = String::from_utf8_lossy(data.get(..256).unwrap_or(data));
    let enc = mutf8::encode(&text);
    assert!(!enc.contains(&0), "MUTF-8 never holds a raw NUL");
    assert_eq!(mutf8::decode(&enc).expect("own encoding decodes"), text);
    let (lossy, err) = mutf8::decode_lossy(data.get(..256).unwrap_or(data));
    if err.is_none() {
        assert_eq!(
            mutf8::decode(data.get(..256).unwrap_or(data))
                .ok()
                .as_deref(),
            Some(&*lossy)
        );
    }

    let needles = vec!["jpush".to_string(), "umeng".to_string(), String::new()];
    let loose = DexOptions {
        string_needles: &needles,
        verify_checksum: true,
        ..DexOptions::default()
    };
    let strict = DexOptions {
        strict: true,
        ..loose
    };
    let permissive = parse_dex("classes.dex", data, &loose);
    let strict_r = parse_dex("classes.dex", data, &strict);
    match (&permissive, &strict_r) {
        (Ok(p), Ok(s)) => {
            assert_eq!(p.classes, s.classes);
            assert_eq!(p.api_calls, s.api_calls);
            assert_eq!(p.version_constants, s.version_constants);
        }
        (Err(a), Err(b)) => {
            check_parse_error(a);
            check_parse_error(b);
        }
        (Err(e), Ok(_)) => panic!("strict accepted what permissive refused: {e}"),
        (Ok(_), Err(e)) => check_parse_error(e),
    }
    let Ok(summary) = permissive else { return };
    check_dex_summary(&summary);
    for n in &summary.strings_found {
        assert!(needles.contains(n) && !n.is_empty());
    }
    // Version constants: bounded, from defined classes, version-named fields, short values
    // with a digit.
    assert!(summary.version_constants.len() <= dex::MAX_CONSTANTS);
    for c in &summary.version_constants {
        assert!(summary.classes.contains(&c.class), "{c:?}");
        assert!(c.field.to_ascii_lowercase().contains("version"), "{c:?}");
        assert!(c.value.len() <= 128, "{c:?}");
        assert!(c.value.bytes().any(|b| b.is_ascii_digit()), "{c:?}");
    }
    // The lazy path: every class's references (a bounded number of classes per input).
    for class in summary.classes.iter().take(16) {
        match dex::class_refs(data, class) {
            Ok(Some(refs)) => {
                let inv = dex::invoked_methods(data, class).expect("same walk as class_refs");
                assert_eq!(inv, refs.invoked);
                for m in &refs.invoked {
                    assert!(m.contains("->") && m.contains('('), "{m}");
                }
            }
            // A name decoded with U+FFFD, or one defined twice, may not be found again.
            Ok(None) => {}
            Err(e) => check_parse_error(&e),
        }
    }
    // The consent search's facts (issue #19): every method of the first classes reads without
    // panicking, with and without guard analysis, and the guards only name its conditions.
    let code = dex::calls::DexCode::new(data.to_vec());
    if let Some(view) = code.view(appaudit::rules::apis::ApiCatalog::builtin()) {
        for c in 0..view.class_count().min(16) {
            for (m, off) in view.methods(c).into_iter().take(64) {
                let plain = view.read_method(m, off, 0);
                let guarded = view.read_method(m, off, u32::MAX);
                assert!(plain.calls.iter().all(|c| c.guards == 0));
                assert_eq!(plain.calls.len(), guarded.calls.len());
                let limit = guarded.conds.len();
                assert!(guarded
                    .calls
                    .iter()
                    .all(|c| limit >= 32 || c.guards >> limit == 0));
            }
        }
    }
});
