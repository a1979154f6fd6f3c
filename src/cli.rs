//! Command-line arguments (clap derive), validated before any work starts.

use crate::apk::archive::Limits;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Audit an Android app against its own privacy policy.
#[derive(Debug, Parser)]
#[command(name = "appaudit", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Limits on hostile archives.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The archive limits, as flags.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Most entries an archive may declare.
    #[arg(long, global = true, default_value_t = Limits::default().max_entries, value_name = "N")]
    pub max_entries: u64,
    /// Most bytes inflated from one archive in all (suffixes K, M, G accepted).
    #[arg(long, global = true, default_value = "4G", value_parser = parse_size, value_name = "BYTES")]
    pub max_inflated: u64,
    /// Largest inflated size of one entry (suffixes K, M, G accepted).
    #[arg(long, global = true, default_value = "512M", value_parser = parse_size, value_name = "BYTES")]
    pub max_entry_size: u64,
}

impl LimitArgs {
    /// The zip limits these flags set.
    pub fn limits(&self) -> Limits {
        Limits {
            max_entries: self.max_entries,
            max_total: self.max_inflated,
            max_entry_size: self.max_entry_size,
            ..Limits::default()
        }
    }
}

/// Parses `123`, `64K`, `512M`, `4G` (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m: u64 = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("unknown size suffix {c:?} (use K, M or G)")),
            };
            (&s[..i], m)
        }
        _ => (s, 1),
    };
    let n: u64 = num
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a size such as 512M"))?;
    n.checked_mul(mult)
        .ok_or_else(|| format!("{s:?} is too large"))
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what an app contains: package, permissions, components, code, native libraries.
    Inspect(InspectArgs),
}

/// Output formats of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    /// A human-readable summary.
    Table,
    /// The versioned JSON contract.
    Json,
}

/// `appaudit inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The APK to read.
    pub app: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InspectFormat::Table)]
    pub format: InspectFormat,
    /// Print the decoded AndroidManifest.xml as XML text instead.
    #[arg(long, conflicts_with = "classes")]
    pub manifest: bool,
    /// Print every class defined in the app's DEX files, one per line, sorted.
    #[arg(long)]
    pub classes: bool,
    /// Write the output to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes_parse_with_suffixes() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("4g"), Ok(4 << 30));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("12X").is_err());
        assert!(parse_size("M").is_err());
    }
}
