//! WeChat OpenSDK: one library behind 微信支付, 微信分享 and 微信登录 (sdk-kb-notes.md). The
//! DEX alone cannot tell them apart; the app's own callback activities can:
//! `<pkg>.wxapi.WXPayEntryActivity` means pay, `<pkg>.wxapi.WXEntryActivity` share or login.
//! Only defined classes are known, so request classes help only when the SDK was shrunk (R8
//! removes the unused ones): then `modelpay.PayReq`, `modelmsg.SendMessageToWX` and
//! `modelmsg.SendAuth` that survive show what is used.

use super::collect::{Hit, Kind, Role};
use super::decide::new_detection;
use super::{Confidence, Detection, EvidenceSource};
use crate::apk::App;
use crate::rules::sdks::SdkCatalog;
use std::collections::BTreeMap;

const PAY: &str = "wechat_pay";
const SHARE: &str = "wechat_share";
const LOGIN: &str = "wechat_login";

const PAY_REQ: &[&str] = &[
    "com.tencent.mm.opensdk.modelpay.PayReq",
    "com.tencent.mm.sdk.modelpay.PayReq",
];
const SEND_MESSAGE: &[&str] = &[
    "com.tencent.mm.opensdk.modelmsg.SendMessageToWX",
    "com.tencent.mm.sdk.modelmsg.SendMessageToWX",
    "com.tencent.mm.sdk.openapi.SendMessageToWX",
];
const SEND_AUTH: &[&str] = &[
    "com.tencent.mm.opensdk.modelmsg.SendAuth",
    "com.tencent.mm.sdk.modelmsg.SendAuth",
    "com.tencent.mm.sdk.openapi.SendAuth",
];

/// Whether `id` is one of the WeChat OpenSDK variants resolved here.
pub(super) fn is_variant(id: &str) -> bool {
    matches!(id, PAY | SHARE | LOGIN)
}

fn any_class(app: &App, names: &[&str]) -> bool {
    app.dex
        .iter()
        .flat_map(|d| d.classes.iter())
        .any(|c| names.contains(&c.as_str()))
}

fn activity(hits: &BTreeMap<String, Vec<Hit>>, id: &str, suffix: &str) -> bool {
    hits.get(id).is_some_and(|h| {
        h.iter()
            .any(|h| h.source == EvidenceSource::ManifestComponent && h.value.ends_with(suffix))
    })
}

/// The variants the app uses, as detections (weak ones are hints).
pub(super) fn resolve(
    app: &App,
    cat: &SdkCatalog,
    hits: &BTreeMap<String, Vec<Hit>>,
) -> Vec<Detection> {
    if hits.is_empty() {
        return Vec::new();
    }
    // The OpenSDK's own classes; without them the callback activities are configuration (or
    // an aggregator's WeChat adapter) and every variant stays a hint.
    // The three entries share the OpenSDK's packages on purpose (`shared_with`).
    let code = hits.values().flatten().any(|h| {
        matches!(h.role, Role::Counts | Role::Shared)
            && h.kind == Kind::Code
            && matches!(
                h.source,
                EvidenceSource::DexClass | EvidenceSource::JniClass
            )
    });
    let pay_act = code && activity(hits, PAY, ".WXPayEntryActivity");
    let entry_act = code
        && (activity(hits, SHARE, ".WXEntryActivity") || activity(hits, LOGIN, ".WXEntryActivity"));
    let (has_pay, has_msg, has_auth) = if code {
        (
            any_class(app, PAY_REQ),
            any_class(app, SEND_MESSAGE),
            any_class(app, SEND_AUTH),
        )
    } else {
        (false, false, false)
    };
    // A full (unshrunk) OpenSDK defines every request class; a shrunk one keeps the used ones.
    let shrunk = code && !(has_pay && has_msg && has_auth);

    let pay = if pay_act {
        Confidence::High
    } else if shrunk && has_pay {
        Confidence::Medium
    } else {
        Confidence::Weak
    };
    let (share, login, ambiguous) = if shrunk && (has_msg || has_auth) {
        let c = if entry_act {
            Confidence::High
        } else {
            Confidence::Medium
        };
        (
            if has_msg { c } else { Confidence::Weak },
            if has_auth { c } else { Confidence::Weak },
            false,
        )
    } else if entry_act {
        // WXEntryActivity serves both: report sharing, keep login as a hint.
        (Confidence::Medium, Confidence::Weak, true)
    } else if code && pay == Confidence::Weak {
        // The SDK with no callback activity at all: sharing needs none.
        (Confidence::Medium, Confidence::Weak, true)
    } else {
        (Confidence::Weak, Confidence::Weak, false)
    };

    let mut features = Vec::new();
    if pay != Confidence::Weak {
        features.push("pay".to_string());
    }
    if ambiguous {
        features.push("share-or-login".to_string());
    } else {
        if share != Confidence::Weak {
            features.push("share".to_string());
        }
        if login != Confidence::Weak {
            features.push("login".to_string());
        }
    }

    let mut out = Vec::new();
    for (id, conf) in [(PAY, pay), (SHARE, share), (LOGIN, login)] {
        let Some(rule) = cat.get(id) else {
            continue;
        };
        let h = hits.get(id).map(Vec::as_slice).unwrap_or(&[]);
        if h.is_empty() && conf == Confidence::Weak {
            continue;
        }
        let mut det = new_detection(rule, conf, h);
        det.features = features.clone();
        out.push(det);
    }
    out
}
