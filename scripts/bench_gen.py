#!/usr/bin/env python3
"""Generates apktool-style sources of a large synthetic app for scripts/bench.

    bench_gen.py OUT_DIR [--classes N] [--dex K] [--seed S]

OUT_DIR gets AndroidManifest.xml, apktool.yml, res/values/strings.xml and smali/,
smali_classes2/ .. smali_classes<K>/, with N classes spread evenly over the K DEX files.
Deterministic for given arguments. The mix: classes under a dozen real SDK package prefixes and
the app's own package, half of them with obfuscated names; each class has a field, a
constructor, a static helper and an instance method of a few instructions (a field read, a
const-string, framework calls, a call to a neighbour class in the same DEX); about 1 class in
100 also calls a sensitive API, reads a sensitive field or loads a sensitive content URI. The
Application class `BigApp` makes the first 50 classes of the first DEX at start and runs them.
Each DEX stays under the 65,536 method-id limit (3 methods a class, 20,000 classes a DEX).
"""
import argparse
import os
import random

PREFIXES = [  # (package prefix, weight)
    ("com/example/bigapp", 25),
    ("androidx/core", 8),
    ("androidx/appcompat/widget", 7),
    ("kotlin/collections", 5),
    ("kotlinx/coroutines/internal", 5),
    ("com/google/android/gms/internal", 10),
    ("okhttp3/internal", 4),
    ("okio", 1),
    ("com/tencent/mm/opensdk/modelmsg", 4),
    ("com/tencent/bugly/crashreport", 3),
    ("com/umeng/analytics/pro", 5),
    ("cn/jpush/android/service", 4),
    ("com/amap/api/location", 4),
    ("com/facebook/internal", 5),
    ("com/bytedance/sdk/openadsdk", 5),
    ("io/reactivex/internal/operators", 5),
]

SENSITIVE = [
    # (registers needed beyond v0..v3 are not used; each snippet only uses v3 and v4)
    "    const/4 v3, 0x0\n"
    "    invoke-virtual {v3}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;\n"
    "    move-result-object v3\n",
    "    const/4 v3, 0x0\n"
    "    invoke-virtual {v3}, Landroid/net/wifi/WifiInfo;->getMacAddress()Ljava/lang/String;\n"
    "    move-result-object v3\n",
    "    const/4 v3, 0x0\n"
    "    const-string v4, \"android_id\"\n"
    "    invoke-static {v3, v4}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;\n"
    "    move-result-object v3\n",
    "    sget-object v3, Landroid/provider/ContactsContract$Contacts;->CONTENT_URI:Landroid/net/Uri;\n",
    "    const-string v3, \"content://sms/inbox\"\n"
    "    invoke-static {v3}, Landroid/net/Uri;->parse(Ljava/lang/String;)Landroid/net/Uri;\n"
    "    move-result-object v3\n",
    "    const/4 v3, 0x0\n"
    "    const-string v4, \"gps\"\n"
    "    invoke-virtual {v3, v4}, Landroid/location/LocationManager;->getLastKnownLocation(Ljava/lang/String;)Landroid/location/Location;\n"
    "    move-result-object v3\n",
    "    const/4 v3, 0x0\n"
    "    invoke-virtual {v3}, Landroid/telephony/TelephonyManager;->getSubscriberId()Ljava/lang/String;\n"
    "    move-result-object v3\n",
]

FRAMEWORK = [
    "    invoke-static {v1}, Landroid/text/TextUtils;->isEmpty(Ljava/lang/CharSequence;)Z\n"
    "    move-result v2\n",
    "    invoke-static {v1, v1}, Landroid/util/Log;->d(Ljava/lang/String;Ljava/lang/String;)I\n"
    "    move-result v2\n",
    "    invoke-virtual {v1}, Ljava/lang/String;->length()I\n"
    "    move-result v2\n",
    "    new-instance v2, Ljava/lang/StringBuilder;\n"
    "    invoke-direct {v2}, Ljava/lang/StringBuilder;-><init>()V\n"
    "    invoke-virtual {v2, v1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;\n"
    "    invoke-virtual {v2}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;\n"
    "    move-result-object v1\n"
    "    const/4 v2, 0x1\n",
    "    invoke-static {v0}, Ljava/lang/Integer;->valueOf(I)Ljava/lang/Integer;\n"
    "    move-result-object v2\n"
    "    invoke-virtual {v2}, Ljava/lang/Object;->hashCode()I\n"
    "    move-result v2\n",
]


def obfuscated(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(ord("a") + r) + s
    return s


NOUNS = ["Manager", "Helper", "Util", "Client", "Config", "Handler", "Service", "Cache",
         "Request", "Response", "Parser", "Factory", "Adapter", "Holder", "Task", "Impl"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--classes", type=int, default=100_000)
    ap.add_argument("--dex", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    per_dex = -(-a.classes // a.dex)
    if per_dex > 21_000:
        raise SystemExit("bench_gen: more than 21,000 classes per DEX would pass 65,536 methods")
    weights = [w for _, w in PREFIXES]
    os.makedirs(os.path.join(a.out, "res", "values"), exist_ok=True)
    made = 0
    sensitive = 0
    for d in range(a.dex):
        n = min(per_dex, a.classes - made)
        if n <= 0:
            break
        smali_dir = os.path.join(a.out, "smali" if d == 0 else f"smali_classes{d + 1}")
        # Class descriptors for this DEX first, so each class can call a neighbour in it.
        names = []
        pkg_fill = {}
        for k in range(n):
            prefix = rng.choices(PREFIXES, weights)[0][0]
            # About 60 classes a package, like real code.
            sub = pkg_fill.setdefault((prefix, d), [0, 0])
            if sub[1] >= 60:
                sub[0] += 1
                sub[1] = 0
            # The DEX number in the package keeps names unique across the DEX files.
            pkg = f"{prefix}/p{d}x{sub[0]}"
            if rng.random() < 0.5:
                simple = obfuscated(sub[1])
            else:
                simple = f"{rng.choice(NOUNS)}{sub[1]}"
                if rng.random() < 0.2:
                    simple = f"{obfuscated(sub[1] % 7).upper()}{simple}$Inner{k % 3}"
            sub[1] += 1
            names.append(f"L{pkg}/{simple};")
        if d == 0:
            names[0] = "Lcom/example/bigapp/MainActivity;"
        for k, desc in enumerate(names):
            neighbour = names[(k * 7919 + 1) % n]
            tag = f"tag_{rng.randrange(3000)}"
            body = [FRAMEWORK[rng.randrange(len(FRAMEWORK))] for _ in range(rng.randint(1, 3))]
            if rng.random() < 0.01:
                body.append(SENSITIVE[rng.randrange(len(SENSITIVE))])
                sensitive += 1
            jumbo = "/jumbo" if rng.random() < 0.1 else ""
            sup = "Landroid/app/Activity;" if k == 0 and d == 0 else "Ljava/lang/Object;"
            text = (
                f".class public {desc}\n.super {sup}\n\n"
                f".field private f0:I\n\n"
                f".method public constructor <init>()V\n    .registers 1\n"
                f"    invoke-direct {{p0}}, {sup}-><init>()V\n    return-void\n.end method\n\n"
                f".method public static helper(I)I\n    .registers 2\n"
                f"    mul-int/lit8 v0, p0, 0x1f\n    add-int/lit8 v0, v0, {k % 100}\n"
                f"    return v0\n.end method\n\n"
                f".method public run(I)I\n    .registers 7\n"
                f"    iget v0, p0, {desc}->f0:I\n    add-int/2addr v0, p1\n"
                f"    const-string{jumbo} v1, \"{tag}\"\n"
                + "".join(body)
                + "    if-eqz v2, :skip\n"
                f"    invoke-static {{v0}}, {neighbour}->helper(I)I\n    move-result v0\n"
                f"    :skip\n    iput v0, p0, {desc}->f0:I\n    return v0\n.end method\n"
            )
            path = os.path.join(smali_dir, desc[1:-1] + ".smali")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        if d == 0:
            write_application(smali_dir, names[1:1 + APP_STARTS])
        made += n
    with open(os.path.join(a.out, "AndroidManifest.xml"), "w") as f:
        f.write(MANIFEST)
    with open(os.path.join(a.out, "apktool.yml"), "w") as f:
        f.write(APKTOOL_YML)
    with open(os.path.join(a.out, "res", "values", "strings.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<resources>\n'
                '    <string name="app_name">Big</string>\n</resources>\n')
    print(f"bench_gen: {made} classes over {a.dex} DEX files, {sensitive} with a sensitive access")


# Classes of the first DEX that the Application class makes and runs at start, so that the
# consent search has a real start to follow on the big app (issue #19's budget).
APP_STARTS = 50


def write_application(smali_dir, starts):
    """The app's Application class: onCreate makes the first classes of the DEX and calls their
    run(I)I (each calls a neighbour's helper)."""
    calls = "".join(
        f"    new-instance v0, {c}\n"
        f"    invoke-direct {{v0}}, {c}-><init>()V\n"
        f"    invoke-virtual {{v0, v1}}, {c}->run(I)I\n"
        for c in starts
    )
    text = (
        ".class public Lcom/example/bigapp/BigApp;\n.super Landroid/app/Application;\n\n"
        ".method public constructor <init>()V\n    .registers 1\n"
        "    invoke-direct {p0}, Landroid/app/Application;-><init>()V\n    return-void\n"
        ".end method\n\n"
        ".method public onCreate()V\n    .registers 2\n"
        "    invoke-super {p0}, Landroid/app/Application;->onCreate()V\n"
        "    const/4 v1, 0x1\n" + calls + "    return-void\n.end method\n"
    )
    path = os.path.join(smali_dir, "com/example/bigapp/BigApp.smali")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


MANIFEST = """<?xml version="1.0" encoding="utf-8" standalone="no"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.bigapp" android:versionCode="1" android:versionName="1.0">
    <uses-sdk android:minSdkVersion="21" android:targetSdkVersion="30"/>
    <uses-permission android:name="android.permission.INTERNET"/>
    <uses-permission android:name="android.permission.ACCESS_NETWORK_STATE"/>
    <uses-permission android:name="android.permission.READ_PHONE_STATE"/>
    <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION"/>
    <uses-permission android:name="android.permission.READ_CONTACTS"/>
    <uses-permission android:name="android.permission.READ_SMS"/>
    <uses-permission android:name="android.permission.ACCESS_WIFI_STATE"/>
    <application android:name="com.example.bigapp.BigApp" android:label="@string/app_name" android:allowBackup="false">
        <activity android:name="com.example.bigapp.MainActivity" android:exported="true">
            <intent-filter>
                <action android:name="android.intent.action.MAIN"/>
                <category android:name="android.intent.category.LAUNCHER"/>
            </intent-filter>
        </activity>
        <service android:name="cn.jpush.android.service.PushService" android:exported="false"/>
        <meta-data android:name="UMENG_APPKEY" android:value="5f0000000000000000000000"/>
    </application>
</manifest>
"""

APKTOOL_YML = """!!brut.androlib.meta.MetaInfo
apkFileName: big.apk
compressionType: false
doNotCompress:
- arsc
isFrameworkApk: false
packageInfo:
  forcedPackageId: '127'
  renameManifestPackage: null
sdkInfo:
  minSdkVersion: '21'
  targetSdkVersion: '30'
sharedLibrary: false
sparseResources: false
unknownFiles: {}
usesFramework:
  ids:
  - 1
  tag: null
version: 2.7.0
versionInfo:
  versionCode: '1'
  versionName: '1.0'
"""

if __name__ == "__main__":
    main()
