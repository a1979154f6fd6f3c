//! Detection on hand-built apps: exact detection sets, no false positives on look-alikes, the
//! traps of sdk-kb-notes.md (WeChat variants, bundled copies, vendor base packages, packers).

use appaudit::apk::manifest::{
    Application, Component, ComponentKind, IntentFilter, Manifest, MetaData, UsesPermission,
};
use appaudit::apk::{ApiCall, App, DexSummary, NativeLib};
use appaudit::detect::{attribute, detect, string_needles, Attribution, Confidence, Detections};
use appaudit::rules::sdks::SdkCatalog;

fn catalog() -> &'static SdkCatalog {
    SdkCatalog::builtin().unwrap_or_else(|d| panic!("{d:#?}"))
}

#[derive(Default)]
struct Builder {
    classes: Vec<String>,
    secondary: Vec<String>,
    libs: Vec<&'static str>,
    entries: Vec<&'static str>,
    components: Vec<Component>,
    meta: Vec<&'static str>,
    app_name: Option<&'static str>,
    perms: Vec<String>,
    strings: Vec<String>,
    versions: Vec<(String, String)>,
    string_resources: Vec<String>,
}

fn comp(kind: ComponentKind, name: &str) -> Component {
    Component {
        kind,
        name: name.to_string(),
        target: None,
        exported: false,
        exported_explicit: false,
        permission: None,
        authorities: None,
        enabled: true,
        intent_filters: Vec::new(),
        meta_data: Vec::new(),
    }
}

impl Builder {
    fn classes(mut self, c: &[&str]) -> Self {
        self.classes.extend(c.iter().map(|s| s.to_string()));
        self
    }
    fn secondary(mut self, c: &[&str]) -> Self {
        self.secondary.extend(c.iter().map(|s| s.to_string()));
        self
    }
    fn libs(mut self, l: &[&'static str]) -> Self {
        self.libs.extend(l);
        self
    }
    fn version_file(mut self, name: &str, version: &str) -> Self {
        self.versions.push((name.to_string(), version.to_string()));
        self
    }

    fn entries(mut self, e: &[&'static str]) -> Self {
        self.entries.extend(e);
        self
    }
    fn activity(mut self, name: &str) -> Self {
        self.components.push(comp(ComponentKind::Activity, name));
        self
    }
    fn component(mut self, c: Component) -> Self {
        self.components.push(c);
        self
    }
    fn meta(mut self, m: &[&'static str]) -> Self {
        self.meta.extend(m);
        self
    }
    fn app_name(mut self, n: &'static str) -> Self {
        self.app_name = Some(n);
        self
    }
    fn perm(mut self, p: &str) -> Self {
        self.perms.push(p.to_string());
        self
    }
    fn string_resources(mut self, names: &[&str]) -> Self {
        self.string_resources
            .extend(names.iter().map(|s| s.to_string()));
        self.string_resources.sort();
        self.string_resources.dedup();
        self
    }
    fn strings(mut self, s: &[&str]) -> Self {
        self.strings.extend(s.iter().map(|s| s.to_string()));
        self
    }
    fn build(self) -> App {
        let mut dex = vec![DexSummary {
            name: "classes.dex".into(),
            version: 35,
            classes: self.classes,
            strings_found: self.strings,
            ..Default::default()
        }];
        if !self.secondary.is_empty() {
            dex.push(DexSummary {
                name: "assets/plugin.jar!classes.dex".into(),
                version: 35,
                secondary: true,
                classes: self.secondary,
                ..Default::default()
            });
        }
        let native_libs = self
            .libs
            .iter()
            .map(|p| NativeLib {
                path: p.to_string(),
                abi: "arm64-v8a".into(),
                ..Default::default()
            })
            .collect();
        let mut entries: Vec<String> = vec!["AndroidManifest.xml".into(), "classes.dex".into()];
        entries.extend(self.libs.iter().map(|s| s.to_string()));
        entries.extend(self.entries.iter().map(|s| s.to_string()));
        App {
            path: "test.apk".into(),
            sha256: String::new(),
            size: 0,
            manifest: Manifest {
                package: "com.example.app".into(),
                application: Application {
                    name: self.app_name.map(str::to_string),
                    ..Default::default()
                },
                components: self.components,
                meta_data: self
                    .meta
                    .iter()
                    .map(|m| {
                        // `KEY=value` sets the value; a bare key gets "x".
                        let (name, value) = m.split_once('=').unwrap_or((m, "x"));
                        MetaData {
                            name: name.to_string(),
                            value: Some(value.into()),
                            resource: None,
                        }
                    })
                    .collect(),
                uses_permissions: self
                    .perms
                    .into_iter()
                    .map(|name| UsesPermission {
                        name,
                        max_sdk: None,
                        sdk23: false,
                    })
                    .collect(),
                ..Default::default()
            },
            dex,
            native_libs,
            entries,
            version_files: self.versions,
            string_resources: self.string_resources,
            anomalies: Vec::new(),
        }
    }
}

fn app() -> Builder {
    Builder::default()
}

fn ids(d: &Detections) -> Vec<&str> {
    d.sdks.iter().map(|d| d.id.as_str()).collect()
}

fn hint_ids(d: &Detections) -> Vec<&str> {
    d.hints.iter().map(|d| d.id.as_str()).collect()
}

#[test]
fn look_alike_app_has_no_false_detection() {
    let a = app()
        .classes(&[
            "com.example.app.MainActivity",
            "com.example.app.jpush.Helper",
            "com.example.app.umeng.Stats",
            "com.mobvista.msdk.out.MBridgeSDK",
            "com.mobile.util.Tools",
            "com.umengx.analytics.Foo",
            "com.locus.Map",
            "cn.jpushx.Thing",
            "com.tencent.buglyx.Crash",
        ])
        .build();
    let d = detect(&a, catalog());
    let got = ids(&d);
    // com.mobvista is Mintegral's own package: the only acceptable detection.
    assert!(
        got.iter()
            .all(|id| id.contains("mintegral") || id.contains("mobvista")),
        "{got:?}"
    );
    for bad in [
        "sharesdk",
        "mob_push",
        "jpush",
        "umeng_analytics",
        "tencent_bugly",
        "amap",
    ] {
        assert!(!got.contains(&bad), "{bad} in {got:?}");
        assert!(
            !hint_ids(&d).contains(&bad),
            "{bad} hinted: {:?}",
            hint_ids(&d)
        );
    }
    assert_eq!(d.packer, None);
}

#[test]
fn plain_app_detects_nothing() {
    let a = app()
        .classes(&[
            "com.example.app.MainActivity",
            "androidx.core.app.ActivityCompat",
        ])
        .string_resources(&["title_activity_main", "app_name"])
        .build();
    assert_eq!(a.string_resources, ["app_name", "title_activity_main"]);
    let d = detect(&a, catalog());
    assert!(d.sdks.is_empty(), "{:?}", ids(&d));
    assert!(d.hints.is_empty(), "{:?}", hint_ids(&d));
}

#[test]
fn jpush_with_its_own_package_is_reported_high() {
    let a = app()
        .classes(&[
            "cn.jiguang.api.JCoreInterface",
            "cn.jpush.android.api.JPushInterface",
            "cn.jpush.android.service.PushService",
        ])
        .libs(&["lib/arm64-v8a/libjcore300.so"])
        .meta(&["JPUSH_APPKEY"])
        .perm("com.example.app.permission.JPUSH_MESSAGE")
        .build();
    let d = detect(&a, catalog());
    assert_eq!(ids(&d), vec!["jpush"]);
    let j = &d.sdks[0];
    assert_eq!(j.confidence, Confidence::High);
    let sources: Vec<&str> = j.evidence.iter().map(|e| e.source.as_str()).collect();
    for s in [
        "dex-class",
        "native-lib",
        "manifest-meta-data",
        "manifest-permission",
    ] {
        assert!(sources.contains(&s), "{s} missing from {sources:?}");
    }
    let jpush_classes = j
        .evidence
        .iter()
        .find(|e| e.value == "cn.jpush.android")
        .map(|e| e.count);
    assert_eq!(jpush_classes, Some(2));
    // The JCore base package only corroborates.
    let base = j.evidence.iter().find(|e| e.value == "cn.jiguang");
    assert_eq!(base.map(|e| e.confidence), Some(Confidence::Weak));
}

#[test]
fn cn_jiguang_alone_is_only_a_hint() {
    let a = app()
        .classes(&[
            "cn.jiguang.api.JCoreInterface",
            "cn.jiguang.internal.JConstants",
        ])
        .build();
    let d = detect(&a, catalog());
    assert!(d.sdks.is_empty(), "{:?}", ids(&d));
    assert_eq!(hint_ids(&d), vec!["jpush"]);
    assert_eq!(d.hints[0].confidence, Confidence::Weak);
}

#[test]
fn vendor_base_packages_alone_are_hints() {
    let a = app()
        .classes(&[
            "com.umeng.commonsdk.UMConfigure",
            "com.mob.tools.utils.Data",
            "com.getui.gtc.GtcManager",
            "com.huawei.hms.api.HuaweiApiClient",
        ])
        .meta(&["com.huawei.hms.client.appid", "Mob-AppKey"])
        .build();
    let d = detect(&a, catalog());
    assert!(d.sdks.is_empty(), "{:?}", ids(&d));
}

#[test]
fn wechat_pay_and_share_are_told_apart_by_activities() {
    let opensdk = [
        "com.tencent.mm.opensdk.openapi.WXAPIFactory",
        "com.tencent.mm.opensdk.modelpay.PayReq",
        "com.tencent.mm.opensdk.modelmsg.SendMessageToWX",
        "com.tencent.mm.opensdk.modelmsg.SendMessageToWX$Req",
        "com.tencent.mm.opensdk.modelmsg.SendAuth",
    ];
    // Pay only.
    let a = app()
        .classes(&opensdk)
        .activity("com.example.app.wxapi.WXPayEntryActivity")
        .build();
    let d = detect(&a, catalog());
    assert_eq!(ids(&d), vec!["wechat_pay"]);
    assert_eq!(d.sdks[0].confidence, Confidence::High);
    assert_eq!(d.sdks[0].features, vec!["pay"]);

    // Share (WXEntryActivity) only.
    let a = app()
        .classes(&opensdk)
        .activity("com.example.app.wxapi.WXEntryActivity")
        .build();
    let d = detect(&a, catalog());
    assert_eq!(ids(&d), vec!["wechat_share"]);
    assert!(hint_ids(&d).contains(&"wechat_login"));

    // Both.
    let a = app()
        .classes(&opensdk)
        .activity("com.example.app.wxapi.WXEntryActivity")
        .activity("com.example.app.wxapi.WXPayEntryActivity")
        .build();
    let d = detect(&a, catalog());
    assert_eq!(ids(&d), vec!["wechat_pay", "wechat_share"]);
    assert_eq!(d.sdks[0].features, vec!["pay", "share-or-login"]);

    // A shrunk SDK keeps only the request classes in use: login, not share.
    let a = app()
        .classes(&[
            "com.tencent.mm.opensdk.openapi.WXAPIFactory",
            "com.tencent.mm.opensdk.modelmsg.SendAuth",
            "com.tencent.mm.opensdk.modelmsg.SendAuth$Req",
        ])
        .activity("com.example.app.wxapi.WXEntryActivity")
        .build();
    let d = detect(&a, catalog());
    assert_eq!(ids(&d), vec!["wechat_login"]);
    assert_eq!(d.sdks[0].confidence, Confidence::High);
}

#[test]
fn bugly_inside_webank_is_not_a_separate_sdk() {
    let a = app()
        .classes(&[
            "com.webank.facelight.api.WbCloudFaceVerifySdk",
            "com.tencent.bugly.webank.crashreport.CrashReport",
        ])
        .libs(&["lib/arm64-v8a/libBugly-webank.so"])
        .build();
    let d = detect(&a, catalog());
    assert_eq!(ids(&d), vec!["webank_face_ocr"]);
    let bugly = d.hint("tencent_bugly").expect("bugly recorded as bundled");
    assert_eq!(bugly.bundled_in.as_deref(), Some("webank_face_ocr"));

    // The real Bugly next to it is reported.
    let a = app()
        .classes(&[
            "com.webank.facelight.api.WbCloudFaceVerifySdk",
            "com.tencent.bugly.webank.crashreport.CrashReport",
            "com.tencent.bugly.crashreport.CrashReport",
        ])
        .build();
    let d = detect(&a, catalog());
    assert_eq!(ids(&d), vec!["tencent_bugly", "webank_face_ocr"]);
}

#[test]
fn utdid_inside_alipay_is_bundled() {
    let a = app()
        .classes(&[
            "com.alipay.sdk.app.PayTask",
            "com.ta.utdid2.device.UTDevice",
        ])
        .build();
    let d = detect(&a, catalog());
    assert_eq!(ids(&d), vec!["alipay"]);
    assert_eq!(
        d.hint("alibaba_utdid")
            .and_then(|h| h.bundled_in.as_deref()),
        Some("alipay")
    );
}

#[test]
fn oaid_helpers_are_not_vendor_push_or_ads() {
    let a = app()
        .classes(&[
            "com.heytap.openid.sdk.OpenIDSDK",
            "com.vivo.identifier.IdentifierManager",
            "com.huawei.hms.ads.identifier.AdvertisingIdClient",
            "com.meizu.flyme.openidsdk.OpenIdHelper",
        ])
        .build();
    let d = detect(&a, catalog());
    assert!(d.sdks.is_empty(), "{:?}", ids(&d));
}

#[test]
fn aggregator_receivers_do_not_report_vendor_push() {
    let a = app()
        .classes(&["cn.jpush.android.api.JPushInterface"])
        .component(comp(
            ComponentKind::Receiver,
            "cn.jpush.android.service.PluginXiaomiPlatformsReceiver",
        ))
        .build();
    let d = detect(&a, catalog());
    assert_eq!(ids(&d), vec!["jpush"]);

    let a = app()
        .classes(&[
            "cn.jpush.android.api.JPushInterface",
            "com.xiaomi.mipush.sdk.MiPushClient",
        ])
        .build();
    assert_eq!(ids(&detect(&a, catalog())), vec!["jpush", "mipush"]);
}

#[test]
fn bangcle_style_packer_sets_the_packer() {
    let a = app()
        .app_name("com.secneo.apkwrapper.ApplicationWrapper")
        .classes(&[
            "com.secneo.apkwrapper.ApplicationWrapper",
            "com.secneo.apkwrapper.H",
        ])
        .libs(&["lib/armeabi-v7a/libDexHelper.so"])
        .entries(&["assets/libSecShell.so", "assets/secData0.jar"])
        .build();
    let d = detect(&a, catalog());
    assert_eq!(ids(&d), vec!["bangcle"]);
    assert_eq!(d.packer.as_deref(), Some("bangcle"));
    let sources: Vec<&str> = d.sdks[0]
        .evidence
        .iter()
        .map(|e| e.source.as_str())
        .collect();
    for s in ["application-class", "dex-class", "native-lib", "asset"] {
        assert!(sources.contains(&s), "{s} missing from {sources:?}");
    }
    let so_in_assets = d.sdks[0]
        .evidence
        .iter()
        .any(|e| e.source.as_str() == "native-lib" && e.value == "assets/libSecShell.so");
    assert!(so_in_assets);
}

#[test]
fn qihoo_stub_needs_corroboration_or_a_high_library() {
    let a = app().app_name("com.stub.StubApp").build();
    let d = detect(&a, catalog());
    assert!(d.sdks.is_empty());
    assert_eq!(d.packer, None);
    let a = app()
        .app_name("com.stub.StubApp")
        .entries(&["assets/libjiagu.so"])
        .build();
    let d = detect(&a, catalog());
    assert_eq!(d.packer.as_deref(), Some("qihoo_jiagu"));
}

#[test]
fn two_medium_signatures_of_different_kinds_report_medium() {
    // getui: com.getui.gtc is base; libgetuiext2.so is medium; GETUI_APPID is high.
    let a = app()
        .classes(&["com.g.gysdk.GYManager"])
        .libs(&["lib/arm64-v8a/libgetuiext2.so"])
        .build();
    let d = detect(&a, catalog());
    assert!(!ids(&d).contains(&"getui_push"), "{:?}", ids(&d));
    // umeng push: one medium prefix (shared with aliyun push) never reports.
    let a = app()
        .classes(&[
            "org.android.agoo.common.AgooConstants",
            "com.taobao.accs.ACCSManager",
        ])
        .build();
    let d = detect(&a, catalog());
    assert!(d.sdks.is_empty(), "{:?}", ids(&d));
    let a = app()
        .classes(&[
            "org.android.agoo.common.AgooConstants",
            "com.umeng.message.PushAgent",
        ])
        .build();
    assert_eq!(ids(&detect(&a, catalog())), vec!["umeng_push"]);
}

#[test]
fn secondary_code_and_intent_filters_and_strings() {
    let mut svc = comp(ComponentKind::Service, "com.example.app.push.MyHmsService");
    svc.intent_filters.push(IntentFilter {
        actions: vec!["com.huawei.push.action.MESSAGING_EVENT".into()],
        ..Default::default()
    });
    let a = app()
        .secondary(&["com.qq.e.ads.banner2.UnifiedBannerView"])
        .component(svc)
        .strings(&["support.qq.com/product"])
        .build();
    let d = detect(&a, catalog());
    // Code in secondary DEX reports; the app's own service with an SDK's intent action and a
    // URL string are configuration: hints that name what they saw.
    assert_eq!(ids(&d), vec!["tencent_gdt"]);
    for id in ["huawei_push", "tencent_txc"] {
        let h = d.hint(id).unwrap_or_else(|| panic!("{id} hint"));
        assert_eq!(h.confidence, Confidence::Weak);
        assert!(h
            .evidence
            .iter()
            .all(|e| e.kind == appaudit::detect::EvidenceKind::Config));
    }
    let gdt = d.get("tencent_gdt").expect("gdt");
    assert!(gdt.evidence.iter().all(|e| e.secondary));
    assert!(string_needles(catalog()).contains(&"support.qq.com/product".to_string()));
}

#[test]
fn version_files_name_the_artifact() {
    let a = app()
        .classes(&["com.google.android.gms.ads.AdView"])
        .entries(&["META-INF/com.google.android.gms_play-services-ads.version"])
        .build();
    let d = detect(&a, catalog());
    let admob = d.get("admob").expect("admob");
    assert_eq!(
        admob.artifacts,
        vec!["com.google.android.gms:play-services-ads"]
    );
    assert_eq!(admob.version, None, "no version file contents, no version");
    let a = app()
        .classes(&["com.google.android.gms.ads.AdView"])
        .entries(&["META-INF/com.google.android.gms_play-services-ads.version"])
        .version_file(
            "META-INF/com.google.android.gms_play-services-ads.version",
            "22.6.0",
        )
        .build();
    let d = detect(&a, catalog());
    assert_eq!(
        d.get("admob").and_then(|x| x.version.as_deref()),
        Some("22.6.0")
    );
}

#[test]
fn calls_are_attributed_by_longest_prefix() {
    let a = app()
        .classes(&[
            "cn.jpush.android.api.JPushInterface",
            "com.webank.facelight.api.WbCloudFaceVerifySdk",
            "com.tencent.bugly.webank.crashreport.CrashReport",
        ])
        .build();
    let cat = catalog();
    let d = detect(&a, cat);
    let call = |caller: &str| ApiCall {
        caller: caller.into(),
        api: "Landroid/telephony/TelephonyManager;->getDeviceId".into(),
        data_type: "imei".into(),
    };
    let at = |c: &str| attribute(&call(c), &d, "com.example.app", cat);
    assert_eq!(at("cn.jpush.android.x.Y"), Attribution::Sdk("jpush".into()));
    assert_eq!(
        at("com.tencent.bugly.webank.crashreport.A"),
        Attribution::Sdk("webank_face_ocr".into())
    );
    assert_eq!(at("com.example.app.jpush.Helper"), Attribution::App);
    assert_eq!(at("com.example.application.X"), Attribution::Unattributed);
    assert_eq!(at("org.other.Z"), Attribution::Unattributed);
}

#[test]
fn split_entries_are_matched_by_their_path_inside_the_split() {
    let a = app()
        .classes(&["com.google.android.gms.ads.AdView"])
        .entries(&[
            "split_feature.apk!assets/secData0.jar",
            "split_feature.apk!META-INF/com.google.android.gms_play-services-ads.version",
        ])
        .version_file(
            "split_feature.apk!META-INF/com.google.android.gms_play-services-ads.version",
            "22.6.0",
        )
        .build();
    let d = detect(&a, catalog());
    let admob = d.get("admob").expect("admob");
    assert_eq!(admob.version.as_deref(), Some("22.6.0"));
    assert_eq!(
        admob.version_source.as_deref(),
        Some("split_feature.apk!META-INF/com.google.android.gms_play-services-ads.version")
    );
    let bangcle = d
        .get("bangcle")
        .or_else(|| d.hint("bangcle"))
        .expect("the split's asset is evidence");
    assert!(
        bangcle
            .evidence
            .iter()
            .any(|e| e.value == "split_feature.apk!assets/secData0.jar"),
        "{bangcle:#?}"
    );
}

/// Issue #14: configuration alone is a hint; a switch that turns an SDK off is `disabled`, and
/// a key that only turns a feature off is not such a switch.
#[test]
fn configuration_alone_is_a_hint_and_switches_are_disabled() {
    let a = app()
        .meta(&[
            "UMENG_APPKEY",
            "JPUSH_APPKEY",
            "firebase_analytics_collection_enabled=false",
        ])
        .build();
    let d = detect(&a, catalog());
    assert!(d.sdks.is_empty(), "{:?}", ids(&d));
    for id in ["umeng_analytics", "jpush", "firebase_analytics"] {
        assert_eq!(
            d.hint(id).map(|h| h.confidence),
            Some(Confidence::Weak),
            "{id}"
        );
    }
    let fa = d.hint("firebase_analytics").expect("hint");
    assert_eq!(
        fa.disabled.as_deref(),
        Some("firebase_analytics_collection_enabled=false")
    );
    assert_eq!(d.hint("jpush").and_then(|h| h.disabled.clone()), None);

    // With the SDK's classes it is reported; the switch is still said.
    let a = app()
        .classes(&["com.google.firebase.analytics.FirebaseAnalytics"])
        .meta(&["firebase_analytics_collection_enabled=false"])
        .build();
    let d = detect(&a, catalog());
    let fa = d.get("firebase_analytics").expect("code reports");
    assert_eq!(fa.confidence, Confidence::High);
    assert!(fa.disabled.is_some());

    // Bugly's debug switch is not an off switch for Bugly.
    let a = app()
        .classes(&["com.tencent.bugly.crashreport.CrashReport"])
        .meta(&["BUGLY_ENABLE_DEBUG=false"])
        .build();
    let d = detect(&a, catalog());
    assert_eq!(
        d.get("tencent_bugly").and_then(|b| b.disabled.clone()),
        None
    );
}

/// A component counts as code only when the DEX defines its class under the SDK's own package.
#[test]
fn components_need_their_classes_in_the_dex() {
    let a = app().activity("com.tencent.tauth.AuthActivity").build();
    let d = detect(&a, catalog());
    assert!(d.get("qq_connect").is_none(), "{:?}", ids(&d));
    assert!(d.hint("qq_connect").is_some());
    let a = app()
        .classes(&["com.tencent.tauth.AuthActivity"])
        .activity("com.tencent.tauth.AuthActivity")
        .build();
    assert_eq!(
        detect(&a, catalog())
            .get("qq_connect")
            .map(|d| d.confidence),
        Some(Confidence::High)
    );
}

/// A packer's payload files are its code (the DEX is encrypted); other assets are configuration.
#[test]
fn packer_payload_assets_are_code() {
    let a = app().entries(&["assets/ijiami.dat"]).build();
    let d = detect(&a, catalog());
    assert_eq!(d.packer.as_deref(), Some("ijiami"), "{:?}", ids(&d));
}

/// Calls from platform libraries are theirs, not the app's.
#[test]
fn platform_libraries_are_named() {
    use appaudit::detect::library_of;
    assert_eq!(
        library_of("android.support.v7.app.k"),
        Some("android-support")
    );
    assert_eq!(
        library_of("androidx.appcompat.app.TwilightManager"),
        Some("androidx")
    );
    assert_eq!(library_of("kotlinx.coroutines.Job"), Some("kotlinx"));
    assert_eq!(
        library_of("com.google.android.gms.location.X"),
        Some("play-services")
    );
    assert_eq!(library_of("androidxx.Foo"), None);
    assert_eq!(library_of("com.example.app.Main"), None);
}

/// An aggregator's adapter code is the aggregator's; classes shipped with a platform library are
/// no SDK's (the report names the library).
#[test]
fn adapters_go_to_the_aggregator_and_shipped_classes_to_no_sdk() {
    let a = app()
        .classes(&[
            "cn.sharesdk.framework.ShareSDK",
            "cn.sharesdk.tencent.qq.QQ",
            "com.google.android.gms.auth.api.signin.GoogleSignInAccount",
        ])
        .build();
    let cat = catalog();
    let d = detect(&a, cat);
    assert_eq!(ids(&d), vec!["sharesdk"]);
    assert_eq!(
        d.hint("qq_connect").and_then(|h| h.via.clone()).as_deref(),
        Some("sharesdk")
    );
    let call = |caller: &str| ApiCall {
        caller: caller.into(),
        api: "Landroid/accounts/AccountManager;->getAccounts".into(),
        data_type: "accounts".into(),
    };
    let at = |c: &str| attribute(&call(c), &d, "com.example.app", cat);
    assert_eq!(
        at("cn.sharesdk.tencent.qq.QQ"),
        Attribution::Sdk("sharesdk".into())
    );
    assert_eq!(
        at("com.google.android.gms.auth.api.signin.GoogleSignInAccount"),
        Attribution::Unattributed
    );
}

/// A DEX string is configuration (a URL the app may hold), unless the rule says it is a
/// constant of the SDK's own code (`own_code = true`: a collector host inside obfuscated code).
#[test]
fn dex_strings_are_code_only_when_the_rule_says_so() {
    let rule = r#"id = "probe"
name_en = "Probe"
category = "analytics"

[[dex_strings]]
value = "collector.probe.example"
confidence = "high"
own_code = true

[[dex_strings]]
value = "help.probe.example"
confidence = "high"
"#;
    let cat = SdkCatalog::from_sources(&[("probe.toml".to_string(), rule.to_string())])
        .expect("valid rules");
    let a = app().strings(&["help.probe.example"]).build();
    let d = detect(&a, &cat);
    assert!(d.sdks.is_empty());
    assert!(d.hint("probe").is_some());
    let a = app().strings(&["collector.probe.example"]).build();
    let d = detect(&a, &cat);
    assert_eq!(d.get("probe").map(|p| p.confidence), Some(Confidence::High));
}

/// A medium code signature reports `medium` with a second counting signature of another kind;
/// two configuration signatures, however sure, report nothing.
#[test]
fn medium_code_needs_a_second_kind_and_config_never_reports() {
    let rule = r#"id = "probe"
name_en = "Probe"
category = "analytics"

[[class_prefixes]]
value = "com.probe.legacy"
confidence = "medium"

[[manifest]]
kind = "meta-data"
name = "PROBE_KEY"
confidence = "high"

[[manifest]]
kind = "meta-data"
name = "PROBE_CHANNEL"
confidence = "high"
"#;
    let cat = SdkCatalog::from_sources(&[("probe.toml".to_string(), rule.to_string())])
        .expect("valid rules");
    let conf = |a: &App| {
        let d = detect(a, &cat);
        d.get("probe")
            .or_else(|| d.hint("probe"))
            .map(|p| p.confidence)
    };
    let code = app().classes(&["com.probe.legacy.Agent"]).build();
    assert_eq!(conf(&code), Some(Confidence::Weak));
    let both = app()
        .classes(&["com.probe.legacy.Agent"])
        .meta(&["PROBE_KEY"])
        .build();
    assert_eq!(conf(&both), Some(Confidence::Medium));
    let keys = app().meta(&["PROBE_KEY", "PROBE_CHANNEL"]).build();
    assert_eq!(conf(&keys), Some(Confidence::Weak));
}
