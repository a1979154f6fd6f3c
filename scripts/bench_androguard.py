#!/usr/bin/env python3
"""The androguard side of scripts/bench: loads an APK with androguard's light API, `APK` (the
zip and the binary manifest) plus one `DEX` (called DalvikVMFormat before androguard 4) per
classes*.dex, and lists the permissions and every defined class, as `appaudit inspect` does.
No `AnalyzeAPK`: its cross-reference analysis would do far more work than appaudit's walk.

    bench_androguard.py APP.apk      prints "<permissions> permissions, <classes> classes"
"""
import sys

from loguru import logger

logger.remove()  # androguard 4 logs every step at DEBUG through loguru

from androguard.core.apk import APK  # noqa: E402
from androguard.core.dex import DEX  # noqa: E402


def main():
    apk = APK(sys.argv[1])
    permissions = apk.get_permissions()
    classes = []
    for raw in apk.get_all_dex():
        dex = DEX(raw)
        classes.extend(c.get_name() for c in dex.get_classes())
    print(f"{len(permissions)} permissions, {len(classes)} classes")


if __name__ == "__main__":
    main()
