//! `appaudit._appaudit`: the native half of the Python package. Each function returns the JSON
//! text the CLI prints (`appaudit::api` builds both); `appaudit/__init__.py` turns it into Python
//! objects. The analysis runs with the GIL released, and a panic inside it becomes an
//! `AnalysisError`, never a crashed interpreter.

use appaudit::api::{self, AppSource, AuditRequest};
use appaudit::apk::archive::Limits;
use appaudit::audit::Severity;
use appaudit::model::{Lang, RuleId};
use appaudit::scan::{PolicyIndex, ScanOptions};
use appaudit::{engine, report, Error};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

create_exception!(
    _appaudit,
    AnalysisError,
    PyException,
    "An input could not be analysed. Attributes: file, structure, offset, context, message."
);

/// What went wrong, as the Python exception's attributes.
struct Failure {
    file: Option<String>,
    context: Option<String>,
    structure: Option<String>,
    offset: Option<u64>,
    message: String,
}

impl Failure {
    fn of(e: &Error) -> Failure {
        let message = e.to_string();
        match e {
            Error::Input {
                path,
                context,
                source,
            } => Failure {
                file: Some(path.display().to_string()),
                context: Some(context.clone()),
                structure: Some(source.structure.clone()),
                offset: Some(source.offset),
                message,
            },
            Error::Io { path, .. } | Error::Unsupported { path, .. } => Failure {
                file: Some(path.display().to_string()),
                context: None,
                structure: None,
                offset: None,
                message,
            },
            _ => Failure {
                file: None,
                context: None,
                structure: None,
                offset: None,
                message,
            },
        }
    }

    fn usage(message: String) -> Failure {
        Failure {
            file: None,
            context: None,
            structure: None,
            offset: None,
            message,
        }
    }

    fn into_py(self, py: Python<'_>) -> PyErr {
        let err = AnalysisError::new_err(self.message.clone());
        let value = err.value(py);
        let set = || -> PyResult<()> {
            value.setattr("file", self.file)?;
            value.setattr("context", self.context)?;
            value.setattr("structure", self.structure)?;
            value.setattr("offset", self.offset)?;
            value.setattr("message", self.message)?;
            Ok(())
        };
        match set() {
            Ok(()) => err,
            Err(e) => e,
        }
    }
}

/// Runs `work` without the GIL; a panic becomes an error naming `file`.
fn run<F>(py: Python<'_>, file: Option<&str>, work: F) -> PyResult<String>
where
    F: FnOnce() -> Result<String, Error> + Send,
{
    let outcome = py.detach(|| catch_unwind(AssertUnwindSafe(work)));
    match outcome {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(e)) => Err(Failure::of(&e).into_py(py)),
        Err(_) => Err(Failure {
            file: file.map(str::to_string),
            context: None,
            structure: None,
            offset: None,
            message: format!(
                "{}: internal error while analysing this input",
                file.unwrap_or("<input>")
            ),
        }
        .into_py(py)),
    }
}

/// An app given as a path (str or os.PathLike) or as bytes.
enum AppArg<'py> {
    Path(PathBuf),
    Bytes(Bound<'py, PyBytes>, PathBuf),
}

impl<'py> AppArg<'py> {
    fn extract(obj: &Bound<'py, PyAny>, name: Option<PathBuf>) -> PyResult<AppArg<'py>> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            let name = name.unwrap_or_else(|| PathBuf::from("<bytes>"));
            return Ok(AppArg::Bytes(b.clone(), name));
        }
        Ok(AppArg::Path(obj.extract::<PathBuf>()?))
    }

    fn label(&self) -> String {
        match self {
            AppArg::Path(p) | AppArg::Bytes(_, p) => p.display().to_string(),
        }
    }

    /// Runs `work` on the app (its path, or its bytes borrowed from the Python object) with the
    /// GIL released, as [`run`] does.
    fn run<F>(&self, py: Python<'_>, work: F) -> PyResult<String>
    where
        F: FnOnce(AppSource<'_>) -> Result<String, Error> + Send,
    {
        let label = self.label();
        match self {
            AppArg::Path(p) => run(py, Some(&label), || work(AppSource::Path(p))),
            AppArg::Bytes(b, n) => {
                let data = b.as_bytes();
                run(py, Some(&label), || {
                    work(AppSource::Bytes { name: n, data })
                })
            }
        }
    }
}

fn limits() -> Limits {
    Limits::default()
}

fn catalog() -> Result<&'static appaudit::rules::sdks::SdkCatalog, Error> {
    engine::load_catalog(None)
}

fn parse_lang(lang: Option<&str>) -> Result<Option<Lang>, Failure> {
    match lang {
        None => Ok(None),
        Some(l) if l.eq_ignore_ascii_case("zh") => Ok(Some(Lang::Zh)),
        Some(l) if l.eq_ignore_ascii_case("en") => Ok(Some(Lang::En)),
        Some(l) => Err(Failure::usage(format!(
            "unknown language {l:?} (use \"zh\" or \"en\")"
        ))),
    }
}

/// `inspect --format json [--lang en]` of one app: a path or the file's bytes.
#[pyfunction]
#[pyo3(signature = (app, *, lang = "zh", name = None))]
fn inspect_json(
    py: Python<'_>,
    app: &Bound<'_, PyAny>,
    lang: &str,
    name: Option<PathBuf>,
) -> PyResult<String> {
    let lang = parse_lang(Some(lang)).map_err(|f| f.into_py(py))?;
    AppArg::extract(app, name)?.run(py, |src| {
        let rep = api::inspect(src, limits(), catalog()?, lang)?;
        Ok(report::to_json(&rep))
    })
}

/// `audit --format json` of one app against its policy files.
#[pyfunction]
#[pyo3(signature = (app, policies, *, fail_on = "high", lang = None, severity = None, baseline = None, encoding = None, name = None))]
#[allow(clippy::too_many_arguments)]
fn audit_json(
    py: Python<'_>,
    app: &Bound<'_, PyAny>,
    policies: Vec<PathBuf>,
    fail_on: &str,
    lang: Option<&str>,
    severity: Option<Vec<(String, String)>>,
    baseline: Option<PathBuf>,
    encoding: Option<String>,
    name: Option<PathBuf>,
) -> PyResult<String> {
    let lang = parse_lang(lang).map_err(|f| f.into_py(py))?;
    let fail_on = parse_fail_on(fail_on).map_err(|f| f.into_py(py))?;
    let mut overrides: Vec<(RuleId, Severity)> = Vec::new();
    for (rule, level) in severity.unwrap_or_default() {
        let id = RuleId::parse(&rule)
            .ok_or_else(|| Failure::usage(format!("unknown rule {rule:?}")).into_py(py))?;
        let level = Severity::parse(&level).ok_or_else(|| {
            Failure::usage(format!("{level:?}: expected high, medium, low or info")).into_py(py)
        })?;
        overrides.push((id, level));
    }
    if policies.is_empty() {
        return Err(Failure::usage("audit needs at least one policy file".into()).into_py(py));
    }
    let app = AppArg::extract(app, name)?;
    let work = |src: AppSource<'_>| -> Result<String, Error> {
        let baseline = api::load_baseline(baseline.as_deref())?;
        let req = AuditRequest {
            policies: &policies,
            encoding: encoding.as_deref(),
            overrides: &overrides,
            baseline: baseline.as_ref(),
            fail_on,
        };
        let rep = api::audit(src, &req, limits(), catalog()?)?;
        Ok(report::to_json(&api::audit_json_view(rep, lang)))
    };
    app.run(py, work)
}

/// `policy --format json` of policy files (several are merged, as the CLI does).
#[pyfunction]
#[pyo3(signature = (files, *, encoding = None))]
fn policy_json(py: Python<'_>, files: Vec<PathBuf>, encoding: Option<String>) -> PyResult<String> {
    let label = files.first().map(|p| p.display().to_string());
    run(py, label.as_deref(), || {
        let (doc, _) = api::load_policies(&files, encoding.as_deref())?;
        Ok(report::to_json(&doc))
    })
}

/// `policy --format json -` of a policy's text (as read from standard input).
#[pyfunction]
#[pyo3(signature = (text, *, encoding = None))]
fn policy_text_json(py: Python<'_>, text: &[u8], encoding: Option<String>) -> PyResult<String> {
    run(py, Some("-"), || {
        let doc = api::policy_from_bytes(text, encoding.as_deref())?;
        Ok(report::to_json(&doc))
    })
}

/// `rules list --format json [--category C]`.
#[pyfunction]
#[pyo3(signature = (*, category = None))]
fn rules_json(py: Python<'_>, category: Option<String>) -> PyResult<String> {
    run(py, None, || {
        Ok(report::to_json(&api::rules(
            catalog()?,
            category.as_deref(),
        )))
    })
}

/// The policy index of the last `policy_dir` used, so a worker reads the directory once.
static POLICY_INDEX: Mutex<Option<(PathBuf, Arc<PolicyIndex>)>> = Mutex::new(None);

fn policy_index(dir: &Path) -> Result<Arc<PolicyIndex>, Error> {
    let mut slot = POLICY_INDEX.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((d, idx)) = slot.as_ref() {
        if d == dir {
            return Ok(Arc::clone(idx));
        }
    }
    let idx = Arc::new(PolicyIndex::load(dir)?);
    *slot = Some((dir.to_path_buf(), Arc::clone(&idx)));
    Ok(idx)
}

fn parse_fail_on(fail_on: &str) -> Result<Option<Severity>, Failure> {
    if fail_on.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    Severity::parse(fail_on).map(Some).ok_or_else(|| {
        Failure::usage(format!(
            "fail_on {fail_on:?}: expected high, medium, low, info or none"
        ))
    })
}

/// One record of `appaudit scan --format jsonl` (without its line break) for one app: `kind`
/// `inspect`, `audit` (a policy of `policy_dir` pairs with it, by package name or file stem) or
/// `error`. Bad input gives an `error` record, never an exception.
#[pyfunction]
#[pyo3(signature = (app, *, policy_dir = None, fail_on = "high", name = None))]
fn scan_json(
    py: Python<'_>,
    app: &Bound<'_, PyAny>,
    policy_dir: Option<PathBuf>,
    fail_on: &str,
    name: Option<PathBuf>,
) -> PyResult<String> {
    let fail_on = parse_fail_on(fail_on).map_err(|f| f.into_py(py))?;
    let app = AppArg::extract(app, name)?;
    let work = |src: AppSource<'_>| -> Result<String, Error> {
        let index = policy_dir.as_deref().map(policy_index).transpose()?;
        let opts = ScanOptions {
            jobs: 1,
            limits: limits(),
            fail_on,
            overrides: Vec::new(),
        };
        let item = api::scan_item(src, &opts, catalog()?, index.as_deref());
        let line = report::scan::render_jsonl(std::slice::from_ref(&item));
        Ok(line.trim_end_matches('\n').to_string())
    };
    app.run(py, work)
}

/// Raises an internal error on purpose, to show a panic becomes an `AnalysisError` (tests only).
#[pyfunction]
fn _panic_for_test(py: Python<'_>) -> PyResult<String> {
    run(py, Some("test"), || -> Result<String, Error> {
        let v: Vec<u8> = Vec::new();
        let i = v.len() + 3;
        Ok(format!("{}", v[i]))
    })
}

#[pymodule]
fn _appaudit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("AnalysisError", m.py().get_type::<AnalysisError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("SCHEMA_VERSION", report::SCHEMA_VERSION)?;
    m.add_function(wrap_pyfunction!(inspect_json, m)?)?;
    m.add_function(wrap_pyfunction!(audit_json, m)?)?;
    m.add_function(wrap_pyfunction!(policy_json, m)?)?;
    m.add_function(wrap_pyfunction!(policy_text_json, m)?)?;
    m.add_function(wrap_pyfunction!(rules_json, m)?)?;
    m.add_function(wrap_pyfunction!(scan_json, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    Ok(())
}
