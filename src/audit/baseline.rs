//! The baseline file: findings a team has accepted (rule + subject + reason, optional expiry).
//! Matched findings are reported as suppressed and do not fail the gate; an expired or unmatched
//! entry is itself reported.

use crate::audit::Finding;
use crate::error::Error;
use crate::model::{Arg, Evidence, RuleId, SubjectKind};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    /// The rule id.
    pub rule: String,
    /// The finding's subject (SDK id, permission, data type, component...).
    pub subject: String,
    /// Why it is accepted.
    pub reason: String,
    /// Last day it applies, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A baseline file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The accepted findings.
    #[serde(default)]
    pub accepted: Vec<Accepted>,
}

impl Baseline {
    /// Reads and validates a baseline file; every problem is listed with the file.
    pub fn load(path: &Path) -> Result<Baseline, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|problems| {
            Error::Usage(format!(
                "baseline {}:\n{}",
                path.display(),
                problems.join("\n")
            ))
        })
    }

    /// Parses baseline TOML.
    pub fn parse(text: &str) -> Result<Baseline, Vec<String>> {
        let b: Baseline = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            vec![match line {
                Some(l) => format!("line {l}: {}", e.message()),
                None => e.message().to_string(),
            }]
        })?;
        let problems: Vec<String> = b
            .accepted
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let date_ok = a.expires.as_deref().is_none_or(|d| parse_date(d).is_some());
                let rule_ok = RuleId::parse(&a.rule).is_some();
                match (rule_ok, date_ok) {
                    (true, true) => None,
                    (false, _) => Some(format!("entry {}: unknown rule {:?}", i + 1, a.rule)),
                    (_, false) => Some(format!(
                        "entry {}: expires {:?} is not a YYYY-MM-DD date",
                        i + 1,
                        a.expires.as_deref().unwrap_or_default()
                    )),
                }
            })
            .collect();
        if problems.is_empty() {
            Ok(b)
        } else {
            Err(problems)
        }
    }

    /// A baseline accepting every given finding, with a placeholder reason to fill in.
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut accepted: Vec<Accepted> = findings
            .iter()
            .filter(|f| !f.rule.is_baseline())
            .map(|f| Accepted {
                rule: f.rule.as_str().to_string(),
                subject: f.subject.clone(),
                reason: "accepted when the baseline was written; say why".to_string(),
                expires: None,
            })
            .collect();
        accepted.sort_by(|a, b| (&a.rule, &a.subject).cmp(&(&b.rule, &b.subject)));
        accepted.dedup_by(|a, b| a.rule == b.rule && a.subject == b.subject);
        Baseline { accepted }
    }

    /// The baseline as TOML text.
    pub fn to_toml(&self) -> String {
        let mut s = String::from(
            "# appaudit baseline: accepted findings (rule + subject), each with a reason and an optional\n# expiry date (YYYY-MM-DD). Matched findings are reported as suppressed and do not fail the gate.\n",
        );
        s.push_str(&toml::to_string(self).unwrap_or_default());
        s
    }

    /// Marks matched findings suppressed and adds findings for expired and unmatched entries.
    /// `today` is `YYYY-MM-DD`.
    pub fn apply(&self, findings: &mut Vec<Finding>, today: (i32, u32, u32)) {
        let mut extra = Vec::new();
        for a in &self.accepted {
            let expired = a
                .expires
                .as_deref()
                .and_then(parse_date)
                .is_some_and(|d| d < today);
            let mut matched = false;
            for f in findings
                .iter_mut()
                .filter(|f| f.rule.as_str() == a.rule.trim() && f.subject == a.subject)
            {
                matched = true;
                if !expired {
                    f.suppressed = Some(a.reason.clone());
                }
            }
            let subject = format!("{}:{}", a.rule, a.subject);
            let args = || {
                vec![
                    ("rule", Arg::text(&a.rule)),
                    ("subject", Arg::text(&a.subject)),
                    ("date", Arg::text(a.expires.as_deref().unwrap_or_default())),
                ]
            };
            let evidence = || {
                vec![Evidence::BaselineReason {
                    reason: a.reason.clone(),
                }]
            };
            if expired {
                extra.push(Finding::new(
                    RuleId::BaselineEntryExpired,
                    &subject,
                    SubjectKind::BaselineEntry,
                    "",
                    args(),
                    evidence(),
                ));
            } else if !matched {
                extra.push(Finding::new(
                    RuleId::BaselineEntryUnmatched,
                    &subject,
                    SubjectKind::BaselineEntry,
                    "",
                    args(),
                    evidence(),
                ));
            }
        }
        findings.extend(extra);
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut it = s.trim().splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// Today's date (UTC) from the system clock.
pub fn today() -> (i32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (
        i32::try_from(y).unwrap_or(1970),
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn parse_rejects_unknown_keys_rules_and_dates() {
        assert!(Baseline::parse(
            "[[accepted]]\nrule='allow-backup'\nsubject='application'\nreason='x'\n"
        )
        .is_ok());
        let e = Baseline::parse(
            "[[accepted]]\nrule='allow-backup'\nsubject='a'\nreason='x'\ncolour='red'\n",
        )
        .unwrap_err();
        assert!(e[0].contains("line 5") && e[0].contains("colour"), "{e:?}");
        let e = Baseline::parse("[[accepted]]\nrule='no-such-rule'\nsubject='a'\nreason='x'\n")
            .unwrap_err();
        assert!(e[0].contains("unknown rule"), "{e:?}");
        let e = Baseline::parse(
            "[[accepted]]\nrule='allow-backup'\nsubject='a'\nreason='x'\nexpires='soon'\n",
        )
        .unwrap_err();
        assert!(e[0].contains("YYYY-MM-DD"), "{e:?}");
    }

    #[test]
    fn apply_suppresses_and_reports_stale_entries() {
        let mut findings = vec![
            Finding::new(
                RuleId::AllowBackup,
                "application",
                SubjectKind::Application,
                "",
                vec![],
                vec![],
            ),
            Finding::new(
                RuleId::CleartextTraffic,
                "application",
                SubjectKind::Application,
                "",
                vec![],
                vec![],
            ),
        ];
        let b = Baseline::parse(
            "[[accepted]]\nrule='allow-backup'\nsubject='application'\nreason='legacy'\nexpires='2999-01-01'\n\
             [[accepted]]\nrule='cleartext-traffic'\nsubject='application'\nreason='old'\nexpires='2000-01-01'\n\
             [[accepted]]\nrule='undisclosed-sdk'\nsubject='umeng'\nreason='gone'\n",
        )
        .unwrap();
        b.apply(&mut findings, (2026, 11, 29));
        assert_eq!(findings[0].suppressed.as_deref(), Some("legacy"));
        assert_eq!(findings[1].suppressed, None);
        let rules: Vec<RuleId> = findings[2..].iter().map(|f| f.rule).collect();
        assert_eq!(
            rules,
            [RuleId::BaselineEntryExpired, RuleId::BaselineEntryUnmatched]
        );
    }
}
