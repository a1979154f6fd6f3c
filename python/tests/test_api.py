"""appaudit.inspect / audit / policy / rules return exactly the JSON the CLI prints."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import appaudit
from conftest import APPS, CLEAN_POLICY, POLICIES, ROOT, WALLET_POLICY, cli_json, rel


def test_the_fixtures_are_there() -> None:
    assert len(APPS) >= 10, APPS
    assert len(POLICIES) >= 15, POLICIES


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_inspect_equals_the_cli(cli: Path, app: Path) -> None:
    want = cli_json(cli, "inspect", "--format", "json", rel(app))
    got = appaudit.inspect(rel(app))
    assert got == want
    assert got["schema_version"] == appaudit.SCHEMA_VERSION == 1


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_inspect_of_bytes_equals_inspect_of_the_file(app: Path) -> None:
    assert appaudit.inspect(app.read_bytes(), name=rel(app)) == appaudit.inspect(rel(app))


def test_inspect_in_english_equals_the_cli(cli: Path) -> None:
    app = rel(ROOT / "fixtures" / "wallet.apk")
    assert appaudit.inspect(app, lang="en") == cli_json(cli, "inspect", "--format", "json", "--lang", "en", app)
    # A path-like works as a str does.
    assert appaudit.inspect(Path(app)) == appaudit.inspect(app)


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
@pytest.mark.parametrize("policy", [WALLET_POLICY, CLEAN_POLICY], ids=["wallet-policy", "clean-policy"])
def test_audit_equals_the_cli(cli: Path, app: Path, policy: Path) -> None:
    want = cli_json(cli, "audit", "--format", "json", rel(app), "--policy", rel(policy))
    got = appaudit.audit(rel(app), [rel(policy)])
    assert got == want
    assert got["summary"]["verdict"] in ("pass", "fail")


def test_audit_options_equal_the_cli(cli: Path) -> None:
    app = rel(ROOT / "fixtures" / "wallet.apk")
    want = cli_json(
        cli,
        "audit",
        "--format",
        "json",
        app,
        "--policy",
        rel(WALLET_POLICY),
        "--fail-on",
        "none",
        "--lang",
        "zh",
        "--severity",
        "undisclosed-sdk=low",
    )
    got = appaudit.audit(
        app, rel(WALLET_POLICY), fail_on="none", lang="zh", severity={"undisclosed-sdk": "low"}
    )
    assert got == want
    assert got["summary"]["fail_on"] == "none"
    assert any(f["rule"] == "undisclosed-sdk" and f["severity"] == "low" for f in got["findings"])


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.parent.name)
def test_policy_equals_the_cli(cli: Path, policy: Path) -> None:
    assert appaudit.policy(rel(policy)) == cli_json(cli, "policy", "--format", "json", rel(policy))


@pytest.mark.parametrize("policy", [WALLET_POLICY, CLEAN_POLICY], ids=["wallet", "clean"])
def test_policy_text_equals_the_cli_reading_stdin(cli: Path, policy: Path) -> None:
    data = policy.read_bytes()
    want = cli_json(cli, "policy", "--format", "json", "-", stdin=data)
    assert appaudit.policy(data) == want
    assert appaudit.policy(data.decode("utf-8")) == want


def test_several_policies_merge_as_the_cli_merges(cli: Path) -> None:
    files = [rel(WALLET_POLICY), rel(CLEAN_POLICY)]
    assert appaudit.policy(files) == cli_json(cli, "policy", "--format", "json", *files)


def test_rules_equal_the_cli(cli: Path) -> None:
    got = appaudit.rules()
    assert got == cli_json(cli, "rules", "list", "--format", "json")
    assert len(got["sdks"]) == got["rules"]["sdks"] > 100
    assert any(r["id"] == "undisclosed-sdk" for r in got["findings"])
    ads = appaudit.rules(category="ads")
    assert ads == cli_json(cli, "rules", "list", "--format", "json", "--category", "ads")
    assert 0 < len(ads["sdks"]) < len(got["sdks"])
    assert {r["category"] for r in ads["sdks"]} == {"ads"}


def test_a_truncated_apk_raises_analysis_error_naming_file_structure_offset() -> None:
    data = (ROOT / "fixtures" / "wallet.apk").read_bytes()
    with pytest.raises(appaudit.AnalysisError) as info:
        appaudit.inspect(data[: len(data) // 2], name="half.apk")
    e = info.value
    assert e.file == "half.apk"
    assert e.structure and isinstance(e.structure, str)
    assert isinstance(e.offset, int) and 0 <= e.offset <= len(data)
    assert e.context == "zip archive"
    assert "half.apk" in e.message and e.message == str(e)


def test_a_corrupt_file_on_disk_raises_as_the_cli_reports(cli: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.apk"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(appaudit.AnalysisError) as info:
        appaudit.inspect(bad)
    assert info.value.file == str(bad)
    assert info.value.structure is not None and info.value.offset is not None
    import subprocess

    proc = subprocess.run([str(cli), "inspect", "--format", "json", str(bad)], capture_output=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == f"appaudit: error: {info.value.message}"


def test_a_missing_file_and_bad_options_raise_analysis_error(tmp_path: Path) -> None:
    with pytest.raises(appaudit.AnalysisError) as info:
        appaudit.inspect(tmp_path / "missing.apk")
    assert info.value.file == str(tmp_path / "missing.apk")
    assert info.value.structure is None and info.value.offset is None
    with pytest.raises(appaudit.AnalysisError):
        appaudit.audit(rel(APPS[0]), rel(WALLET_POLICY), fail_on="severe")
    with pytest.raises(appaudit.AnalysisError):
        appaudit.audit(rel(APPS[0]), rel(WALLET_POLICY), severity={"no-such-rule": "low"})
    with pytest.raises(appaudit.AnalysisError) as info:
        appaudit.audit(rel(APPS[0]), tmp_path / "missing.txt")
    assert info.value.file == str(tmp_path / "missing.txt")


def test_a_panic_becomes_analysis_error_and_the_interpreter_goes_on() -> None:
    with pytest.raises(appaudit.AnalysisError) as info:
        appaudit._appaudit._panic_for_test()
    assert "internal error" in info.value.message
    assert appaudit.inspect(rel(APPS[0]))["schema_version"] == 1


GIL_SCRIPT = """
import os, sys, threading, appaudit
fifo, apk = sys.argv[1], sys.argv[2]
os.mkfifo(fifo)
out = {}
reader = threading.Thread(target=lambda: out.update(report=appaudit.inspect(fifo)))
reader.start()
# The reader thread is inside Rust, blocked reading the FIFO until this thread writes the app into
# it: writing needs the GIL, so this only finishes when the analysis released it.
with open(fifo, "wb") as f:
    f.write(open(apk, "rb").read())
reader.join()
print(out["report"]["app"]["package"])
"""


def test_the_gil_is_released_while_rust_works(tmp_path: Path) -> None:
    import subprocess
    import sys

    wallet = ROOT / "fixtures" / "wallet.apk"
    try:
        proc = subprocess.run(
            [sys.executable, "-c", GIL_SCRIPT, str(tmp_path / "app.fifo"), str(wallet)],
            capture_output=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("deadlock: the analysis held the GIL while it read its input")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip() == "com.example.wallet"


def test_threads_run_analyses_at_once_and_agree() -> None:
    # The GIL is released during the analysis: threads each get the same answer.
    app = rel(ROOT / "fixtures" / "wallet.apk")
    want = appaudit.inspect(app)
    results = []

    def work() -> None:
        for _ in range(5):
            results.append(appaudit.inspect(app))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20 and all(r == want for r in results)
