#!/usr/bin/env python3
"""ONE-OFF IMPORT. Do not re-run to update the rules.

Generated rules/sdks/*.toml once from the research export sdk-kb.json (245 entries). Since that
import, the TOML files are the source of truth: edit them by hand and check them with
`appaudit rules lint`. This script is kept only to document how the first version was made
(which kb fields map to which TOML keys, and which trap fixes of sdk-kb-notes.md were applied).

Usage (historical): python3 rules/tools/gen_sdks.py /work/shared/reference/sdk-kb.json rules/sdks
"""
import json
import re
import sys
from pathlib import Path

CATEGORY = {
    "packer/hardening": "packer",
    "login/one-click-auth": "login",
    "anti-fraud/device-fingerprint": "anti-fraud",
    "identity/face/OCR": "face",
    "share/social": "share",
    "map/location": "map",
    "cloud-storage": "storage",
}

# Vendor base packages and keys shared by several products of one vendor (sdk-kb-notes.md):
# they corroborate a product but never report it alone.
BASE = {
    ("jpush", "cn.jiguang"),
    ("umeng_analytics", "com.umeng.commonsdk"),
    ("umeng_analytics", "com.umeng.umzid"),
    ("sharesdk", "com.mob.tools"),
    ("sharesdk", "com.mob.commons"),
    ("sharesdk", "Mob-AppKey"),
    ("sharesdk", "Mob-AppSeret"),
    ("mob_push", "Mob-AppKey"),
    ("getui_push", "com.getui.gtc"),
    ("huawei_push", "com.huawei.hms.client.appid"),
    ("huawei_hms_core", "com.huawei.hms.api"),
    ("huawei_hms_core", "com.huawei.hms.client.appid"),
    ("huawei_hms_core", "com.huawei.hms.activity.BridgeActivity"),
    ("huawei_hms_core", "com.huawei.hms.activity.EnableServiceActivity"),
    ("huawei_hms_core", "com.huawei.hms.device.provider.CheckHmsProvider"),
    ("huawei_hms_core", "com.huawei.hms.update.provider.UpdateProvider"),
    ("firebase_analytics", "com.google.firebase.provider.FirebaseInitProvider"),
    ("firebase_analytics", "com.google.firebase.components.ComponentDiscoveryService"),
    ("umeng_analytics", "UMENG_CHANNEL"),
}

# Signatures dropped: a bundled copy claimed by the wrong entry (kept on the right one).
DROP = {
    ("wechat_share", "com.tencent.wxop.stat"),  # MTA embedded by the old WeChat SDK; tencent_mta owns it
}

# Signatures added: bundled copies, recorded on the bundled SDK with the host that ships them,
# and the OAID helpers (never the vendor's push/ads SDK).
EXTRA = {
    "tencent_bugly": {
        "class_prefixes": [
            {"value": "com.tencent.bugly.webank", "match": "prefix", "confidence": "high",
             "bundled_in": "webank_face_ocr",
             "source": "sdk-kb-notes.md: Bugly copy shipped inside the WeBank face/OCR SDK"},
        ],
        "native_libs": [
            {"regex": "^libBugly-webank\\.so$", "confidence": "high", "bundled_in": "webank_face_ocr",
             "source": "sdk-kb-notes.md: Bugly copy shipped inside the WeBank face/OCR SDK"},
            {"regex": "^libz?Bugly-yaq\\.so$", "confidence": "high", "bundled_in": "tencent_yusec",
             "source": "sdk-kb-notes.md: Bugly copy shipped inside Tencent 御安全/Legu"},
        ],
    },
    "msa_oaid": {
        "class_prefixes": [
            {"value": v, "match": "prefix", "confidence": "medium", "base": True,
             "source": "sdk-kb-notes.md: OAID helper shipped by MSA and other OAID libraries; not the vendor's push/ads SDK"}
            for v in ["com.heytap.openid", "com.vivo.identifier", "com.meizu.flyme.openidsdk",
                      "com.zui.deviceidservice", "com.samsung.android.deviceidservice",
                      "com.huawei.hms.ads.identifier", "com.asus.msa"]
        ],
    },
}

# SDKs that other SDKs bundle: when a host is reported, this one is recorded as bundled in it.
BUNDLED_BY = {
    "alibaba_utdid": ["alipay", "umeng_analytics", "aliyun_push", "aliyun_oss", "ali_httpdns", "mpaas"],
    "ali_securityguard": ["ali_baichuan", "aliyun_number_auth", "mpaas", "alipay"],
    "tencent_youtu": ["webank_face_ocr"],
    "tencent_turing": ["webank_face_ocr", "tencent_gdt"],
    "iab_omsdk": [],  # filled below: every ads entry
    "volc_applog": ["pangle_csj"],
    "huawei_hms_core": [],  # filled below: every HMS kit
}

# Maven artifacts (META-INF/<group>_<artifact>.version) that reveal an SDK and its version.
ARTIFACTS = {
    "admob": ["com.google.android.gms:play-services-ads", "com.google.android.gms:play-services-ads-lite"],
    "fcm": ["com.google.firebase:firebase-messaging"],
    "firebase_analytics": ["com.google.firebase:firebase-analytics", "com.google.android.gms:play-services-measurement"],
}

PRIVACY_HINT = re.compile(r"privacy|隐私|policy|agreement|legal|license/privacy", re.I)
URL = re.compile(r"https?://[^\s;,)）]+")


def q(s: str) -> str:
    """A TOML basic string."""
    return json.dumps(s, ensure_ascii=False)


def lit(s: str) -> str:
    """A TOML literal string when possible (regexes read better without doubled backslashes)."""
    if "'" not in s and "\n" not in s:
        return "'" + s + "'"
    return q(s)


def privacy_url(e):
    for s in e.get("sources", []) + [e.get("typical_data_source", "")]:
        for u in URL.findall(s):
            if PRIVACY_HINT.search(u):
                return u
    return ""


def sig_lines(table, fields, item):
    out = [f"\n[[{table}]]"]
    for key, style in fields:
        if key in item and item[key] not in (None, ""):
            v = item[key]
            if isinstance(v, bool):
                if v:
                    out.append(f"{key} = true")
            else:
                out.append(f"{key} = {lit(v) if style == 'lit' else q(v)}")
    return out


def main(kb_path, out_dir):
    kb = json.loads(Path(kb_path).read_text(encoding="utf-8"))
    ids = {e["id"] for e in kb}
    for e in kb:
        if e["category"] == "ads" and e["id"] != "iab_omsdk":
            BUNDLED_BY["iab_omsdk"].append(e["id"])
        if e["id"].startswith("huawei_") and e["id"] != "huawei_hms_core":
            BUNDLED_BY["huawei_hms_core"].append(e["id"])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for e in kb:
        sid = e["id"]
        for k, extra in EXTRA.get(sid, {}).items():
            e[k] = e.get(k, []) + extra

        def keep(key_value):
            return (sid, key_value) not in DROP

        def base(item, key):
            if (sid, item[key]) in BASE:
                item = dict(item)
                item["base"] = True
            return item

        names = []
        for n in e["names_zh"] + [e["name_en"]]:
            if n and n not in names:
                names.append(n)
        lines = [
            f"# {e['names_zh'][0] if e['names_zh'] else e['name_en']}",
            "# Imported once from sdk-kb.json; this file is now the source of truth (lint: appaudit rules lint).",
            f"id = {q(sid)}",
            f"name_en = {q(e['name_en'])}",
            f"names = [{', '.join(q(n) for n in names)}]",
            f"vendor_zh = {q(e['vendor_zh'])}",
            f"vendor_en = {q(e['vendor_en'])}",
            f"category = {q(CATEGORY.get(e['category'], e['category']))}",
        ]
        url = privacy_url(e)
        if url:
            lines.append(f"privacy_url = {q(url)}")
        if e.get("shared_with"):
            lines.append(f"shared_with = [{', '.join(q(s) for s in e['shared_with'])}]")
        bb = [h for h in BUNDLED_BY.get(sid, []) if h in ids]
        if bb:
            lines.append(f"bundled_by = [{', '.join(q(s) for s in bb)}]")
        if sid in ARTIFACTS:
            lines.append(f"artifacts = [{', '.join(q(s) for s in ARTIFACTS[sid])}]")
        if e.get("notes"):
            lines.append(f"notes = {q(e['notes'])}")
        if e.get("network_signatures"):
            lines.append(f"network = [{', '.join(lit(s) for s in e['network_signatures'])}]")
        lines.append("\n[data_types]")
        lines.append(f"confidence = {q(e['typical_data_confidence'])}")
        lines.append("items = [")
        for t in e["typical_data"]:
            lines.append(f"  {q(t)},")
        lines.append("]")
        if e.get("typical_data_source"):
            lines.append(f"source = {q(e['typical_data_source'])}")
        if e.get("sources"):
            lines.append("sources = [")
            for s in e["sources"]:
                lines.append(f"  {q(s)},")
            lines.append("]")
        for c in e["class_prefixes"]:
            if not keep(c["value"]):
                continue
            c = base(c, "value")
            if c.get("match") == "prefix" and c["value"].endswith("."):
                c = {**c, "value": c["value"].rstrip(".")}
            if c.get("match") == "prefix":
                c = {k: v for k, v in c.items() if k != "match"}
            lines += sig_lines("class_prefixes", [("value", "q"), ("match", "q"), ("confidence", "q"),
                                                  ("base", "q"), ("bundled_in", "q"), ("source", "q")], c)
        for n in e["native_libs"]:
            lines += sig_lines("native_libs", [("regex", "lit"), ("confidence", "q"), ("base", "q"),
                                               ("bundled_in", "q"), ("note", "q"), ("source", "q")], n)
        for m in e["manifest"]:
            m = base(m, "name")
            lines += sig_lines("manifest", [("kind", "q"), ("name", "lit" if "regex" in m["kind"] else "q"),
                                            ("confidence", "q"), ("base", "q"), ("source", "q")], m)
        for a in e["assets"]:
            a = {"regex": a["path"], **{k: v for k, v in a.items() if k != "path"}}
            lines += sig_lines("assets", [("regex", "lit"), ("confidence", "q"), ("source", "q")], a)
        for s in e.get("dex_strings", []):
            lines += sig_lines("dex_strings", [("value", "q"), ("confidence", "q"), ("source", "q")], s)
        (out / f"{sid}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        written += 1
    print(f"wrote {written} files to {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
