#!/usr/bin/env python3
"""ONE-OFF IMPORT (issue #14): writes new rules/sdks/*.toml for the Exodus trackers and the
Chinese SDKs that had no rule. Like gen_sdks.py, it only documents how those files were first
made: the TOML files are the source of truth, edited by hand and checked by `appaudit rules lint`
and scripts/kb-coverage. It never overwrites an existing file.

Usage: python3 rules/tools/kb_import.py ../shared/reference rules/sdks
"""
import json
import re
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import cn_additions  # noqa: E402
import exodus_import  # noqa: E402

CAT = {"Advertisement": "ads", "Crash reporting": "crash", "Identification": "login"}


def q(s):
    return json.dumps(s, ensure_ascii=False)


def lit(s):
    return "'" + s + "'" if "'" not in s and "\n" not in s else q(s)


def read_exodus(ref):
    out = {}
    for line in (ref / "exodus.tsv").read_text(encoding="utf-8").splitlines():
        tid, name, code, cats, net = line.split(" | ")
        out[int(tid)] = dict(name=name, code=[c for c in code.split("|") if c],
                             cats=cats, net=[n for n in net.split("|") if n])
    return out


def read_libchecker(ref):
    rows = []
    for line in (ref / "libchecker.tsv").read_text(encoding="utf-8").splitlines():
        p = (line.split("\t") + [""] * 5)[:5]
        rows.append(dict(label=p[0].strip(), team=p[1].strip(), kind=p[2], value=p[3], url=p[4]))
    return rows


KIND = {"activities-libs": "activity", "services-libs": "service",
        "receivers-libs": "receiver", "providers-libs": "provider"}


def covered(cls, prefixes):
    return any(cls == p or cls.startswith(p + ".") for p in prefixes)


def render(e):
    lines = [f"# {e['names'][0]}", f"# {e['origin']}; this file is now the source of truth (lint: appaudit rules lint).",
             f"id = {q(e['id'])}", f"name_en = {q(e['name_en'])}",
             f"names = [{', '.join(q(n) for n in e['names'])}]",
             f"vendor_zh = {q(e.get('vendor_zh', ''))}", f"vendor_en = {q(e['vendor_en'])}",
             f"category = {q(e['category'])}"]
    if e.get("privacy_url"):
        lines.append(f"privacy_url = {q(e['privacy_url'])}")
    if e.get("notes"):
        lines.append(f"notes = {q(e['notes'])}")
    if e.get("network"):
        lines.append(f"network = [{', '.join(lit(n) for n in e['network'])}]")
    for c in e.get("classes", []):
        value, conf, src = c[:3]
        lines += ["", "[[class_prefixes]]", f"value = {q(value)}"]
        if len(c) > 3 and c[3].get("contains"):
            lines.append('match = "contains"')
        lines += [f"confidence = {q(conf)}", f"source = {q(src)}"]
    for r, conf, src in e.get("libs", []):
        lines += ["", "[[native_libs]]", f"regex = {lit(r)}", f"confidence = {q(conf)}", f"source = {q(src)}"]
    for r, conf, src in e.get("assets", []):
        lines += ["", "[[assets]]", f"regex = {lit(r)}", f"confidence = {q(conf)}", f"source = {q(src)}"]
    for kind, name, conf, src in e.get("manifest", []):
        lines += ["", "[[manifest]]", f"kind = {q(kind)}", f"name = {q(name)}",
                  f"confidence = {q(conf)}", f"source = {q(src)}"]
    return "\n".join(lines) + "\n"


def main(ref, out):
    ref, out = Path(ref), Path(out)
    existing = {}
    for f in out.glob("*.toml"):
        d = tomllib.loads(f.read_text(encoding="utf-8"))
        existing[d["id"]] = d
    own = {c["value"] for d in existing.values() for c in d.get("class_prefixes", [])}
    comps = {m["name"] for d in existing.values() for m in d.get("manifest", [])}
    ex = read_exodus(ref)
    lcr = read_libchecker(ref)
    entries = []
    for tid, sid, name, vendor, cat in exodus_import.ROWS:
        t = ex[tid]
        classes = []
        for sig in t["code"]:
            ov = exodus_import.SIG_OVERRIDES.get((tid, sig), {})
            if ov is None:
                continue
            value = ov.get("value", sig)
            conf = ov.get("confidence", "high")
            src = f"Exodus Privacy tracker #{tid} code signature {sig!r}"
            if ov.get("note_src"):
                src += f" ({ov['note_src']})"
            if value.startswith("."):
                classes.append((value, conf, src, {"contains": True}))
            else:
                classes.append((value.rstrip("."), conf, src))
        prefixes = [c[0] for c in classes if len(c) == 3]
        manifest = []
        for r in lcr:
            if r["kind"] in KIND and covered(r["value"], prefixes) and r["value"] not in comps:
                manifest.append((KIND[r["kind"]], r["value"], "high",
                                 f"github:LibChecker/LibChecker-Rules {r['kind']}/{r['value']}"))
        names = [name]
        if "(" in name:
            names.append(name.split(" (")[0])
        entries.append(dict(id=sid, names=names, name_en=name, vendor_en=vendor, category=cat,
                            network=t["net"], classes=classes, manifest=manifest,
                            origin=f"Imported from Exodus Privacy tracker #{tid} ({t['name']})"))
    for e in cn_additions.SDKS:
        e = dict(e)
        e["origin"] = "Added for issue #14 (Chinese SDKs)"
        entries.append(e)
    for e in cn_additions.PACKERS:
        e = dict(e)
        e["origin"] = "Added for issue #14 (packers and app shields from APKiD's packer rules)"
        entries.append(e)
    written = 0
    for e in entries:
        if e["id"] in existing:
            print(f"skip {e['id']}: exists", file=sys.stderr)
            continue
        for c in e.get("classes", []):
            if c[0] in own:
                print(f"warn {e['id']}: prefix {c[0]} already owned", file=sys.stderr)
        path = out / f"{e['id']}.toml"
        if path.exists():
            continue
        path.write_text(render(e), encoding="utf-8")
        written += 1
    print(f"wrote {written} files", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
