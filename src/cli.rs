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
    /// Replace the built-in SDK rules with the TOML files of this directory (or its sdks/).
    #[arg(long, global = true, value_name = "DIR")]
    pub rules: Option<PathBuf>,
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
    /// Audit an app against its privacy policy: every mismatch, with evidence.
    Audit(AuditArgs),
    /// Show what an app contains: package, SDKs, permissions, components, code, native libraries.
    Inspect(InspectArgs),
    /// Show what a privacy policy discloses, as understood.
    Policy(PolicyArgs),
    /// The knowledge base and the finding rules.
    Rules(RulesArgs),
    /// Draft the SDK table and permission list a policy needs (with --policy: only what it lacks).
    Draft(DraftArgs),
    /// Analyse many apps (files and directories), auditing those with a policy in --policy-dir.
    Scan(ScanArgs),
    /// What a new release adds or drops: SDKs, permissions, data access.
    Diff(DiffArgs),
}

/// A finding severity, or `none` (for --fail-on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    /// high
    High,
    /// medium and above
    Medium,
    /// low and above
    Low,
    /// everything
    Info,
    /// never fail
    None,
}

impl Level {
    /// The severity, `None` for `none`.
    pub fn severity(self) -> Option<crate::audit::Severity> {
        use crate::audit::Severity;
        match self {
            Level::High => Some(Severity::High),
            Level::Medium => Some(Severity::Medium),
            Level::Low => Some(Severity::Low),
            Level::Info => Some(Severity::Info),
            Level::None => None,
        }
    }
}

/// Output formats of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// Findings grouped by severity, for a terminal.
    Table,
    /// The versioned JSON contract.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// Markdown, for a pull-request comment.
    Markdown,
    /// One self-contained HTML page, printable to PDF.
    Html,
}

/// `appaudit audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The APK to audit.
    pub app: PathBuf,
    /// The privacy policy (txt, md, html); repeat for a separate SDK list or permission list.
    #[arg(long, short = 'p', required = true, value_name = "POLICY")]
    pub policy: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,
    /// Exit 1 when a finding at or above this severity is not suppressed.
    #[arg(long, value_enum, default_value_t = Level::High)]
    pub fail_on: Level,
    /// Accepted findings (TOML: [[accepted]] rule, subject, reason, expires).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings as a baseline file, then report as usual.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Override a rule's severity: RULE=high|medium|low|info (repeatable).
    #[arg(long = "severity", value_name = "RULE=LEVEL", value_parser = parse_override)]
    pub severity: Vec<(crate::model::RuleId, crate::audit::Severity)>,
    /// Force the policy's text encoding (utf-8, utf-16le, utf-16be, gbk, gb18030).
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
    /// Language of the html and markdown reports (default: the policy's).
    #[arg(long, value_enum)]
    pub lang: Option<crate::model::Lang>,
    /// Write the output to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `appaudit draft`.
#[derive(Debug, Args)]
pub struct DraftArgs {
    /// The APK to draft disclosures for.
    pub app: PathBuf,
    /// The privacy policy: draft only the rows it is missing (repeatable, merged).
    #[arg(long, short = 'p', value_name = "POLICY")]
    pub policy: Vec<PathBuf>,
    /// Language of the draft (default: the policy's, else zh).
    #[arg(long, value_enum)]
    pub lang: Option<crate::model::Lang>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::draft::DraftFormat::Markdown)]
    pub format: crate::draft::DraftFormat,
    /// Force the policy's text encoding (utf-8, utf-16le, utf-16be, gbk, gb18030).
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
    /// Write the output to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Parses `RULE=LEVEL` for --severity.
pub fn parse_override(s: &str) -> Result<(crate::model::RuleId, crate::audit::Severity), String> {
    let (rule, level) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected RULE=LEVEL"))?;
    let Some(rule) = crate::model::RuleId::parse(rule) else {
        return Err(format!(
            "unknown rule {rule:?} (see `appaudit rules explain`)"
        ));
    };
    let sev = crate::audit::Severity::parse(level)
        .ok_or_else(|| format!("{level:?}: expected high, medium, low or info"))?;
    Ok((rule, sev))
}

/// Output formats of `policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyFormat {
    /// A human-readable summary.
    Table,
    /// The versioned JSON contract.
    Json,
}

/// `appaudit policy`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// The policy files (`-` reads standard input); several are merged.
    #[arg(required = true, value_name = "POLICY")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PolicyFormat::Table)]
    pub format: PolicyFormat,
    /// Force the text encoding (utf-8, utf-16le, utf-16be, gbk, gb18030).
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
    /// Write the output to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `appaudit rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// What to show.
    #[command(subcommand)]
    pub action: RulesAction,
}

/// `appaudit rules ...`.
#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// The SDK knowledge base as a table.
    List {
        /// Only this category (push, analytics, ads, packer...).
        #[arg(long)]
        category: Option<String>,
    },
    /// Check rule files: unknown keys, bad patterns, duplicate ids, conflicting prefixes.
    Lint {
        /// The rules directory (default: the built-in rules).
        dir: Option<PathBuf>,
    },
    /// Print a finding rule's documentation (all rules when none is named).
    Explain {
        /// The rule id, e.g. undisclosed-sdk.
        rule: Option<String>,
        /// Language of the documents.
        #[arg(long, value_enum, default_value_t = crate::model::Lang::En)]
        lang: crate::model::Lang,
    },
}

/// Output formats of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    /// A human-readable summary.
    Table,
    /// The versioned JSON contract.
    Json,
}

/// A report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// Chinese
    Zh,
    /// English
    En,
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
    /// Language of SDK names in the table: zh (the names Chinese policies use) or en.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Write the output to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// One row per app, for a terminal.
    Table,
    /// One JSON report per line (the audit or inspect contract, or an error record).
    Jsonl,
    /// The table's columns as CSV.
    Csv,
}

/// `appaudit scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// App files (.apk, .apks, .xapk, .apkm, .aab) and directories, walked recursively.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Policies named `<package>.{txt,md,html}` or `<app file stem>.{txt,md,html}`; a paired app
    /// is audited, the others are inspected.
    #[arg(long, value_name = "DIR")]
    pub policy_dir: Option<PathBuf>,
    /// Apps analysed at once (default: the available cores).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Table)]
    pub format: ScanFormat,
    /// Exit 1 when an audited app has a finding at or above this severity.
    #[arg(long, value_enum, default_value_t = Level::High)]
    pub fail_on: Level,
    /// Override a rule's severity: RULE=high|medium|low|info (repeatable).
    #[arg(long = "severity", value_name = "RULE=LEVEL", value_parser = parse_override)]
    pub severity: Vec<(crate::model::RuleId, crate::audit::Severity)>,
    /// Write the output to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A human-readable summary.
    Table,
    /// Versioned JSON.
    Json,
    /// Markdown, for a pull-request comment.
    Markdown,
}

/// `appaudit diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The previous release.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new release.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// The privacy policy the new release ships with: added items it does not disclose fail.
    #[arg(long, short = 'p', value_name = "POLICY")]
    pub policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Exit 1 on any change at all, disclosed or not.
    #[arg(long)]
    pub fail_on_change: bool,
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
