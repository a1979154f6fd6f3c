//! Bytes to text: refuse binary and empty input, pick the encoding (BOM, UTF-8, UTF-16 without
//! BOM, then GB18030), or use the one the user forced.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

/// Text decoded from a policy file, with the name of the encoding used.
pub(crate) struct Decoded {
    pub text: String,
    pub encoding: String,
}

/// Why the bytes are not a policy text; the caller adds the file name.
pub(crate) fn decode(bytes: &[u8], forced: Option<&str>) -> Result<Decoded, String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(if bytes.is_empty() {
            "empty file: no policy text".to_string()
        } else {
            "only white space: no policy text".to_string()
        });
    }
    if let Some(label) = forced {
        let enc = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            format!("unknown encoding {label:?} (try utf-8, utf-16le, utf-16be, gbk, gb18030)")
        })?;
        let (text, had_errors) = enc.decode_with_bom_removal(bytes);
        let text = text.into_owned();
        if had_errors && replacement_ratio(&text) > 0.01 {
            return Err(format!("not valid {} text", enc.name()));
        }
        return finish(text, enc.name().to_string());
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(format!("binary input ({kind}), not a policy text"));
    }
    let (enc, body) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        (UTF_8, rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (UTF_16LE, rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (UTF_16BE, rest)
    } else if let Some(enc) = utf16_without_bom(bytes) {
        (enc, bytes)
    } else if std::str::from_utf8(bytes).is_ok() {
        (UTF_8, bytes)
    } else {
        (GB18030, bytes)
    };
    if enc == UTF_8 || enc == GB18030 {
        // NUL bytes never occur in UTF-8 or GB text: this is a binary file with no known magic.
        if memchr::memchr(0, body).is_some() {
            return Err("binary input (NUL bytes), not a policy text".to_string());
        }
    }
    let (text, had_errors) = enc.decode_without_bom_handling(body);
    let text = text.into_owned();
    if had_errors && replacement_ratio(&text) > 0.005 {
        return Err(format!(
            "not text: neither UTF-8, UTF-16 nor GB18030 (try --encoding); {} undecodable sequences",
            text.chars().filter(|&c| c == '\u{FFFD}').count()
        ));
    }
    finish(text, enc.name().to_string())
}

fn finish(text: String, encoding: String) -> Result<Decoded, String> {
    let total = text.chars().count().max(1);
    let controls = text
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0C}'))
        .count();
    if controls * 100 > total {
        return Err(format!(
            "binary input ({controls} control characters), not a policy text"
        ));
    }
    if text.trim().is_empty() {
        return Err("only white space: no policy text".to_string());
    }
    Ok(Decoded { text, encoding })
}

fn replacement_ratio(text: &str) -> f64 {
    let total = text.chars().count().max(1);
    let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
    bad as f64 / total as f64
}

/// Known binary formats, by magic number: the ones people mistake for a policy.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGICS: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF-", "a PDF document: export it as text or HTML"),
        (
            b"PK\x03\x04",
            "a zip archive (an APK or a .docx?): export the policy as text or HTML",
        ),
        (b"PK\x05\x06", "an empty zip archive"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "an OLE document (.doc): save it as HTML or text",
        ),
        (b"\x7FELF", "an ELF binary"),
        (b"dex\n", "a DEX file"),
        (b"\x1F\x8B", "gzip data"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xBC\xAF\x27\x1C", "a 7z archive"),
    ];
    MAGICS
        .iter()
        .find(|(m, _)| bytes.starts_with(m))
        .map(|(_, k)| *k)
}

/// UTF-16 with no BOM: most high bytes of ASCII-range code units are zero, on one side only.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096)];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_zero = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zero = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_zero * 10 > pairs * 3 && even_zero * 20 < pairs {
        Some(UTF_16LE)
    } else if even_zero * 10 > pairs * 3 && odd_zero * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        let s = "隐私政策：我们使用极光推送SDK。";
        let d = decode(s.as_bytes(), None).map_err(|e| e.to_string());
        assert_eq!(d.as_ref().map(|d| d.encoding.as_str()), Ok("UTF-8"));
        let (gbk, _, _) = GB18030.encode(s);
        let d = decode(&gbk, None).map_err(|e| e.to_string());
        assert_eq!(d.as_ref().map(|d| d.text.as_str()), Ok(s));
        let mut le = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&le, None).map_err(|e| e.to_string());
        assert_eq!(d.as_ref().map(|d| d.text.as_str()), Ok(s));
        let mut be = Vec::new();
        for u in "Privacy policy: we use Firebase.".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        let d = decode(&be, None).map_err(|e| e.to_string());
        assert_eq!(d.as_ref().map(|d| d.encoding.as_str()), Ok("UTF-16BE"));
    }

    #[test]
    fn refuses_binary_and_empty() {
        assert!(decode(b"", None).is_err());
        assert!(decode(b"  \n\t ", None).is_err());
        assert!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None).is_err());
        assert!(decode(b"PK\x03\x04\x14\0\0\0", None).is_err());
        let noise: Vec<u8> = (0u32..4096)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        assert!(decode(&noise, None).is_err());
        assert!(decode("abc".as_bytes(), Some("klingon")).is_err());
    }
}
