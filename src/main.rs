//! The `appaudit` binary: the only place that prints a final report and picks the exit code
//! (0 pass, 1 findings at or above --fail-on, 2 the tool could not do its job).

use appaudit::cli::{Cli, Command, InspectArgs, InspectFormat};
use appaudit::{apk, report, Error};
use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

/// How a run ended.
enum Outcome {
    Pass,

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

        Err(Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("appaudit: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<Outcome, Error> {
    match &cli.command {
        Command::Inspect(args) => inspect(cli, args),
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
    let opts = apk::reader::Options {
        limits,
        ..Default::default()
    };
    let app = apk::reader::analyze(&args.app, &opts)?;
    if args.classes {
        let mut classes: Vec<&str> = app
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
    let dangerous = |name: &str| appaudit::rules::is_dangerous(name);
    let rep = report::inspect::InspectReport::new(&app, &dangerous);
    let text = match args.format {
        InspectFormat::Json => report::to_json(&rep),
        InspectFormat::Table => rep.render_table(),
    };
    emit(args.output.as_deref(), &text)?;
    Ok(Outcome::Pass)
}

/// Writes the output to a file or standard output.
fn emit(path: Option<&std::path::Path>, text: &str) -> Result<(), Error> {
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
