//! Error types. Parsers return [`ParseError`], which names the structure, the offset and what was
//! wrong; the caller that knows the file adds that context ([`Error::Input`]).

use std::fmt;
use std::path::PathBuf;

/// What was wrong with a structure at some offset of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The structure needs `need` bytes but only `have` remain.
    Truncated { need: u64, have: u64 },
    /// A value that cannot be right (bad magic, an offset out of range, a count past the end...).
    Invalid(String),
    /// A declared size or count above a configured limit.
    Limit(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Truncated { need, have } => {
                write!(f, "truncated: needs {need} bytes, {have} remain")
            }
            Problem::Invalid(s) => f.write_str(s),
            Problem::Limit(s) => write!(f, "over a limit: {s}"),
        }
    }
}

/// A parse failure inside one input: which structure, at which offset, what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{structure} at offset {offset:#x}: {problem}")]
pub struct ParseError {
    /// The structure being read, e.g. "string pool", "class_def_item", "end of central directory".
    pub structure: String,
    /// Byte offset inside the input (the zip file, the manifest, the DEX...).
    pub offset: u64,
    /// What was wrong.
    pub problem: Problem,
}

impl ParseError {
    /// A value that cannot be right.
    pub fn invalid(structure: impl Into<String>, offset: u64, msg: impl Into<String>) -> Self {
        ParseError {
            structure: structure.into(),
            offset,
            problem: Problem::Invalid(msg.into()),
        }
    }

    /// Not enough bytes left.
    pub fn truncated(structure: impl Into<String>, offset: u64, need: u64, have: u64) -> Self {
        ParseError {
            structure: structure.into(),
            offset,
            problem: Problem::Truncated { need, have },
        }
    }

    /// A declared size or count above a limit.
    pub fn limit(structure: impl Into<String>, offset: u64, msg: impl Into<String>) -> Self {
        ParseError {
            structure: structure.into(),
            offset,
            problem: Problem::Limit(msg.into()),
        }
    }
}

/// Everything that can stop appaudit from doing its job on one input (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file could not be read at all.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An input was read but is malformed; `context` says which part ("AndroidManifest.xml", "classes2.dex").
    #[error("{path}: {context}: {source}")]
    Input {
        path: PathBuf,
        context: String,
        #[source]
        source: ParseError,
    },
    /// The input is not what the command needs (not an APK, no manifest, ...).
    #[error("{path}: {message}")]
    Unsupported { path: PathBuf, message: String },
    /// The rules (built in or `--rules DIR`) are malformed; every problem is listed.
    #[error("invalid rules:\n{}", .0.join("\n"))]
    Rules(Vec<String>),
    /// A usage problem found after argument parsing (a bad combination of flags...).
    #[error("{0}")]
    Usage(String),
    /// Writing the output failed.
    #[error("writing output: {0}")]
    Output(#[source] std::io::Error),
}

/// Result with appaudit's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
