"""Type stubs of the native module (Rust, PyO3). Each *_json function returns the JSON text the
CLI prints; the functions of ``appaudit`` parse it."""

import os
from typing import List, Optional, Tuple, Union

__version__: str
SCHEMA_VERSION: int

class AnalysisError(Exception):
    """An input could not be analysed."""

    #: The file (path, or the name given for bytes), when the error is about one.
    file: Optional[str]
    #: The part of the input being read, e.g. "zip archive", "AndroidManifest.xml".
    context: Optional[str]
    #: The structure that was malformed, e.g. "end of central directory".
    structure: Optional[str]
    #: Byte offset of that structure inside its part.
    offset: Optional[int]
    #: The whole message, as the CLI prints it after "appaudit: error: ".
    message: str

_App = Union[str, "os.PathLike[str]", bytes]

def inspect_json(app: _App, *, lang: str = "zh", name: Optional[str] = None) -> str: ...
def audit_json(
    app: _App,
    policies: List[str],
    *,
    fail_on: str = "high",
    lang: Optional[str] = None,
    severity: Optional[List[Tuple[str, str]]] = None,
    baseline: Optional[str] = None,
    encoding: Optional[str] = None,
    name: Optional[str] = None,
) -> str: ...
def policy_json(files: List[str], *, encoding: Optional[str] = None) -> str: ...
def policy_text_json(text: bytes, *, encoding: Optional[str] = None) -> str: ...
def rules_json(*, category: Optional[str] = None) -> str: ...
def scan_json(
    app: _App, *, policy_dir: Optional[str] = None, fail_on: str = "high", name: Optional[str] = None
) -> str: ...
def _panic_for_test() -> str: ...
