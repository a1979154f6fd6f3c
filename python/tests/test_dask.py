"""appaudit.dask.scan on a real distributed.LocalCluster (2 worker processes) over every fixture
plus generated copies and one corrupt file: one row per file, the error row, and each row's
record equal to the CLI's `appaudit scan --format jsonl`. Then the Parquet output and the jsonl
output queried with DuckDB."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Dict, List, Tuple

import duckdb
import pyarrow.parquet as pq
import pytest

import appaudit.dask
from conftest import APPS, CLEAN_POLICY, WALLET_POLICY, run_cli

COPIES = 16  # 13 fixtures x 16 copies + 1 corrupt = 209 files


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, Path, List[str], str]:
    """A directory of >= 200 app files (one corrupt, one non-app file) and a policy directory
    pairing the wallet and clean apps by package name."""
    top = tmp_path_factory.mktemp("store")
    apps = top / "apps"
    files: List[str] = []
    for i in range(COPIES):
        sub = apps / f"shard{i % 4}"
        sub.mkdir(parents=True, exist_ok=True)
        for app in APPS:
            dst = sub / f"c{i:02d}-{app.name}"
            shutil.copyfile(app, dst)
    corrupt = apps / "shard0" / "corrupt.apk"
    corrupt.write_bytes(b"PK\x03\x04 this is not a zip archive" + bytes(range(256)) * 4)
    (apps / "shard1" / "notes.txt").write_text("not an app\n")
    files = appaudit.dask.expand(str(apps))
    policies = top / "policies"
    policies.mkdir()
    shutil.copyfile(WALLET_POLICY, policies / "com.example.wallet.txt")
    shutil.copyfile(CLEAN_POLICY, policies / "com.example.clean.txt")
    return apps, policies, files, str(corrupt)


@pytest.fixture(scope="module")
def cli_records(cli: Path, corpus) -> Dict[str, dict]:
    apps, policies, _, _ = corpus
    out = run_cli(cli, "scan", "--format", "jsonl", "--policy-dir", policies, apps, ok=(0, 1, 2))
    recs = [json.loads(line) for line in out.splitlines() if line.strip()]
    return {(r["app"]["path"] if r["kind"] != "error" else r["path"]): r for r in recs}


@pytest.fixture(scope="module")
def cluster_client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def test_the_corpus_is_big_enough(corpus) -> None:
    _, _, files, corrupt = corpus
    assert len(files) == len(APPS) * COPIES + 1 >= 200
    assert corrupt in files
    assert not any(f.endswith("notes.txt") for f in files)


def test_scan_without_a_client_uses_threads_and_agrees(corpus, cli_records) -> None:
    _, policies, files, _ = corpus
    assert appaudit.dask._current_client() is None
    some = files[:20]
    df = appaudit.dask.scan(some, policies=policies)
    assert list(df["path"]) == some
    batched = appaudit.dask.scan(some, policies=policies, files_per_task=3)
    assert batched.equals(df)
    for path, report in zip(df["path"], df["report"]):
        assert json.loads(report) == cli_records[path]


def test_duckdb_reads_the_parquet_and_the_cli_jsonl(corpus, cli: Path, tmp_path: Path) -> None:
    apps, policies, files, _ = corpus
    pq_out = tmp_path / "scan.parquet"
    df = appaudit.dask.scan(files, policies=policies, out=pq_out)
    # Apps by undisclosed SDK, over the Parquet.
    got = duckdb.sql(
        f"""select sdk, count(*) as apps
            from (select unnest(undisclosed_sdks) as sdk from read_parquet('{pq_out}') where kind = 'audit')
            group by sdk order by apps desc, sdk"""
    ).fetchall()
    want: Dict[str, int] = {}
    for sdks in df.loc[df["kind"] == "audit", "undisclosed_sdks"]:
        for s in sdks:
            want[s] = want.get(s, 0) + 1
    assert dict(got) == want and want
    # The CLI's jsonl loads as a table too: kind, package, and SDKs unnested.
    jsonl = tmp_path / "scan.jsonl"
    jsonl.write_text(run_cli(cli, "scan", "--format", "jsonl", "--policy-dir", policies, apps, ok=(0, 1, 2)))
    kinds = dict(
        duckdb.sql(f"select kind, count(*) from read_json_auto('{jsonl}') group by kind").fetchall()
    )
    assert kinds == df["kind"].value_counts().to_dict()
    undisclosed = duckdb.sql(
        f"""select s.id as sdk, count(*) as apps
            from (select unnest(sdks) as s from read_json_auto('{jsonl}') where kind = 'audit')
            where s.disclosed_as is null group by sdk order by apps desc, sdk"""
    ).fetchall()
    assert dict(undisclosed) == want
    packages = duckdb.sql(
        f"select app.package as package, count(*) from read_json_auto('{jsonl}') where kind <> 'error' group by package"
    ).fetchall()
    assert dict(packages)["com.example.wallet"] == 2 * COPIES


def test_scan_on_a_local_cluster_equals_the_cli(corpus, cli_records, cluster_client, tmp_path: Path) -> None:
    apps, policies, files, corrupt = corpus
    assert len(cluster_client.scheduler_info()["workers"]) == 2
    out = tmp_path / "results.parquet"
    df = appaudit.dask.scan(str(apps), policies=policies, client=cluster_client, out=out)

    # One row per file, in the order of the files.
    assert list(df["path"]) == files
    assert len(cli_records) == len(files)
    # The corrupt file is an error row, as the CLI reports it; nothing else failed.
    errors = df[df["kind"] == "error"]
    assert list(errors["path"]) == [corrupt]
    assert errors["error"].iloc[0] == cli_records[corrupt]["error"]
    assert "zip" in errors["error"].iloc[0]
    # Paired apps audited, the others inspected, as the CLI decided.
    kinds = df["kind"].value_counts().to_dict()
    assert kinds["audit"] == 4 * COPIES  # wallet, wallet2, clean, clean-split
    assert kinds["inspect"] == (len(APPS) - 4) * COPIES
    # Every record equals the CLI's.
    for path, report in zip(df["path"], df["report"]):
        assert json.loads(report) == cli_records[path], path
    # The flat columns come from the record.
    wallet = df[df["path"].str.endswith("c00-wallet.apk")].iloc[0]
    rec = cli_records[wallet["path"]]
    assert wallet["package"] == rec["app"]["package"] == "com.example.wallet"
    assert list(wallet["sdks"]) == [s["id"] for s in rec["sdks"]]
    assert list(wallet["undisclosed_sdks"]) == [s["id"] for s in rec["sdks"] if s["disclosed_as"] is None]
    assert wallet["findings_high"] == rec["summary"]["high"] > 0
    assert wallet["verdict"] == rec["summary"]["verdict"] == "fail"
    assert wallet["policy"].endswith("com.example.wallet.txt")

    # The Parquet file holds the same rows.
    table = pq.read_table(out)
    assert table.num_rows == len(files)
    assert table.column("path").to_pylist() == files
    assert table.column("sdks").to_pylist() == [list(x) if x is not None else None for x in df["sdks"]]


def test_a_failed_task_is_an_error_row_not_a_failed_scan(cluster_client, corpus) -> None:
    _, _, files, _ = corpus
    missing = "/nonexistent/dir/gone.apk"
    df = appaudit.dask.scan([files[0], missing, files[1]], client=cluster_client, files_per_task=2)
    assert list(df["kind"]) == ["inspect", "error", "inspect"]
    assert df["path"].iloc[1] == missing and "gone.apk" in df["error"].iloc[1]


def test_a_task_that_raises_or_kills_its_worker_is_an_error_row(
    corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Failures outside the analysis (a worker's bug, a worker killed by the OOM killer): the task
    # fails, its file gets an error row, the other files their rows.
    import dask
    from distributed import Client, LocalCluster

    _, _, files, _ = corpus
    real = appaudit.dask._rows_task

    def flaky(paths, policy_dir, fail_on):  # pickled by value: a local function
        import os as _os

        if any(p.endswith("boom.apk") for p in paths):
            raise RuntimeError("boom")
        if any(p.endswith("die.apk") for p in paths):
            _os._exit(3)
        return real(paths, policy_dir, fail_on)

    monkeypatch.setattr(appaudit.dask, "_rows_task", flaky)
    # One task at a time on each worker (saturation 1.0, one thread): only the dying task was on
    # the dying worker, so it alone is given up on its first death (allowed-failures 0).
    config = {
        "distributed.scheduler.allowed-failures": 0,
        "distributed.scheduler.worker-saturation": 1.0,
    }
    with dask.config.set(config):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
        client = Client(cluster)
        try:
            paths = [files[0], "/x/boom.apk", files[1], "/x/die.apk", files[2]]
            df = appaudit.dask.scan(paths, client=client, retries=0)
        finally:
            client.close()
            cluster.close()
    assert list(df["path"]) == paths
    assert list(df["kind"]) == ["inspect", "error", "inspect", "error", "inspect"]
    assert df["error"].iloc[1] == "task failed: RuntimeError: boom"
    assert df["error"].iloc[3].startswith("task failed: KilledWorker"), df["error"].iloc[3]
