//! The ELF wrapper: the hand-written precheck, goblin, the exports and their JNI names.
#![no_main]

use appaudit::apk::elf::{jni_class, parse_elf};
use appaudit_fuzz::{check_jni_classes, check_parse_error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // JNI names: a decoded class has non-empty components and no separator at either end.
    let text = String::from_utf8_lossy(data.get(..128).unwrap_or(data));
    if let Some(class) = jni_class(&format!("Java_{text}")) {
        assert!(!class.is_empty());
        assert!(class.split('.').all(|p| !p.is_empty()), "{class:?}");
    }
    match parse_elf("lib/arm64-v8a/libfuzz.so", data) {
        Ok(lib) => {
            assert_eq!(lib.path, "lib/arm64-v8a/libfuzz.so");
            assert!(!lib.abi.is_empty());
            check_jni_classes(&lib.jni_classes, lib.exports);
            assert!(lib.exports <= data.len());
            for n in &lib.needed {
                let _ = n.len();
            }
        }
        Err(e) => check_parse_error(&e),
    }
});
