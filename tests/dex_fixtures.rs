//! The DEX layer on the committed fixture APKs, through the real binary and the library, against
//! the oracles recorded beside them (dexdump's class lists, the codeshapes README).

mod common;

use appaudit::apk::archive::{Archive, Limits};
use appaudit::apk::dex::{invoked_methods, parse_dex, DexOptions};
use common::{apk, appaudit_on, expected, root, stderr, stdout, CASES};
use std::collections::BTreeSet;

fn inspect_json(case: &str) -> serde_json::Value {
    let o = appaudit_on(&["inspect", "--format", "json"], &apk(case), &[]);
    assert!(o.status.success(), "{case}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// `data_access` as (caller, api, data_type) triples.
fn data_access(v: &serde_json::Value) -> BTreeSet<(String, String, String)> {
    v["data_access"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap().to_string();
            (s("caller"), s("api"), s("data_type"))
        })
        .collect()
}

#[test]
fn wallet_contacts_field_read_is_contacts_access_and_query_is_not_reported() {
    let json = inspect_json("wallet");
    let access = data_access(&json);
    let caller = "com.example.wallet.risk.ContactsUploader";
    assert!(
        access.contains(&(
            caller.to_string(),
            "Landroid/provider/ContactsContract$Contacts;->CONTENT_URI".to_string(),
            "contacts".to_string()
        )),
        "{access:#?}"
    );
    assert!(
        !access.iter().any(|(_, _, t)| t == "content_provider_query"),
        "low-confidence ContentResolver.query must not be reported: {access:#?}"
    );
}

#[test]
fn wallet_query_is_there_with_include_low() {
    let data = std::fs::read(apk("wallet")).unwrap();
    let archive = Archive::parse(&data, Limits::default()).unwrap();
    let caller = "com.example.wallet.risk.ContactsUploader";
    let mut found = (false, false);
    for e in archive.entries() {
        if !(e.name.starts_with("classes") && e.name.ends_with(".dex")) {
            continue;
        }
        let (dex, _) = archive.read(e).unwrap();
        let calls = |include_low| {
            let o = DexOptions {
                include_low,
                ..DexOptions::default()
            };
            parse_dex(&e.name, &dex, &o).unwrap().api_calls
        };
        let query = "Landroid/content/ContentResolver;->query";
        found.0 |= calls(false).iter().any(|c| c.api == query);
        found.1 |= calls(true).iter().any(|c| {
            c.api == query && c.caller == caller && c.data_type == "content_provider_query"
        });
    }
    assert_eq!(found, (false, true));
}

#[test]
fn inspect_classes_equals_dexdump_for_every_fixture() {
    for case in CASES {
        let o = appaudit_on(&["inspect", "--classes"], &apk(case), &[]);
        assert!(o.status.success(), "{case}: {}", stderr(&o));
        let mut want: Vec<String> = expected(case, "classes.txt")
            .lines()
            .map(String::from)
            .collect();
        // Secondary DEX inside jars under assets/: "<jar> <class>" lines.
        let asset = root()
            .join("fixtures")
            .join(case)
            .join("expected/asset-dex-classes.txt");
        if asset.exists() {
            let text = std::fs::read_to_string(&asset).unwrap();
            want.extend(
                text.lines()
                    .map(|l| l.split_once(' ').expect("<jar> <class>").1.to_string()),
            );
        }
        want.sort();
        want.dedup();
        let out = stdout(&o);
        let got: Vec<&str> = out.lines().collect();
        assert_eq!(got, want, "{case}");
        if *case == "multidex" {
            assert!(asset.exists(), "multidex has a plugin jar oracle");
        }
    }
}

/// The codeshapes README's oracle: the table rows marked **sensitive: T** (api -> data type), the
/// "Sensitive (caller class, API)" block, and the sorted list of methods Shapes invokes.
struct Readme {
    sensitive: BTreeSet<(String, String, String)>,
    invoked: Vec<String>,
}

fn codeshapes_readme() -> Readme {
    let text = std::fs::read_to_string(root().join("fixtures/codeshapes/README.md")).unwrap();
    let mut types = std::collections::HashMap::new();
    for line in text.lines().filter(|l| l.starts_with('|')) {
        if let (Some(sig), Some(t)) = (line.split('`').nth(1), line.split("**sensitive: ").nth(1)) {
            types.insert(sig.to_string(), t.split("**").next().unwrap().to_string());
        }
    }
    // Indented blocks after their introducing line.
    let block = |intro: &str| -> Vec<String> {
        let start = text
            .find(intro)
            .unwrap_or_else(|| panic!("README: {intro:?}"));
        text[start..]
            .lines()
            .skip(1)
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| l.starts_with("    "))
            .map(|l| l.trim().to_string())
            .collect()
    };
    let sensitive = block("Sensitive (caller class, API)")
        .iter()
        .map(|l| {
            let (caller, sig) = l.split_once(char::is_whitespace).unwrap();
            let sig = sig.trim();
            let api = sig.split('(').next().unwrap().to_string();
            let ty = types
                .get(sig)
                .unwrap_or_else(|| panic!("no type for {sig}"));
            (caller.to_string(), api, ty.clone())
        })
        .collect();
    Readme {
        sensitive,
        invoked: block("All methods invoked by com.example.codeshapes.Shapes"),
    }
}

#[test]
fn codeshapes_matches_its_readme() {
    let readme = codeshapes_readme();
    assert_eq!(readme.sensitive.len(), 4);
    assert_eq!(readme.invoked.len(), 16);
    assert_eq!(data_access(&inspect_json("codeshapes")), readme.sensitive);

    let data = std::fs::read(apk("codeshapes")).unwrap();
    let archive = Archive::parse(&data, Limits::default()).unwrap();
    let (dex, _) = archive.read(archive.find("classes.dex").unwrap()).unwrap();
    let s = parse_dex("classes.dex", &dex, &DexOptions::default()).unwrap();
    let from_lib: BTreeSet<_> = s
        .api_calls
        .iter()
        .map(|c| (c.caller.clone(), c.api.clone(), c.data_type.clone()))
        .collect();
    assert_eq!(from_lib, readme.sensitive);

    let mut invoked = invoked_methods(&dex, "com.example.codeshapes.Shapes").unwrap();
    // invoke-custom (2 call sites) lists the bootstrap method, which has no method_id operand in
    // the instruction; the README's list holds the method_id operands only.
    let bootstrap = "Ljava/lang/invoke/StringConcatFactory;->makeConcatWithConstants(";
    assert_eq!(
        invoked.iter().filter(|m| m.starts_with(bootstrap)).count(),
        2
    );
    invoked.retain(|m| !m.starts_with(bootstrap));
    invoked.sort();
    invoked.dedup();
    assert_eq!(invoked, readme.invoked);
}

/// Every fixture whose build recorded `expected/version-constants.txt` (dexdump's static values
/// of String fields named like a version): the library keeps exactly those whose value has a
/// digit in it (the others cannot be a version), with the same class, field and value.
#[test]
fn version_constants_equal_dexdump_static_values() {
    let mut checked = 0;
    for case in CASES {
        let path = root()
            .join("fixtures")
            .join(case)
            .join("expected/version-constants.txt");
        let Ok(oracle) = std::fs::read_to_string(&path) else {
            continue;
        };
        let want: BTreeSet<(String, String, String)> = oracle
            .lines()
            .filter_map(|l| {
                let mut it = l.splitn(3, ' ');
                let (class, field, value) = (it.next()?, it.next()?, it.next()?);
                let value = value.strip_prefix('"')?.strip_suffix('"')?;
                value
                    .bytes()
                    .any(|b| b.is_ascii_digit())
                    .then(|| (class.to_string(), field.to_string(), value.to_string()))
            })
            .collect();
        let data = std::fs::read(apk(case)).unwrap();
        let archive = Archive::parse(&data, Limits::default()).unwrap();
        let mut got = BTreeSet::new();
        for e in archive.entries() {
            if !(e.name.starts_with("classes") && e.name.ends_with(".dex")) {
                continue;
            }
            let (dex, _) = archive.read(e).unwrap();
            let s = parse_dex(&e.name, &dex, &DexOptions::default()).unwrap();
            assert!(
                s.anomalies.is_empty(),
                "{case} {}: {:?}",
                e.name,
                s.anomalies
            );
            got.extend(
                s.version_constants
                    .into_iter()
                    .map(|c| (c.class, c.field, c.value)),
            );
        }
        assert_eq!(got, want, "fixtures/{case}.apk");
        assert!(
            !want.is_empty(),
            "{case}: the oracle lists no usable constant"
        );
        checked += 1;
    }
    assert!(
        checked >= 3,
        "only {checked} fixtures have version constants"
    );
}
