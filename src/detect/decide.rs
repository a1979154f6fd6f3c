//! From signature hits to detections: confidence, corroborating-only evidence, bundled copies,
//! the WeChat variants, the packer, the versions the app reveals ([`version`]).

use super::collect::{Collected, Hit, Kind, Role};
use super::{version, wechat, Confidence, Detection, Detections, Evidence, EvidenceKind};
use crate::apk::App;
use crate::rules::sdks::{SdkCatalog, SdkRule, SigConfidence};
use std::collections::{BTreeMap, BTreeSet};

/// The confidence earned by the hits that count. Only code of the SDK's own reports it: one
/// high code signature gives `high`; a medium code signature with a second counting signature of
/// another kind (code or configuration) gives `medium`. Configuration alone (keys, app keys,
/// URLs, components whose classes are absent) stays a hint, however sure each key is.
pub(super) fn confidence_of(hits: &[Hit]) -> Confidence {
    let counting = || hits.iter().filter(|h| h.role == Role::Counts);
    if counting().any(|h| h.kind == Kind::Code && h.confidence == SigConfidence::High) {
        return Confidence::High;
    }
    if !counting().any(|h| h.kind == Kind::Code) {
        return Confidence::Weak;
    }
    let kinds: BTreeSet<_> = counting().map(|h| h.source).collect();
    if kinds.len() >= 2 {
        Confidence::Medium
    } else {
        Confidence::Weak
    }
}

fn evidence_of(hits: &[Hit]) -> Vec<Evidence> {
    hits.iter()
        .map(|h| Evidence {
            source: h.source,
            value: h.value.clone(),
            count: h.count,
            confidence: match (&h.role, h.confidence) {
                (Role::Counts, SigConfidence::High) => Confidence::High,
                (Role::Counts, SigConfidence::Medium) => Confidence::Medium,
                _ => Confidence::Weak,
            },
            secondary: h.secondary,
            kind: match h.kind {
                Kind::Code => EvidenceKind::Code,
                Kind::Config => EvidenceKind::Config,
            },
            note: h.note.clone(),
        })
        .collect()
}

/// The aggregator whose adapter for this SDK was found (a `via` hit), if that one is reported.
fn via_host(hits: &[Hit], reported: &BTreeMap<String, Detection>) -> Option<String> {
    hits.iter().find_map(|h| match &h.role {
        Role::Via(host) if reported.contains_key(host) => Some(host.clone()),
        _ => None,
    })
}

/// The meta-data switch that turns the SDK off (`key=false`), if the app sets one.
fn disabled_by(hits: &[Hit]) -> Option<String> {
    hits.iter()
        .find(|h| h.role == Role::Disabled)
        .map(|h| h.value.clone())
}

/// The host of a detection made only of bundled copies.
fn bundled_host(hits: &[Hit]) -> Option<String> {
    hits.iter().find_map(|h| match &h.role {
        Role::Bundled(host) => Some(host.clone()),
        _ => None,
    })
}

pub(super) fn new_detection(rule: &SdkRule, confidence: Confidence, hits: &[Hit]) -> Detection {
    Detection {
        id: rule.id.clone(),
        name: rule
            .names
            .first()
            .cloned()
            .unwrap_or_else(|| rule.name_en.clone()),
        vendor: if rule.vendor_zh.is_empty() {
            rule.vendor_en.clone()
        } else {
            rule.vendor_zh.clone()
        },
        category: rule.category.clone(),
        confidence,
        evidence: evidence_of(hits),
        version: None,
        version_source: None,
        artifacts: Vec::new(),
        bundled_in: None,
        via: None,
        channels: Vec::new(),
        disabled: disabled_by(hits),
        features: Vec::new(),
    }
}

/// Maven artifacts that belong to an SDK: listed in its `artifacts`, or whose group is one of
/// its class prefixes (or below one).
fn artifacts_of(rule: &SdkRule, artifacts: &[(String, String)]) -> Vec<String> {
    artifacts
        .iter()
        .filter(|(g, a)| {
            let full = format!("{g}:{a}");
            rule.artifacts.contains(&full)
                || rule.class_prefixes.iter().any(|c| {
                    c.is_own() && (g == &c.value || g.starts_with(&format!("{}.", c.value)))
                })
        })
        .map(|(g, a)| format!("{g}:{a}"))
        .collect()
}

/// Turns the collected hits into the app's detections.
pub(super) fn decide(app: &App, cat: &SdkCatalog, collected: Collected) -> Detections {
    let mut reported: BTreeMap<String, Detection> = BTreeMap::new();
    let mut hints: BTreeMap<String, Detection> = BTreeMap::new();
    let mut wechat_hits: BTreeMap<String, Vec<Hit>> = BTreeMap::new();

    for (sdk, hits) in &collected.per_sdk {
        let Some(rule) = cat.at(*sdk) else {
            continue;
        };
        if wechat::is_variant(&rule.id) {
            wechat_hits.insert(rule.id.clone(), hits.clone());
            continue;
        }
        let conf = confidence_of(hits);
        let mut det = new_detection(rule, conf, hits);
        det.artifacts = artifacts_of(rule, &collected.artifacts);
        if conf == Confidence::Weak {
            det.bundled_in = bundled_host(hits);
            hints.insert(rule.id.clone(), det);
        } else {
            reported.insert(rule.id.clone(), det);
        }
    }

    for det in wechat::resolve(app, cat, &wechat_hits) {
        if det.confidence == Confidence::Weak {
            hints.insert(det.id.clone(), det);
        } else {
            reported.insert(det.id.clone(), det);
        }
    }

    // SDKs shipped inside another reported SDK are not a separate integration.
    let ids: BTreeSet<String> = reported.keys().cloned().collect();
    for id in &ids {
        let Some(rule) = cat.get(id) else {
            continue;
        };
        if let Some(host) = rule
            .bundled_by
            .iter()
            .find(|h| *h != id && ids.contains(*h))
        {
            if let Some(mut det) = reported.remove(id) {
                det.bundled_in = Some(host.clone());
                hints.insert(id.clone(), det);
            }
        }
    }

    // Another SDK's adapter for this one, with none of this SDK's own code: a channel of the
    // aggregator, said on the hint (`via`), not a detection of the vendor's SDK.
    for (sdk, hits) in &collected.per_sdk {
        let Some(rule) = cat.at(*sdk) else {
            continue;
        };
        if let Some(det) = hints.get_mut(&rule.id) {
            if det.bundled_in.is_none() {
                det.via = via_host(hits, &reported);
            }
        }
    }
    for hint in hints.values() {
        if let Some(host) = hint.via.as_ref().and_then(|h| reported.get_mut(h)) {
            host.channels.push(hint.id.clone());
        }
    }

    for det in reported.values_mut().chain(hints.values_mut()) {
        if let Some(rule) = cat.get(&det.id) {
            if let Some(found) = version::find(app, cat, rule, det) {
                det.version = Some(found.version);
                det.version_source = Some(found.source);
            }
        }
    }

    let packer = reported
        .values()
        .filter(|d| d.category == "packer")
        .min_by(|a, b| (a.confidence, &a.id).cmp(&(b.confidence, &b.id)))
        .map(|d| d.id.clone());

    let mut app_packages = Vec::new();
    if !app.manifest.package.is_empty() {
        app_packages.push(app.manifest.package.clone());
    }
    if let Some(name) = &app.manifest.application.name {
        if cat.index().classes.longest(name).is_none() {
            if let Some((pkg, _)) = name.rsplit_once('.') {
                if !pkg.is_empty() && !app_packages.iter().any(|p| p == pkg) {
                    app_packages.push(pkg.to_string());
                }
            }
        }
    }

    Detections {
        sdks: reported.into_values().collect(),
        hints: hints.into_values().collect(),
        packer,
        app_packages,
    }
}
