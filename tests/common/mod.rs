//! Shared helpers for the integration tests: the fixture cases and the real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixture cases built by `fixtures/build` and committed with their oracle data.
pub const CASES: &[&str] = &[
    "wallet",
    "clean",
    "multidex",
    "codeshapes",
    "lookalike",
    "packer",
    "wallet2",
    "versions",
    "traps-config",
    "traps-share",
];

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `fixtures/<case>.apk`.
pub fn apk(case: &str) -> PathBuf {
    root().join("fixtures").join(format!("{case}.apk"))
}

/// `fixtures/<case>/expected/<file>`, read as text.
pub fn expected(case: &str, file: &str) -> String {
    let p = root()
        .join("fixtures")
        .join(case)
        .join("expected")
        .join(file);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Runs the real binary with these arguments.
pub fn appaudit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .args(args)
        .output()
        .expect("run appaudit")
}

/// Runs the binary on a path argument (non-UTF-8 safe).
pub fn appaudit_on(args: &[&str], path: &Path, tail: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .args(args)
        .arg(path)
        .args(tail)
        .output()
        .expect("run appaudit")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A tiny deterministic PRNG (xorshift64*), so "random" tests are reproducible.
pub struct Rng(pub u64);

impl Rng {
    /// The next value.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A value below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Appends `v` as unsigned LEB128 (DEX and AXML writers of the tests).
pub fn uleb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// Compares `got` with tests/snapshots/NAME, or rewrites the file when
/// APPAUDIT_UPDATE_SNAPSHOTS is set (review the diff before committing it).
pub fn golden(name: &str, got: &str) {
    let path = root().join("tests/snapshots").join(name);
    if std::env::var_os("APPAUDIT_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, got).expect("write snapshot");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (APPAUDIT_UPDATE_SNAPSHOTS=1 writes it)",
            path.display()
        )
    });
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
        panic!(
            "{name} differs from its snapshot at line {}:\n got: {:?}\nwant: {:?}\n(APPAUDIT_UPDATE_SNAPSHOTS=1 rewrites it after review)",
            line + 1,
            got.lines().nth(line).unwrap_or("<end>"),
            want.lines().nth(line).unwrap_or("<end>"),
        );
    }
}
