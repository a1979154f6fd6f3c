"""Scans of many apps on Dask: a laptop (``LocalCluster``) or a cluster (``Client("tcp://...")``).

:func:`scan` maps the analysis over files, one file per task: only the path travels through the
scheduler, each worker reads its file itself (local paths, a shared file system, or ``s3://`` /
``gs://`` through fsspec when installed), so a task holds one app in memory at a time. A file that
cannot be analysed, or a task that fails (a worker lost, an exception), becomes an ``error`` row;
it never ends the scan. The result is a pandas DataFrame with one row per file, flat columns
(see :data:`COLUMNS`), and ``report``: the record ``appaudit scan --format jsonl`` prints for that
file, as JSON text. ``out="results.parquet"`` also writes the rows as Parquet (pyarrow).
"""

from __future__ import annotations

import glob as _glob
import json
import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

from . import _appaudit

__all__ = ["COLUMNS", "APP_EXTENSIONS", "expand", "record", "row_of", "scan"]

#: File extensions taken from a directory (as ``appaudit scan DIR`` does).
APP_EXTENSIONS = (".apk", ".apks", ".xapk", ".apkm", ".aab")

#: The DataFrame's columns, in order.
COLUMNS = [
    "kind",  # inspect | audit | error
    "path",
    "error",  # the error message (kind == "error"), else None
    "package",
    "version_name",
    "version_code",
    "min_sdk",
    "target_sdk",
    "sha256",
    "packer",
    "sdks",  # list of SDK ids found
    "sdk_count",
    "sdk_categories",  # list, one per SDK, same order as sdks
    "permissions",  # list of requested permissions
    "dangerous_permissions",  # list
    "data_types",  # list of sensitive data types the code reaches
    "undisclosed_sdks",  # audit: SDK ids the policy does not name
    "finding_rules",  # audit: rule id of each unsuppressed finding
    "findings_high",
    "findings_medium",
    "findings_low",
    "findings_info",
    "verdict",  # audit: pass | fail
    "policy",  # audit: the policy file paired with the app
    "report",  # the full JSON record
]


def _is_url(p: str) -> bool:
    return "://" in p and not p.startswith("file://")


def expand(paths_or_glob: Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]]) -> List[str]:
    """The files to scan: each path named, each directory walked (sorted, hidden entries left
    out, app extensions only), each glob pattern expanded (sorted); URLs go through fsspec."""
    if isinstance(paths_or_glob, (str, os.PathLike)):
        items = [os.fspath(paths_or_glob)]
    else:
        items = [os.fspath(p) for p in paths_or_glob]
    out: List[str] = []
    for item in items:
        if _is_url(item):
            out.extend(_expand_url(item))
        elif os.path.isdir(item):
            out.extend(_walk(item))
        elif any(c in item for c in "*?["):
            out.extend(sorted(_glob.glob(item, recursive=True)))
        else:
            out.append(item)
    return out


def _walk(top: str) -> List[str]:
    found: List[str] = []
    for name in sorted(os.listdir(top)):
        if name.startswith("."):
            continue
        path = os.path.join(top, name)
        if os.path.isdir(path):
            if not os.path.islink(path):
                found.extend(_walk(path))
        elif name.lower().endswith(APP_EXTENSIONS):
            found.append(path)
    return found


def _expand_url(url: str) -> List[str]:
    import fsspec  # optional: pip install fsspec s3fs / gcsfs

    fs, _, paths = fsspec.get_fs_token_paths(url)
    protocol = fs.protocol[0] if isinstance(fs.protocol, (tuple, list)) else fs.protocol
    if any(c in url for c in "*?["):
        found = sorted(paths)
    elif fs.isdir(paths[0]):
        found = sorted(p for p in fs.find(paths[0]) if p.lower().endswith(APP_EXTENSIONS))
    else:
        found = list(paths)
    return [p if "://" in p else f"{protocol}://{p}" for p in found]


def record(path: str, policy_dir: Optional[str] = None, fail_on: str = "high") -> Dict[str, Any]:
    """The ``appaudit scan --format jsonl`` record of one file (runs on a worker): the worker
    reads the file itself; a failure of any kind is an ``error`` record."""
    return json.loads(_line(path, policy_dir, fail_on))


def _line(path: str, policy_dir: Optional[str], fail_on: str) -> str:
    """The jsonl record's text (see :func:`record`)."""
    try:
        if _is_url(path):
            import fsspec

            with fsspec.open(path, "rb") as f:
                data = f.read()
            line = _appaudit.scan_json(data, policy_dir=policy_dir, fail_on=fail_on, name=path)
        else:
            line = _appaudit.scan_json(path, policy_dir=policy_dir, fail_on=fail_on)
        return line
    except Exception as e:  # noqa: BLE001 - any failure is this file's error record
        return json.dumps(_error(path, f"{type(e).__name__}: {e}"), ensure_ascii=False)


def _error(path: str, message: str) -> Dict[str, Any]:
    return {"kind": "error", "schema_version": _appaudit.SCHEMA_VERSION, "path": path, "error": message}


def row_of(rec: Dict[str, Any], text: Optional[str] = None) -> Dict[str, Any]:
    """One DataFrame row (see :data:`COLUMNS`) from a scan record (``text``: its JSON text)."""
    row: Dict[str, Any] = {c: None for c in COLUMNS}
    row["kind"] = rec.get("kind")
    row["report"] = text if text is not None else json.dumps(rec, ensure_ascii=False)
    if rec.get("kind") == "error":
        row["path"] = rec.get("path")
        row["error"] = rec.get("error")
        return row
    app = rec.get("app") or {}
    row["path"] = app.get("path")
    for k in ("package", "version_name", "version_code", "min_sdk", "target_sdk", "sha256", "packer"):
        row[k] = app.get(k)
    sdks = rec.get("sdks") or []
    row["sdks"] = [s.get("id") for s in sdks]
    row["sdk_count"] = len(sdks)
    row["sdk_categories"] = [s.get("category") for s in sdks]
    perms = rec.get("permissions") or []
    row["permissions"] = [p.get("name") for p in perms]
    row["dangerous_permissions"] = [p.get("name") for p in perms if p.get("dangerous")]
    row["data_types"] = sorted({c.get("data_type") for c in rec.get("data_access") or [] if c.get("data_type")})
    if rec.get("kind") == "audit":
        row["undisclosed_sdks"] = [s.get("id") for s in sdks if s.get("disclosed_as") is None]
        row["finding_rules"] = [f.get("rule") for f in rec.get("findings") or [] if not f.get("suppressed")]
        summary = rec.get("summary") or {}
        for level in ("high", "medium", "low", "info"):
            row[f"findings_{level}"] = summary.get(level)
        row["verdict"] = summary.get("verdict")
        row["policy"] = (rec.get("policy") or {}).get("path")
    return row


def _row(path: str, policy_dir: Optional[str], fail_on: str) -> Dict[str, Any]:
    line = _line(path, policy_dir, fail_on)
    return row_of(json.loads(line), line)


def _rows_task(paths: Sequence[str], policy_dir: Optional[str], fail_on: str) -> List[Dict[str, Any]]:
    # The files of one task, one after another: one app in memory at a time.
    return [_row(p, policy_dir, fail_on) for p in paths]


def scan(
    paths_or_glob: Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]],
    policies: Optional[Union[str, "os.PathLike[str]"]] = None,
    *,
    client: Any = None,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    fail_on: str = "high",
    retries: int = 1,
    files_per_task: int = 1,
) -> "pandas.DataFrame":  # noqa: F821
    """Scans every file on Dask and returns one row per file (a pandas DataFrame).

    ``paths_or_glob``: a file, a directory (walked for app files), a glob pattern, an
    ``s3://``/``gs://`` URL (fsspec), or a list of those. ``policies``: a directory of policies
    named ``<package>.txt`` or ``<app file stem>.txt`` (``.md``/``.html`` too), as
    ``appaudit scan --policy-dir``; an app with a policy is audited, one without is inspected.
    The directory must be readable by the workers. ``client``: a ``distributed.Client``; by
    default the current client if there is one, else the local threaded scheduler (the analysis
    releases the GIL). ``out``: also write the rows to this Parquet file. ``retries``: how often
    a task lost with its worker is retried before its files become ``error`` rows.
    ``files_per_task``: files analysed one after another in one task (1 by default; more cuts
    the scheduler's per-task cost on very large scans, memory stays one app per task).
    """
    import pandas as pd

    paths = expand(paths_or_glob)
    policy_dir = os.fspath(policies) if policies is not None else None
    if client is None:
        client = _current_client()
    if not paths:
        rows: List[Dict[str, Any]] = []
    elif client is not None:
        rows = _scan_on_client(client, paths, policy_dir, fail_on, retries, max(1, files_per_task))
    else:
        import dask.bag as db

        bag = db.from_sequence(paths, partition_size=max(1, files_per_task)).map(_row, policy_dir, fail_on)
        rows = bag.compute(scheduler="threads")
    df = pd.DataFrame(rows, columns=COLUMNS)
    if out is not None:
        write_parquet(df, out)
    return df


def _current_client() -> Any:
    try:
        from distributed import default_client
    except ImportError:
        return None
    try:
        return default_client()
    except ValueError:
        return None


def _scan_on_client(
    client: Any, paths: Sequence[str], policy_dir: Optional[str], fail_on: str, retries: int, per_task: int
) -> List[Dict[str, Any]]:
    # One task per file (or per `per_task` files); only the paths go to the worker. A task that
    # fails (its worker died more than `retries` times, say) becomes its files' error rows.
    chunks = [list(paths[i : i + per_task]) for i in range(0, len(paths), per_task)]
    futures = client.map(
        _rows_task,
        chunks,
        policy_dir=policy_dir,
        fail_on=fail_on,
        pure=False,
        retries=retries,
    )
    rows: List[Dict[str, Any]] = []
    for chunk, fut in zip(chunks, futures):
        try:
            rows.extend(fut.result())
        except Exception as e:  # noqa: BLE001
            why = f"task failed: {type(e).__name__}: {e}"
            rows.extend(row_of(_error(p, why)) for p in chunk)
        finally:
            fut.release()
    return rows


def write_parquet(df: "pandas.DataFrame", out: Union[str, "os.PathLike[str]"]) -> None:  # noqa: F821
    """Writes scan rows as Parquet with a fixed schema (list columns stay lists)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    strings = pa.list_(pa.string())
    schema = pa.schema(
        [
            ("kind", pa.string()),
            ("path", pa.string()),
            ("error", pa.string()),
            ("package", pa.string()),
            ("version_name", pa.string()),
            ("version_code", pa.int64()),
            ("min_sdk", pa.int64()),
            ("target_sdk", pa.int64()),
            ("sha256", pa.string()),
            ("packer", pa.string()),
            ("sdks", strings),
            ("sdk_count", pa.int64()),
            ("sdk_categories", strings),
            ("permissions", strings),
            ("dangerous_permissions", strings),
            ("data_types", strings),
            ("undisclosed_sdks", strings),
            ("finding_rules", strings),
            ("findings_high", pa.int64()),
            ("findings_medium", pa.int64()),
            ("findings_low", pa.int64()),
            ("findings_info", pa.int64()),
            ("verdict", pa.string()),
            ("policy", pa.string()),
            ("report", pa.string()),
        ]
    )
    records = df.astype(object).where(df.notna(), None).to_dict("records")
    table = pa.Table.from_pylist(records, schema=schema)
    pq.write_table(table, os.fspath(out))
