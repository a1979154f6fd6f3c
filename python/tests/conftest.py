"""Shared fixtures of the Python package's tests: the repository, the CLI binary cargo built, and
the committed fixture apps and policies. The CLI is the oracle: every report must equal its JSON."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"

#: Every committed app fixture.
APPS: List[Path] = sorted(
    p for p in FIXTURES.iterdir() if p.is_file() and p.suffix in (".apk", ".aab", ".apks")
)
#: Every committed policy fixture.
POLICIES: List[Path] = sorted(
    p for p in FIXTURES.rglob("policy.*") if p.suffix in (".txt", ".md", ".html", ".htm")
)
WALLET_POLICY = FIXTURES / "wallet" / "policy.txt"
CLEAN_POLICY = FIXTURES / "clean" / "policy.txt"


def cli_path() -> Path:
    """The CLI binary: $APPAUDIT_BIN, else the one `cargo test` builds (target/debug)."""
    env = os.environ.get("APPAUDIT_BIN")
    return Path(env) if env else ROOT / "target" / "debug" / "appaudit"


@pytest.fixture(scope="session")
def cli() -> Path:
    path = cli_path()
    if not path.is_file():
        # Never a silent skip: the CLI is the oracle these tests compare against.
        pytest.fail(f"the appaudit CLI is not built at {path} (run cargo build, or set APPAUDIT_BIN)")
    return path


def run_cli(cli: Path, *args: Any, stdin: bytes | None = None, ok=(0, 1)) -> str:
    """Runs the CLI from the repository root; returns standard output."""
    proc = subprocess.run(
        [str(cli), *[str(a) for a in args]],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        check=False,
    )
    assert proc.returncode in ok, f"{args}: exit {proc.returncode}: {proc.stderr.decode()}"
    return proc.stdout.decode("utf-8")


def cli_json(cli: Path, *args: Any, stdin: bytes | None = None) -> Any:
    return json.loads(run_cli(cli, *args, stdin=stdin))


def rel(p: Path) -> str:
    """A fixture's path as the tests name it to both the CLI and the package (from ROOT)."""
    return str(p.relative_to(ROOT))


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Paths in reports are as given: both sides get the same relative paths.
    monkeypatch.chdir(ROOT)
