//! Collection before consent (issue #19) on the consent fixtures: the exact findings and call
//! paths of consent-bad, consent-mixed and consent-dispatch, none on consent-ok; the JSON's
//! typed paths.

mod common;

use appaudit::apk::archive::Limits;
use appaudit::consent::{ConsentResult, Target, Via};
use appaudit::engine;
use common::root;
use serde_json::Value;
use std::process::Command;

fn consent_of(apk: &str) -> ConsentResult {
    let catalog = engine::load_catalog(None).expect("rules");
    engine::analyze(&root().join(apk), Limits::default(), catalog)
        .expect("analyze")
        .consent
}

/// Every path as (target, entry kind, [(method, via)...], call).
type Row = (String, String, Vec<(String, Via)>, String);

fn rows(r: &ConsentResult) -> Vec<Row> {
    let mut v: Vec<Row> = r
        .paths
        .iter()
        .map(|p| {
            let target = match &p.target {
                Target::SdkInit { sdk } => format!("init:{sdk}"),
                Target::Data { data_type } => format!("data:{data_type}"),
            };
            let steps = p.steps.iter().map(|s| (s.method.clone(), s.via)).collect();
            (target, p.entry_kind.clone(), steps, p.call.clone())
        })
        .collect();
    v.sort();
    v
}

fn step(m: &str, via: Via) -> (String, Via) {
    (m.to_string(), via)
}

/// A path from the Application class: the entry's method first, then `(method, via)` steps.
fn from_app(target: &str, entry: &str, steps: &[(&str, Via)], call: &str) -> Row {
    let mut v = vec![step(entry, Via::Entry)];
    v.extend(steps.iter().map(|&(m, via)| step(m, via)));
    (target.into(), "application".into(), v, call.into())
}

const BAD_ON_CREATE: &str = "Lcom/example/consentbad/BadApp;->onCreate()V";
const UMENG_INIT: &str = "Lcom/umeng/commonsdk/UMConfigure;->init(Landroid/content/Context;Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;)V";
const JPUSH_INIT: &str = "Lcn/jpush/android/api/JPushInterface;->init(Landroid/content/Context;)V";
const ANDROID_ID: &str = "Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;";

#[test]
fn consent_bad_reports_every_init_and_read_with_its_path() {
    let r = consent_of("fixtures/consent-bad.apk");
    assert!(r.ran && r.incomplete.is_empty(), "{:?}", r.incomplete);
    assert!(r.paths.iter().all(|p| p.decided && p.dex == "classes.dex"));
    let expected: Vec<Row> = vec![
        (
            "data:android_id".into(),
            "application".into(),
            vec![step(BAD_ON_CREATE, Via::Entry)],
            ANDROID_ID.into(),
        ),
        (
            "data:imei".into(),
            "application".into(),
            vec![
                step(BAD_ON_CREATE, Via::Entry),
                step("Lcom/example/consentbad/BadApp;->collect()V", Via::Call),
                step(
                    "Lcom/example/consentbad/DeviceInfo;->imei(Landroid/content/Context;)Ljava/lang/String;",
                    Via::Call,
                ),
            ],
            "Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;".into(),
        ),
        (
            "data:wifi_mac".into(),
            "provider".into(),
            vec![
                step("Lcom/example/consentbad/StartupProvider;->onCreate()Z", Via::Entry),
                step("Lcom/example/consentbad/StartupProvider$1;->run()V", Via::HandOff),
            ],
            "Landroid/net/wifi/WifiInfo;->getMacAddress()Ljava/lang/String;".into(),
        ),
        (
            "init:jpush".into(),
            "application".into(),
            vec![step(BAD_ON_CREATE, Via::Entry)],
            JPUSH_INIT.into(),
        ),
        (
            "init:umeng_analytics".into(),
            "application".into(),
            vec![step(BAD_ON_CREATE, Via::Entry)],
            UMENG_INIT.into(),
        ),
    ];
    assert_eq!(rows(&r), expected);
    let providers: Vec<(&str, &str)> = r
        .providers
        .iter()
        .map(|p| (p.sdk.as_str(), p.provider.as_str()))
        .collect();
    assert_eq!(
        providers,
        [(
            "firebase_analytics",
            "com.google.firebase.provider.FirebaseInitProvider"
        )]
    );
}

#[test]
fn consent_ok_guards_everything_and_reports_nothing() {
    let r = consent_of("fixtures/consent-ok.apk");
    assert!(r.ran);
    // The entries are read (Application and provider), and something was reached.
    assert!(r.entries >= 3 && r.methods_reached >= 3, "{r:?}");
    assert_eq!(rows(&r), Vec::<Row>::new());
    // Firebase's provider is declared, and switched off by the documented meta-data.
    let switched: Vec<(&str, Option<&str>)> = r
        .providers
        .iter()
        .map(|p| (p.provider.as_str(), p.switched_off.as_deref()))
        .collect();
    assert_eq!(
        switched,
        vec![(
            "com.google.firebase.provider.FirebaseInitProvider",
            Some("firebase_analytics_collection_enabled=false")
        )]
    );
}

#[test]
fn consent_mixed_reports_the_unguarded_sdk_and_the_static_initialiser() {
    let r = consent_of("fixtures/consent-mixed.apk");
    let on_create = "Lcom/example/consentmixed/MixedApp;->onCreate()V";
    let expected: Vec<Row> = vec![
        from_app(
            "data:android_id",
            on_create,
            &[(
                "Lcom/example/consentmixed/Ids;-><clinit>()V",
                Via::StaticInit,
            )],
            ANDROID_ID,
        ),
        from_app("init:jpush", on_create, &[], JPUSH_INIT),
    ];
    assert_eq!(rows(&r), expected);
}

#[test]
fn consent_dispatch_follows_only_instantiated_classes_and_searches_a_declining_helper() {
    let r = consent_of("fixtures/consent-dispatch.apk");
    let on_create = "Lcom/example/consentdispatch/DispatchApp;->onCreate()V";
    let expected: Vec<Row> = vec![
        // Privacy.declineFirst passes the constant false to AMap's privacy-agree API: no
        // consent callback, so its Android ID read is found.
        from_app(
            "data:android_id",
            on_create,
            &[(
                "Lcom/example/consentdispatch/Privacy;->declineFirst(Landroid/content/Context;)V",
                Via::Call,
            )],
            ANDROID_ID,
        ),
        // The listener is made by Registry.register, reached after Starter.start made the
        // interface call: the call waits for the instance, then runs MacListener.onEvent.
        from_app(
            "data:wifi_mac",
            on_create,
            &[
                (
                    "Lcom/example/consentdispatch/Starter;->start(Landroid/content/Context;)V",
                    Via::Call,
                ),
                (
                    "Lcom/example/consentdispatch/MacListener;->onEvent(Landroid/content/Context;)V",
                    Via::Call,
                ),
            ],
            "Landroid/net/wifi/WifiInfo;->getMacAddress()Ljava/lang/String;",
        ),
    ];
    // No IMEI: Runner.collect's interface call may only run QuietCollector.collect, the one
    // collector made before consent (DeviceCollector is made by MainActivity).
    assert_eq!(rows(&r), expected);
    assert!(r.incomplete.is_empty(), "{:?}", r.incomplete);
}

#[test]
fn the_json_report_types_the_paths() {
    let out = Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .current_dir(root())
        .args([
            "audit",
            "fixtures/consent-mixed.apk",
            "--policy",
            "fixtures/clean/policy.txt",
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = v["findings"].as_array().expect("findings");
    let consent: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| {
            f["rule"]
                .as_str()
                .is_some_and(|r| r.ends_with("-before-consent") || r == "sdk-auto-init-provider")
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or(""),
                f["subject"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        consent,
        [
            ("data-before-consent", "android_id"),
            ("sdk-init-before-consent", "jpush")
        ]
    );
    let init = findings
        .iter()
        .find(|f| f["rule"] == "sdk-init-before-consent")
        .expect("init finding");
    let item = &init["evidence_items"][0];
    assert_eq!(item["kind"], "call-path");
    assert_eq!(item["entry"], "application");
    assert_eq!(item["call"], JPUSH_INIT);
    assert_eq!(
        item["steps"][0]["method"],
        "Lcom/example/consentmixed/MixedApp;->onCreate()V"
    );
    assert_eq!(item["steps"][0]["via"], "entry");
    assert_eq!(item["decided"], true);
    assert_eq!(init["locations"][0]["entry"], "classes.dex");
    assert!(init["message"]
        .as_str()
        .is_some_and(|m| m.contains("confirm on a device")));
    assert_eq!(v["consent"]["incomplete"], Value::Array(vec![]));
}

#[test]
fn the_loader_checks_consent_tables_with_file_and_line() {
    use appaudit::rules::sdks::SdkCatalog;
    let src = r#"id = "x"
name_en = "X"
category = "push"

[[class_prefixes]]
value = "com.x"
confidence = "high"

[[consent]]
kind = "init"
target = "com.x.Sdk.init"
source = "https://x.example/compliance"

[[consent]]
kind = "start"
target = "com.x.Sdk.start"
source = "https://x.example/compliance"

[[consent]]
kind = "privacy-api"
target = "agree"
source = ""

[[consent]]
kind = "init"
target = "com.x.Sdk.go"
source = "https://x.example/compliance"
off_when = ["x_enabled=false"]

[[consent]]
kind = "auto-init-provider"
target = "com.x.InitProvider"
source = "https://x.example/compliance"
off_when = ["x_enabled"]
"#;
    let Err(errs) = SdkCatalog::from_sources(&[("x.toml".to_string(), src.to_string())]) else {
        panic!("the bad consent tables were accepted");
    };
    let lines: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(lines[0].starts_with("x.toml:15:") && lines[0].contains("unknown consent kind"));
    assert!(
        lines[1].starts_with("x.toml:21:") && lines[1].contains("must name a class and method")
    );
    assert!(lines[2].starts_with("x.toml:21:") && lines[2].contains("needs a source"));
    assert!(
        lines[3].starts_with("x.toml:26:") && lines[3].contains("auto-init-provider entries only")
    );
    assert!(lines[4].starts_with("x.toml:32:") && lines[4].contains("name=value"));
    let ok = SdkCatalog::from_sources(&[(
        "x.toml".to_string(),
        src.split("[[consent]]\nkind = \"start\"")
            .next()
            .unwrap_or("")
            .to_string(),
    )])
    .expect("valid");
    let rule = ok.get("x").expect("x");
    assert_eq!(rule.consent.len(), 1);
    assert_eq!(rule.consent[0].target, "com.x.Sdk.init");
}

#[test]
fn the_knowledge_base_covers_the_common_sdks() {
    use appaudit::rules::sdks::consent::ConsentKind;
    let catalog = engine::load_catalog(None).expect("rules");
    let with: Vec<&str> = catalog
        .iter()
        .filter(|r| !r.consent.is_empty())
        .map(|r| r.id.as_str())
        .collect();
    assert!(with.len() >= 38, "{} SDKs: {with:?}", with.len());
    for id in [
        "umeng_analytics",
        "jpush",
        "amap",
        "baidu_map",
        "getui_push",
        "tencent_bugly",
    ] {
        assert!(with.contains(&id), "{id}");
    }
    let umeng = catalog.get("umeng_analytics").expect("umeng");
    assert!(umeng
        .consent
        .iter()
        .any(|c| c.kind == ConsentKind::PreInit && c.target.ends_with("UMConfigure.preInit")));
    assert!(catalog
        .iter()
        .flat_map(|r| &r.consent)
        .all(|c| c.source.starts_with("https://")));
}
