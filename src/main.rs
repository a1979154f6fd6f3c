//! The `appaudit` binary: the only place that prints a final report and picks the exit code
//! (0 pass, 1 findings at or above --fail-on, 2 the tool could not do its job).

use appaudit::audit::{self, baseline::Baseline, AuditInput};
use appaudit::cli::{
    AuditArgs, AuditFormat, Cli, Command, DiffArgs, DiffFormat, DraftArgs, InspectArgs,
    InspectFormat, PolicyArgs, PolicyFormat, RulesAction, RulesFormat, ScanArgs, ScanFormat,
};
use appaudit::report::audit::ViewOptions;
use appaudit::{api, apk, engine, policy, report, Error};
use clap::Parser;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// How a run ended, when it did its job.
enum Outcome {
    /// Nothing at or above --fail-on.
    Pass,
    /// Findings at or above --fail-on.
    Findings,
    /// The report was written, but some inputs could not be analysed (exit 2).
    Incomplete,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(&cli) {
        Ok(Outcome::Pass) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Ok(Outcome::Incomplete) => ExitCode::from(2),
        Err(Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("appaudit: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<Outcome, Error> {
    // To a terminal the tables fit it, to a file (-o) 80 columns, to a pipe no limit.
    report::table::init(output_file(&cli.command).is_some());
    match &cli.command {
        Command::Inspect(args) => inspect(cli, args),
        Command::Audit(args) => audit_cmd(cli, args),
        Command::Policy(args) => policy_cmd(args),
        Command::Rules(args) => rules_cmd(cli, &args.action),
        Command::Draft(args) => draft_cmd(cli, args),
        Command::Scan(args) => scan_cmd(cli, args),
        Command::Diff(args) => diff_cmd(cli, args),
    }
}

fn inspect(cli: &Cli, args: &InspectArgs) -> Result<Outcome, Error> {
    let limits = cli.limits.limits();
    if args.manifest {
        let data = std::fs::read(&args.app).map_err(|source| Error::Io {
            path: args.app.clone(),
            source,
        })?;
        let doc = apk::reader::manifest_document(&args.app, &data, limits)?;
        emit(args.output.as_deref(), &apk::axml::to_xml(&doc))?;
        return Ok(Outcome::Pass);
    }
    let catalog = engine::load_catalog(cli.rules.as_deref())?;
    let analysis = engine::analyze_with(&args.app, limits, catalog, false)?;
    if args.classes {
        let mut classes: Vec<&str> = analysis
            .app
            .dex
            .iter()
            .flat_map(|d| d.classes.iter().map(String::as_str))
            .collect();
        classes.sort_unstable();
        classes.dedup();
        let mut out = classes.join("\n");
        if !out.is_empty() {
            out.push('\n');
        }
        emit(args.output.as_deref(), &out)?;
        return Ok(Outcome::Pass);
    }
    let rep = engine::inspect_report(&analysis, catalog).with_lang(args.lang);
    let text = match args.format {
        InspectFormat::Json => report::to_json(&rep),
        InspectFormat::Table => rep.render_table(),
    };
    emit(args.output.as_deref(), &text)?;
    Ok(Outcome::Pass)
}

fn audit_cmd(cli: &Cli, args: &AuditArgs) -> Result<Outcome, Error> {
    // Validate cheap inputs first: a bad baseline or policy fails before the APK is read.
    let baseline = api::load_baseline(args.baseline.as_deref())?;
    let catalog = engine::load_catalog(cli.rules.as_deref())?;
    let request = api::AuditRequest {
        policies: &args.policy,
        encoding: args.encoding.as_deref(),
        overrides: &args.severity,
        baseline: baseline.as_ref(),
        fail_on: args.fail_on.severity(),
    };
    let rep = api::audit(
        api::AppSource::Path(&args.app),
        &request,
        cli.limits.limits(),
        catalog,
    )?;
    if let Some(path) = &args.write_baseline {
        // Every finding the rules raised (suppressed ones too), not the baseline's own.
        let text = Baseline::from_findings(&rep.findings).to_toml();
        std::fs::write(path, text).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    }
    let failed = rep.summary.verdict == appaudit::model::Verdict::Fail;
    let rep = rep.with_view(ViewOptions {
        lang: args.lang,
        command: std::env::args()
            .enumerate()
            .map(|(i, a)| if i == 0 { "appaudit".to_string() } else { a })
            .collect(),
    });
    let text = match args.format {
        AuditFormat::Table => rep.render_table(),
        AuditFormat::Json => report::to_json(&rep),
        AuditFormat::Sarif => report::sarif::render(&rep),
        AuditFormat::Markdown => rep.render_markdown(),
        AuditFormat::Html => report::html::render(&rep),
    };
    emit(args.output.as_deref(), &text)?;
    if let Some(path) = &args.output {
        // The report went to a file: a CI log still shows why the step passed or failed.
        eprintln!(
            "{}",
            written_to(
                rep.view.lang.unwrap_or(appaudit::model::Lang::En),
                &report::audit_table::verdict_line(&rep),
                path
            )
        );
    }
    Ok(if failed {
        Outcome::Findings
    } else {
        Outcome::Pass
    })
}

/// The verdict line and where the report went, for stderr when `-o FILE` took the report.
fn written_to(lang: appaudit::model::Lang, line: &str, path: &Path) -> String {
    appaudit::model::locale::format(
        lang,
        "terminal",
        "written_to",
        &[("line", line.into()), ("path", path.display().to_string())],
    )
}

/// `appaudit draft`: the disclosures the app needs, or with --policy those the policy lacks.
fn draft_cmd(cli: &Cli, args: &DraftArgs) -> Result<Outcome, Error> {
    let policy_doc = if args.policy.is_empty() {
        None
    } else {
        Some(api::load_policies(&args.policy, args.encoding.as_deref())?.0)
    };
    let catalog = engine::load_catalog(cli.rules.as_deref())?;
    let analysis = engine::analyze(&args.app, cli.limits.limits(), catalog)?;
    let sdks = engine::sdk_views(&analysis.detections, catalog);
    let outcome = policy_doc.as_ref().map(|p| {
        audit::run(&AuditInput {
            app: &analysis.app,
            sdks: &sdks,
            packer: analysis.detections.packer.as_deref(),
            calls: &analysis.calls,
            policy: p,
            consent: &analysis.consent,
        })
    });
    let lang = args.lang.unwrap_or_else(|| {
        policy_doc.as_ref().map_or(appaudit::model::Lang::Zh, |p| {
            appaudit::model::Lang::from_code(p.language)
        })
    });
    let draft = appaudit::draft::build(&analysis, &sdks, catalog, outcome.as_ref(), lang);
    emit(args.output.as_deref(), &draft.render(args.format))?;
    Ok(Outcome::Pass)
}

fn policy_cmd(args: &PolicyArgs) -> Result<Outcome, Error> {
    let (doc, _) = api::load_policies(&args.files, args.encoding.as_deref())?;
    let text = match args.format {
        PolicyFormat::Json => report::to_json(&doc),
        PolicyFormat::Table => policy::render_table_in(&doc, args.lang),
    };
    emit(args.output.as_deref(), &text)?;
    Ok(Outcome::Pass)
}

fn rules_cmd(cli: &Cli, action: &RulesAction) -> Result<Outcome, Error> {
    match action {
        RulesAction::List {
            category,
            format,
            lang,
        } => {
            let catalog = engine::load_catalog(cli.rules.as_deref())?;
            let text = match format {
                RulesFormat::Table => {
                    appaudit::rules::lint::list_table_in(catalog, category.as_deref(), *lang)
                }
                RulesFormat::Json => report::to_json(&api::rules(catalog, category.as_deref())),
            };
            emit(None, &text)?;
            Ok(Outcome::Pass)
        }
        RulesAction::Lint { dir } => {
            let dir = dir.as_deref().or(cli.rules.as_deref());
            let diags = appaudit::rules::lint::lint(dir);
            if diags.is_empty() {
                let what = dir.map_or("built-in rules".to_string(), |d| d.display().to_string());
                eprintln!("{what}: no problems");
                Ok(Outcome::Pass)
            } else {
                let text: Vec<String> = diags.iter().map(ToString::to_string).collect();
                Err(Error::Rules(text))
            }
        }
        RulesAction::Explain { rule, lang } => {
            let text = match rule {
                Some(id) => appaudit::model::RuleId::parse(id)
                    .map(|r| audit::registry::rule_in(r, *lang).explain())
                    .ok_or_else(|| {
                        Error::Usage(format!(
                            "unknown rule {id:?}; known rules: {}",
                            appaudit::model::RuleId::ALL
                                .iter()
                                .map(|r| r.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    })?,
                None => audit::registry::rules(*lang)
                    .iter()
                    .map(|r| {
                        let sev =
                            appaudit::model::locale::word(*lang, "severity", r.severity().as_str());
                        let pad = 7usize
                            .saturating_sub(unicode_width::UnicodeWidthStr::width(sev.as_str()));
                        format!("{:<36} {sev}{:pad$} {}\n", r.id, "", r.summary)
                    })
                    .collect(),
            };
            emit(None, &text)?;
            Ok(Outcome::Pass)
        }
    }
}

fn scan_cmd(cli: &Cli, args: &ScanArgs) -> Result<Outcome, Error> {
    use appaudit::scan::{self, ScanOptions, ScanSummary};
    use std::io::IsTerminal;
    let policies = args
        .policy_dir
        .as_deref()
        .map(scan::PolicyIndex::load)
        .transpose()?;
    let catalog = engine::load_catalog(cli.rules.as_deref())?;
    let inputs = scan::collect_inputs(&args.paths);
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let opts = ScanOptions {
        jobs,
        limits: cli.limits.limits(),
        fail_on: args.fail_on.severity(),
        overrides: args.severity.clone(),
    };
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(inputs.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} files, {per_sec}, ETA {eta} {wide_msg}",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |item: &scan::ScanItem| {
        bar.set_message(item.path.display().to_string());
        bar.inc(1);
    };
    let summary = match args.format {
        ScanFormat::Table => {
            // The table's columns fit every row: it is written once all are done.
            let items = scan::scan(inputs, &opts, catalog, policies.as_ref(), progress);
            bar.finish_and_clear();
            emit(
                args.output.as_deref(),
                &report::scan::render_table_in(&items, args.lang),
            )?;
            ScanSummary::of(&items)
        }
        ScanFormat::Jsonl | ScanFormat::Csv => {
            // Streamed: each record is written, in input order, as soon as the files before it
            // are done, so memory holds only the records waiting for a slower file before them
            // and an interrupted scan leaves the records of the files done.
            let line = match args.format {
                ScanFormat::Csv => report::scan::csv_line,
                _ => report::scan::jsonl_line,
            };
            let mut out = Stream::open(args.output.as_deref())?;
            if args.format == ScanFormat::Csv {
                out.write(&report::scan::csv_header());
            }
            let mut summary = ScanSummary::default();
            let mut waiting: std::collections::BTreeMap<usize, Option<String>> =
                std::collections::BTreeMap::new();
            let mut next = 0;
            scan::scan_each(inputs, &opts, catalog, policies.as_ref(), |i, item| {
                progress(&item);
                summary.add(&item);
                waiting.insert(i, line(&item));
                while let Some(l) = waiting.remove(&next) {
                    out.write(l.as_deref().unwrap_or_default());
                    next += 1;
                }
            });
            bar.finish_and_clear();
            out.finish()?;
            summary
        }
    };
    eprintln!("{}", summary.line_in(args.lang));
    Ok(if summary.findings > 0 {
        Outcome::Findings
    } else if summary.errors > 0 {
        Outcome::Incomplete
    } else {
        Outcome::Pass
    })
}

fn diff_cmd(cli: &Cli, args: &DiffArgs) -> Result<Outcome, Error> {
    let policy = args
        .policy
        .as_deref()
        .map(appaudit::scan::load_policy)
        .transpose()?;
    let catalog = engine::load_catalog(cli.rules.as_deref())?;
    let limits = cli.limits.limits();
    let (old, new) = rayon::join(
        || engine::analyze(&args.old, limits, catalog),
        || engine::analyze(&args.new, limits, catalog),
    );
    let (old, new) = (old?, new?);
    let audit = policy
        .map(|(doc, file)| engine::audit_report(&new, catalog, &doc, vec![file], &[], None, None));
    let d = appaudit::diff::compare(&old, &new, audit.as_ref());
    let text = match args.format {
        DiffFormat::Table => report::diff::render_table_in(&d, args.lang),
        DiffFormat::Json => report::to_json(&d),
        DiffFormat::Markdown => report::diff::render_markdown_in(&d, args.lang),
    };
    emit(args.output.as_deref(), &text)?;
    if let Some(path) = &args.output {
        eprintln!(
            "{}",
            written_to(args.lang, &report::diff::verdict_in(&d, args.lang), path)
        );
    }
    Ok(
        if d.adds_undisclosed() || (args.fail_on_change && d.has_changes()) {
            Outcome::Findings
        } else {
            Outcome::Pass
        },
    )
}

/// The `-o FILE` of the command, if any.
fn output_file(command: &Command) -> Option<&Path> {
    match command {
        Command::Audit(a) => a.output.as_deref(),
        Command::Inspect(a) => a.output.as_deref(),
        Command::Policy(a) => a.output.as_deref(),
        Command::Draft(a) => a.output.as_deref(),
        Command::Scan(a) => a.output.as_deref(),
        Command::Diff(a) => a.output.as_deref(),
        Command::Rules(_) => None,
    }
}

/// An output written piece by piece (`scan`'s streamed records): a file (`-o`) or stdout, each
/// line passed on whole as it is written (an interrupted scan leaves whole records). The first
/// write error is kept and returned by [`Stream::finish`]; nothing is written after it.
struct Stream {
    out: Box<dyn Write>,
    path: Option<std::path::PathBuf>,
    error: Option<std::io::Error>,
}

impl Stream {
    fn open(path: Option<&Path>) -> Result<Stream, Error> {
        let out: Box<dyn Write> = match path {
            Some(p) => Box::new(std::io::LineWriter::new(std::fs::File::create(p).map_err(
                |source| Error::Io {
                    path: p.to_path_buf(),
                    source,
                },
            )?)),
            None => Box::new(std::io::LineWriter::new(std::io::stdout())),
        };
        Ok(Stream {
            out,
            path: path.map(Path::to_path_buf),
            error: None,
        })
    }

    fn write(&mut self, text: &str) {
        if self.error.is_none() {
            if let Err(e) = self.out.write_all(text.as_bytes()) {
                self.error = Some(e);
            }
        }
    }

    fn finish(mut self) -> Result<(), Error> {
        let result = match self.error.take() {
            Some(e) => Err(e),
            None => self.out.flush(),
        };
        result.map_err(|source| match self.path {
            Some(path) => Error::Io { path, source },
            None => Error::Output(source),
        })
    }
}

/// Writes the output to a file or standard output.
fn emit(path: Option<&Path>, text: &str) -> Result<(), Error> {
    match path {
        Some(p) => std::fs::write(p, text).map_err(|source| Error::Io {
            path: p.to_path_buf(),
            source,
        }),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(Error::Output)
        }
    }
}
