"""Audit Android apps against their own privacy policy, from Python.

Each function returns exactly the JSON contract the ``appaudit`` CLI prints with
``--format json`` (``schema_version`` included), as Python objects:

* :func:`inspect` is ``appaudit inspect --format json APP``
* :func:`audit` is ``appaudit audit --format json APP --policy P ...``
* :func:`policy` is ``appaudit policy --format json FILE`` (or ``-`` with the text on stdin)
* :func:`rules` is ``appaudit rules list --format json``

The analysis runs in Rust with the GIL released, so threads scale. Bad input raises
:class:`AnalysisError` (with ``file``, ``structure``, ``offset``); an internal error is reported the
same way and never ends the interpreter. For scans of many apps on a cluster see
:mod:`appaudit.dask`.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from . import _appaudit
from ._appaudit import SCHEMA_VERSION, AnalysisError, __version__

__all__ = [
    "AnalysisError",
    "SCHEMA_VERSION",
    "__version__",
    "audit",
    "inspect",
    "policy",
    "rules",
]

PathLike = Union[str, "os.PathLike[str]"]


def _paths(policies: Union[PathLike, Iterable[PathLike]]) -> List[str]:
    if isinstance(policies, (str, os.PathLike)):
        return [os.fspath(policies)]
    return [os.fspath(p) for p in policies]


def inspect(app: Union[PathLike, bytes], *, lang: str = "zh", name: Optional[str] = None) -> Dict[str, Any]:
    """What an app contains: package, permissions, SDKs with evidence, sensitive API calls.

    ``app`` is a path (``str`` or ``os.PathLike``) or the file's ``bytes``; with bytes, ``name``
    stands for the path in the report (default ``"<bytes>"``). ``lang="en"`` is ``--lang en``.
    Returns the dict ``appaudit inspect --format json`` prints. Raises :class:`AnalysisError`.
    """
    if not isinstance(app, bytes):
        app = os.fspath(app)
    return json.loads(_appaudit.inspect_json(app, lang=lang, name=name))


def audit(
    app: Union[PathLike, bytes],
    policies: Union[PathLike, Iterable[PathLike]],
    *,
    fail_on: str = "high",
    lang: Optional[str] = None,
    severity: Optional[Mapping[str, str]] = None,
    baseline: Optional[PathLike] = None,
    encoding: Optional[str] = None,
    name: Optional[str] = None,
) -> Dict[str, Any]:
    """Audits an app against its privacy policy: findings with evidence, and the verdict.

    ``policies`` is one policy file or a list (a separate SDK list or permission list is merged,
    as repeated ``--policy`` does). ``fail_on`` is ``high``/``medium``/``low``/``info``/``none``;
    ``lang`` (``zh``/``en``) words the findings' messages (English by default); ``severity`` maps
    rule ids to levels (``--severity RULE=LEVEL``); ``baseline`` is a baseline TOML file.
    Returns the dict ``appaudit audit --format json`` prints. Raises :class:`AnalysisError`.
    """
    if not isinstance(app, bytes):
        app = os.fspath(app)
    text = _appaudit.audit_json(
        app,
        _paths(policies),
        fail_on=fail_on,
        lang=lang,
        severity=sorted(severity.items()) if severity else None,
        baseline=os.fspath(baseline) if baseline is not None else None,
        encoding=encoding,
        name=name,
    )
    return json.loads(text)


def policy(source: Union[PathLike, bytes, Iterable[PathLike]], *, encoding: Optional[str] = None) -> Dict[str, Any]:
    """What a privacy policy discloses: SDKs, permissions, data types, with where it says so.

    ``source`` is a path (``os.PathLike``, or a ``str`` without a line break), a list of paths
    (merged, as ``appaudit policy A B``), or the policy's text (``bytes``, or a ``str`` with a line
    break), read as ``appaudit policy -`` reads standard input. Raises :class:`AnalysisError`.
    """
    if isinstance(source, bytes):
        return json.loads(_appaudit.policy_text_json(source, encoding=encoding))
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        return json.loads(_appaudit.policy_text_json(source.encode("utf-8"), encoding=encoding))
    return json.loads(_appaudit.policy_json(_paths(source), encoding=encoding))


def rules(*, category: Optional[str] = None) -> Dict[str, Any]:
    """The built-in knowledge base: every SDK rule and every finding rule.

    Returns the dict ``appaudit rules list --format json`` prints (``sdks`` and ``findings``
    lists); ``category`` keeps only SDKs of that category (``ads``, ``push``, ``analytics``...).
    """
    return json.loads(_appaudit.rules_json(category=category))
