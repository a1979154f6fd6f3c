//! One source of truth for the knowledge base: the catalogue `build.rs` validated and embedded
//! (decoded at start-up, regexes compiled on first use) is the catalogue the runtime loader
//! (`--rules DIR`) makes of `rules/` today, entry for entry, and gives the same output.

use appaudit::rules::sdks::SdkCatalog;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn builtin() -> &'static SdkCatalog {
    SdkCatalog::builtin().unwrap_or_else(|d| panic!("built-in rules do not load: {d:#?}"))
}

#[test]
fn embedded_catalogue_equals_the_runtime_load_of_rules() {
    // Relative to the crate root, as build.rs names the files (`rules/sdks/x.toml`).
    std::env::set_current_dir(root()).expect("cd to the crate root");
    let runtime = SdkCatalog::load_dir(Path::new("rules/sdks"))
        .unwrap_or_else(|d| panic!("rules/sdks does not load: {d:#?}"));
    let embedded = builtin();
    assert!(embedded.len() >= 600, "{} entries", embedded.len());
    assert_eq!(embedded.len(), runtime.len());
    for (e, r) in embedded.iter().zip(runtime.iter()) {
        // Every field, the source file and line numbers included.
        assert_eq!(e, r, "entry {} differs", r.id);
        assert_eq!(e.file, r.file);
    }
    assert_eq!(
        appaudit::engine::rules_version(embedded),
        appaudit::engine::rules_version(&runtime)
    );
}

#[test]
fn embedded_matchers_all_compile() {
    // The embedded catalogue compiles its regex sets on first use; here, all of them now.
    builtin()
        .compile_all()
        .unwrap_or_else(|d| panic!("built-in matchers do not compile: {d:#?}"));
}

fn run(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run appaudit");
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 1),
        "appaudit {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn fixture_apks() -> Vec<PathBuf> {
    let mut apks: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .expect("fixtures/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "apk"))
        .collect();
    apks.sort();
    assert!(apks.len() >= 10, "{apks:?}");
    apks
}

#[test]
fn builtin_and_rules_dir_give_the_same_output() {
    let list = run(&["rules", "list"]);
    assert!(list.len() > 10_000, "rules list is {} bytes", list.len());
    assert_eq!(
        String::from_utf8_lossy(&list),
        String::from_utf8_lossy(&run(&["rules", "list", "--rules", "rules"])),
        "rules list"
    );
    for apk in fixture_apks() {
        let apk = apk.to_string_lossy().into_owned();
        let builtin = run(&["inspect", "--format", "json", &apk]);
        let dir = run(&["inspect", "--format", "json", "--rules", "rules", &apk]);
        assert!(builtin.len() > 100, "{apk}: no report");
        assert_eq!(
            String::from_utf8_lossy(&builtin),
            String::from_utf8_lossy(&dir),
            "inspect {apk}"
        );
    }
    // An audit names the rules version: a hash over every entry, equal only if the catalogues are.
    let audit = |extra: &[&str]| {
        let mut args = vec![
            "audit",
            "fixtures/wallet.apk",
            "--policy",
            "fixtures/wallet/policy.txt",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let builtin = audit(&[]);
    assert!(
        String::from_utf8_lossy(&builtin).contains("\"sha256:"),
        "audit report names its rules version"
    );
    assert_eq!(
        String::from_utf8_lossy(&builtin),
        String::from_utf8_lossy(&audit(&["--rules", "rules"])),
        "audit wallet"
    );
}

/// Every entry of a catalogue as JSON, to compare two loads of it.
fn as_json<T: serde::Serialize>(items: impl Iterator<Item = T>) -> String {
    serde_json::to_string(&items.collect::<Vec<_>>()).expect("serialise")
}

#[test]
fn embedded_catalogues_equal_their_toml() {
    use appaudit::rules::permissions::PermissionCatalog;
    use appaudit::rules::{apis::ApiCatalog, data_types::DataTypeCatalog};
    let read = |f: &str| std::fs::read_to_string(root().join("rules").join(f)).expect("read");

    let toml = PermissionCatalog::from_toml(&read("permissions.toml"), "p").expect("valid");
    let embedded = PermissionCatalog::builtin();
    assert!(embedded.iter().count() >= 60);
    assert_eq!(
        as_json(embedded.iter()),
        as_json(toml.iter()),
        "permissions"
    );
    // The short-name index too.
    for p in toml.iter() {
        let short = p.name.rsplit('.').next().unwrap_or_default();
        assert_eq!(
            embedded.get(short).map(|r| &r.name),
            toml.get(short).map(|r| &r.name),
            "{short}"
        );
    }

    let toml = DataTypeCatalog::from_toml(&read("data-types.toml"), "d").expect("valid");
    let embedded = DataTypeCatalog::builtin();
    assert!(embedded.iter().count() >= 50);
    assert_eq!(as_json(embedded.iter()), as_json(toml.iter()), "data types");

    let toml = ApiCatalog::from_toml(&read("apis.toml"), "a").expect("valid");
    let embedded = ApiCatalog::builtin();
    assert!(embedded.len() >= 50);
    assert_eq!(as_json(embedded.iter()), as_json(toml.iter()), "apis");
    for r in toml.iter() {
        if let Some((class, member)) = r.class_and_member() {
            if r.kind == appaudit::rules::apis::ApiKind::Invoke {
                assert_eq!(embedded.lookup(class, member), Some(r), "{}", r.api);
            }
        }
    }
}
