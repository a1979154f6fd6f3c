//! Native libraries through goblin: ABI, soname, needed libraries, JNI exports.
//! (Implementation lands with the code-analysis issue; the types are the contract.)

use crate::error::ParseError;
use serde::Serialize;

/// What one `.so` tells.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NativeLib {
    /// Archive path (`lib/arm64-v8a/libjcore.so`).
    pub path: String,
    /// Android ABI name from the ELF machine and class (`arm64-v8a`, `armeabi-v7a`, `x86`, `x86_64`...).
    pub abi: String,
    /// `DT_SONAME`.
    pub soname: Option<String>,
    /// `DT_NEEDED` entries.
    pub needed: Vec<String>,
    /// Number of exported dynamic symbols.
    pub exports: usize,
    /// Java classes named by `Java_...` JNI exports, Java form, sorted, unique.
    pub jni_classes: Vec<String>,
}

/// Reads one ELF shared object.
pub fn parse_elf(path: &str, data: &[u8]) -> Result<NativeLib, ParseError> {
    let _ = data;
    Ok(NativeLib {
        path: path.to_string(),
        ..Default::default()
    })
}
