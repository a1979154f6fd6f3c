//! Cross-check against DEX files written by a real assembler: Debian's `smali` (the same tool
//! that builds the fixtures). Skipped, with a note, where smali is not installed.

use appaudit::apk::dex::{class_refs, invoked_methods, parse_dex, DexOptions};
use std::path::Path;
use std::process::Command;

const A: &str = r#".class public Lcom/example/A;
.super Ljava/lang/Object;

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public run(Landroid/telephony/TelephonyManager;I)Ljava/lang/String;
    .registers 12
    invoke-virtual {p1}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;
    move-result-object v0
    const-string v1, "content://sms"
    const-string/jumbo v2, "jumbo \u00e9"
    const-wide v3, 0x123456789abcdefL
    packed-switch p2, :pswitch
    sparse-switch p2, :sswitch
    const/4 v5, 3
    new-array v5, v5, [I
    fill-array-data v5, :array
    invoke-static/range {v0 .. v4}, Lcom/example/B;->m(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;J)V
    invoke-interface {v0}, Ljava/lang/CharSequence;->length()I
    :ret
    return-object v0
    :pswitch
    .packed-switch 0x1
        :ret
        :ret
    .end packed-switch
    :sswitch
    .sparse-switch
        0x5 -> :ret
        0x50 -> :ret
    .end sparse-switch
    :array
    .array-data 4
        0x6e 0x70 0x71
    .end array-data
.end method

.method static poly(Ljava/lang/invoke/MethodHandle;)V
    .registers 3
    invoke-polymorphic {p0, p0}, Ljava/lang/invoke/MethodHandle;->invoke([Ljava/lang/Object;)Ljava/lang/Object;, (Ljava/lang/Object;)V
    return-void
.end method
"#;

const B: &str = r#".class public Lcom/example/B$Inner;
.super Ljava/lang/Object;
.method static m(Landroid/net/wifi/WifiInfo;)V
    .registers 2
    invoke-virtual {p0}, Landroid/net/wifi/WifiInfo;->getMacAddress()Ljava/lang/String;
    invoke-super {p0}, Ljava/lang/Object;->hashCode()I
    return-void
.end method
"#;

#[test]
fn smali_output_parses_as_dexdump_reads_it() {
    if !Path::new("/usr/bin/smali").exists() {
        eprintln!("skipped: /usr/bin/smali is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("A.smali"), A).unwrap();
    std::fs::write(dir.path().join("B.smali"), B).unwrap();
    let out = dir.path().join("classes.dex");
    let status = Command::new("/usr/bin/smali")
        .args(["a", "--api", "26", "-o"])
        .arg(&out)
        .arg(dir.path().join("A.smali"))
        .arg(dir.path().join("B.smali"))
        .status()
        .unwrap();
    assert!(status.success());
    let data = std::fs::read(&out).unwrap();
    let opts = DexOptions {
        verify_checksum: true,
        strict: true,
        ..DexOptions::default()
    };
    let s = parse_dex("classes.dex", &data, &opts).unwrap();
    assert!(s.anomalies.is_empty(), "{:?}", s.anomalies);
    assert!((35..=41).contains(&s.version));
    assert_eq!(s.classes, ["com.example.A", "com.example.B$Inner"]);
    let calls: Vec<(&str, &str, &str)> = s
        .api_calls
        .iter()
        .map(|c| (c.caller.as_str(), c.api.as_str(), c.data_type.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            (
                "com.example.A",
                "Landroid/telephony/TelephonyManager;->getDeviceId",
                "imei"
            ),
            (
                "com.example.B$Inner",
                "Landroid/net/wifi/WifiInfo;->getMacAddress",
                "wifi_mac"
            ),
        ]
    );
    // Direct methods (<init>, poly) come before virtual ones (run), as dexdump lists them.
    assert_eq!(
        invoked_methods(&data, "com.example.A").unwrap(),
        [
            "Ljava/lang/Object;-><init>()V",
            "Ljava/lang/invoke/MethodHandle;->invoke([Ljava/lang/Object;)Ljava/lang/Object;",
            "Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;",
            "Lcom/example/B;->m(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;J)V",
            "Ljava/lang/CharSequence;->length()I",
        ]
    );
    let refs = class_refs(&data, "Lcom/example/A;").unwrap().unwrap();
    assert_eq!(refs.strings, ["content://sms", "jumbo \u{e9}"]);
    assert_eq!(
        invoked_methods(&data, "com.example.B$Inner").unwrap(),
        [
            "Landroid/net/wifi/WifiInfo;->getMacAddress()Ljava/lang/String;",
            "Ljava/lang/Object;->hashCode()I",
        ]
    );
}
