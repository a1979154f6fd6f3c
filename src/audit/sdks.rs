//! SDK disclosure rules: undisclosed-sdk, disclosed-sdk-not-found, sdk-vendor-mismatch,
//! sdk-disclosed-in-prose-only, packed-app.

use crate::audit::normalize::{
    name_key, names_match, vendor_key, vendor_key_matches, vendor_keys, vendor_matches,
};
use crate::audit::{AuditInput, DisclosedAs, Finding, SdkView};
use crate::model::{locale, Arg, Evidence, How, Lang, RuleId, SubjectKind};
use crate::policy::{PolicyDoc, SdkDisclosure, SdkSource};

/// What the SDK rules found, and the rows matched to each SDK (for the data rules).
pub struct SdkPart {
    /// Per SDK (input order), its disclosure.
    pub disclosed: Vec<Option<DisclosedAs>>,
    /// Per SDK (input order), the indexes of the policy rows that name it.
    pub rows_of_sdk: Vec<Vec<usize>>,
    /// Findings.
    pub findings: Vec<Finding>,
}

/// Words a purpose cell uses for each category, to accept a vendor-only match.
fn category_words(category: &str) -> &'static [&'static str] {
    match category {
        "push" => &["推送", "push", "消息"],
        "analytics" => &["统计", "分析", "analytics", "数据"],
        "ads" | "advertising" => &["广告", "ads", "advert", "变现"],
        "map" | "location" => &["地图", "定位", "位置", "map", "location"],
        "payment" | "pay" => &["支付", "付款", "pay"],
        "face" | "biometric" | "identity" => &["人脸", "活体", "实名", "身份", "face", "ocr"],
        "crash" | "apm" => &["崩溃", "异常", "crash", "性能"],
        "share" | "social" => &["分享", "share", "社交"],
        "login" | "auth" => &["登录", "认证", "login", "一键"],
        "anti-fraud" | "risk" | "security" => &["风控", "欺诈", "安全", "风险", "fraud", "risk"],
        "storage" | "cloud" | "oss" => &["存储", "上传", "云", "storage", "oss"],
        "packer" => &["加固", "保护", "安全"],
        _ => &[],
    }
}

/// The keys a policy row is matched by, worked out once per audit.
struct RowKeys {
    name: String,
    vendor: Option<String>,
}

impl RowKeys {
    fn of(row: &SdkDisclosure) -> RowKeys {
        RowKeys {
            name: name_key(&row.name),
            vendor: row.vendor.as_deref().map(vendor_key),
        }
    }
}

/// The keys an SDK is matched by, worked out once per audit.
struct SdkKeys {
    names: Vec<String>,
    vendors: Vec<String>,
}

impl SdkKeys {
    fn of(sdk: &SdkView) -> SdkKeys {
        let vendor_names: Vec<&str> = sdk.vendor_names.iter().map(String::as_str).collect();
        SdkKeys {
            names: sdk
                .names
                .iter()
                .chain(std::iter::once(&sdk.name))
                .map(|n| name_key(n))
                .collect(),
            vendors: vendor_keys(&vendor_names),
        }
    }
}

/// How well a row names the SDK: `None` when it does not; higher is better. An exact name beats
/// a containing one (so 微信支付SDK goes to WeChat Pay, not to the generic 微信 alias of WeChat
/// Share), a name beats a package, a package beats a vendor with a matching purpose.
fn row_names_sdk(
    row: &SdkDisclosure,
    row_keys: &RowKeys,
    sdk: &SdkView,
    keys: &SdkKeys,
) -> Option<(usize, How)> {
    let row_key = &row_keys.name;
    let by_name = keys
        .names
        .iter()
        .filter(|k| names_match(k, row_key))
        .map(|k| {
            if k == row_key {
                10_000 + k.chars().count()
            } else {
                1_000 + k.chars().count().min(row_key.chars().count())
            }
        })
        .max();
    if let Some(score) = by_name {
        return Some((score, How::Name));
    }
    let by_package = row.packages.iter().any(|p| {
        let p = p.trim().trim_end_matches(".*").trim_end_matches('.');
        !p.is_empty()
            && sdk.prefixes.iter().any(|pre| {
                pre == p || pre.starts_with(&format!("{p}.")) || p.starts_with(&format!("{pre}."))
            })
    });
    if by_package {
        return Some((500, How::Package));
    }
    let vendor_hit = row_keys
        .vendor
        .as_deref()
        .is_some_and(|v| vendor_key_matches(v, &keys.vendors));
    if vendor_hit {
        let text = format!(
            "{} {}",
            row.name.to_lowercase(),
            row.purpose.as_deref().unwrap_or_default().to_lowercase()
        );
        if category_words(&sdk.category)
            .iter()
            .any(|w| text.contains(w))
        {
            return Some((100, How::Vendor));
        }
    }
    None
}

/// An SDK's evidence, typed (at most 12 items, strongest first).
pub fn evidence_items(sdk: &SdkView) -> Vec<Evidence> {
    sdk.items.iter().take(12).cloned().collect()
}

/// The file a row comes from (the policy's path when it was not merged from several).
pub fn row_file(row_file: Option<&String>, policy: &PolicyDoc) -> String {
    row_file.cloned().unwrap_or_else(|| policy.path.clone())
}

/// The SDK's name, in both languages.
pub fn sdk_name(sdk: &SdkView) -> Arg {
    Arg::both(&sdk.name, &sdk.name_en)
}

/// The SDK's vendor, in both languages.
pub fn sdk_vendor(sdk: &SdkView) -> Arg {
    Arg::both(&sdk.vendor, &sdk.vendor_en)
}

/// A category's words, in both languages.
pub fn category_arg(category: &str) -> Arg {
    Arg::both(
        &locale::category(Lang::Zh, category),
        &locale::category(Lang::En, category),
    )
}

/// Runs the SDK rules.
pub fn check(input: &AuditInput<'_>) -> SdkPart {
    let rows = &input.policy.sdks;
    let mut findings = Vec::new();
    let mut disclosed = Vec::with_capacity(input.sdks.len());
    let mut rows_of_sdk = Vec::with_capacity(input.sdks.len());
    let mut row_used = vec![false; rows.len()];
    // Every (SDK, row) score once: the rows are compared with each SDK, and each matched row
    // again with every other SDK.
    let row_keys: Vec<RowKeys> = rows.iter().map(RowKeys::of).collect();
    let scores: Vec<Vec<Option<(usize, How)>>> = input
        .sdks
        .iter()
        .map(|sdk| {
            let keys = SdkKeys::of(sdk);
            rows.iter()
                .zip(&row_keys)
                .map(|(r, rk)| row_names_sdk(r, rk, sdk, &keys))
                .collect()
        })
        .collect();
    let mut searchable = None;
    for (s, sdk) in input.sdks.iter().enumerate() {
        let mut matches: Vec<(usize, usize, How)> = rows
            .iter()
            .enumerate()
            // An open-source component list is not an SDK disclosure.
            .filter(|(_, r)| r.source != SdkSource::OpenSource)
            .filter_map(|(i, _)| scores[s][i].map(|(score, how)| (i, score, how)))
            .collect();
        // Best row first; a row that names another SDK exactly is not this SDK's row.
        matches.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let exact_elsewhere = |i: usize| {
            input.sdks.iter().zip(&scores).any(|(other, row_scores)| {
                other.id != sdk.id && row_scores[i].is_some_and(|(s, _)| s >= 10_000)
            })
        };
        matches.retain(|&(i, score, _)| score >= 10_000 || !exact_elsewhere(i));
        for (i, _, _) in &matches {
            row_used[*i] = true;
        }
        rows_of_sdk.push(matches.iter().map(|(i, _, _)| *i).collect());
        // A row the parser found in running text is a prose disclosure, not an SDK-list row.
        let listed = matches
            .iter()
            .find(|&&(i, _, _)| rows[i].source != SdkSource::Prose);
        if let Some(&(i, _, how)) = listed {
            let row = &rows[i];
            disclosed.push(Some(DisclosedAs {
                name: row.name.clone(),
                line: row.line,
                how,
            }));
            vendor_check(sdk, row, input.policy, &mut findings);
            continue;
        }
        // No row: a mention anywhere in the text is a weaker disclosure.
        let prose = matches
            .first()
            .map(|&(i, _, _)| (&rows[i].name, rows[i].line))
            .or_else(|| {
                sdk.names
                    .iter()
                    .filter(|n| n.chars().count() >= 2)
                    .find_map(|n| {
                        searchable
                            .get_or_insert_with(|| input.policy.searchable())
                            .mentions(n)
                            .map(|line| (n, line))
                    })
            });
        match prose {
            Some((n, line)) => {
                disclosed.push(Some(DisclosedAs {
                    name: n.clone(),
                    line,
                    how: How::Prose,
                }));
                let mut ev = evidence_items(sdk);
                ev.push(Evidence::PolicyLine {
                    file: input.policy.path.clone(),
                    line,
                    quote: n.clone(),
                });
                findings.push(Finding::new(
                    RuleId::SdkDisclosedInProseOnly,
                    &sdk.id,
                    SubjectKind::Sdk,
                    "",
                    vec![
                        ("sdk", sdk_name(sdk)),
                        ("vendor", sdk_vendor(sdk)),
                        ("line", Arg::text(line)),
                    ],
                    ev,
                ));
            }
            None => {
                disclosed.push(None);
                let mut ev = evidence_items(sdk);
                ev.push(Evidence::PolicyLacks {
                    terms: sdk.names.iter().take(4).cloned().collect(),
                });
                findings.push(Finding::new(
                    RuleId::UndisclosedSdk,
                    &sdk.id,
                    SubjectKind::Sdk,
                    "",
                    vec![
                        ("sdk", sdk_name(sdk)),
                        ("vendor", sdk_vendor(sdk)),
                        ("category", category_arg(&sdk.category)),
                    ],
                    ev,
                ));
            }
        }
    }
    for (row, used) in rows.iter().zip(&row_used) {
        if *used || row.source == SdkSource::OpenSource {
            continue;
        }
        findings.push(Finding::new(
            RuleId::DisclosedSdkNotFound,
            &row.name,
            SubjectKind::PolicyRow,
            if input.packer.is_some() { "packed" } else { "" },
            vec![("row", Arg::text(&row.name)), ("line", Arg::text(row.line))],
            vec![Evidence::PolicyLine {
                file: row_file(row.file.as_ref(), input.policy),
                line: row.line,
                quote: row.name.clone(),
            }],
        ));
    }
    if let Some(packer) = input.packer {
        let sdk = input.sdks.iter().find(|s| s.id == packer);
        findings.push(Finding::new(
            RuleId::PackedApp,
            packer,
            SubjectKind::Sdk,
            "",
            vec![("sdk", sdk.map_or_else(|| Arg::text(packer), sdk_name))],
            sdk.map(evidence_items).unwrap_or_default(),
        ));
    }
    SdkPart {
        disclosed,
        rows_of_sdk,
        findings,
    }
}

fn vendor_check(
    sdk: &SdkView,
    row: &SdkDisclosure,
    policy: &PolicyDoc,
    findings: &mut Vec<Finding>,
) {
    let names: Vec<&str> = sdk.vendor_names.iter().map(String::as_str).collect();
    if names.is_empty() {
        return;
    }
    let written = row
        .vendor
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let variant = match written {
        None => "missing",
        Some(v) if !vendor_matches(v, &names) => "wrong",
        Some(_) => return,
    };
    let mut args = vec![
        ("row", Arg::text(&row.name)),
        ("line", Arg::text(row.line)),
        ("vendor", sdk_vendor(sdk)),
    ];
    if let Some(v) = written {
        args.push(("written", Arg::text(v)));
    }
    // The knowledge base's names, split by language (an English report shows the English ones).
    let (zh, en): (Vec<String>, Vec<String>) = names
        .iter()
        .map(|n| n.to_string())
        .partition(|n| locale::has_cjk(n));
    findings.push(Finding::new(
        RuleId::SdkVendorMismatch,
        &sdk.id,
        SubjectKind::Sdk,
        variant,
        args,
        vec![
            Evidence::PolicyLine {
                file: row_file(row.file.as_ref(), policy),
                line: row.line,
                quote: written.map_or_else(|| row.name.clone(), str::to_string),
            },
            Evidence::KnownVendor { zh, en },
        ],
    ));
}
