//! `appaudit draft` on the wallet fixture: against its policy, exactly the undisclosed SDKs with
//! their vendors, and the undisclosed permissions; without a policy, every SDK.

mod common;

use common::{apk, appaudit, root, stdout};
use std::collections::BTreeMap;

fn draft(args: &[&str]) -> String {
    let app = apk("wallet");
    let mut all = vec!["draft", app.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    let o = appaudit(&all);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    stdout(&o)
}

/// The rows of the Markdown table that follows the line starting with `header`: first two cells.
fn table(md: &str, header: &str) -> BTreeMap<String, String> {
    md.lines()
        .skip_while(|l| !l.starts_with(header))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            (cells[0].to_string(), cells[1].to_string())
        })
        .collect()
}

#[test]
fn against_the_policy_the_draft_lists_exactly_the_undisclosed_sdks_with_their_vendors() {
    let policy = root().join("fixtures/wallet/policy.txt");
    let md = draft(&["--policy", policy.to_str().unwrap()]);
    let sdks = table(&md, "| SDK名称");
    let want: BTreeMap<String, String> = [
        ("个推", "每日互动股份有限公司"),
        ("穿山甲", "北京巨量引擎网络技术有限公司"),
        ("友盟统计", "友盟同欣（北京）科技有限公司"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(sdks, want, "{md}");
    assert!(md.contains("https://www.umeng.com/page/policy"));
    let perms = table(&md, "| 权限名称");
    let names: Vec<&str> = perms.values().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "`android.permission.READ_CONTACTS`",
            "`android.permission.RECORD_AUDIO`"
        ]
    );
    assert!(perms.contains_key("通讯录权限"));

    let en = draft(&[
        "--policy",
        policy.to_str().unwrap(),
        "--lang",
        "en",
        "--format",
        "txt",
    ]);
    assert!(en.contains("Third-party SDKs (rows the policy is missing)"));
    assert!(en.contains("Umeng (友盟同欣（北京）科技有限公司)") && !en.contains("JPush"));
    assert!(
        en.contains("Contacts (android.permission.READ_CONTACTS): "),
        "{en}"
    );
}

#[test]
fn without_a_policy_every_sdk_is_drafted() {
    let html = draft(&["--format", "html"]);
    assert_eq!(html.matches("<tr data-sdk-id=").count(), 17);
    assert!(!html.contains("<script"));
    let txt = draft(&["--format", "txt"]);
    assert!(txt.starts_with("由 appaudit draft"));
    assert!(txt.contains("1. ") && txt.contains("第三方主体：深圳市和讯华谷信息技术有限公司"));
    // Clean labels of one vocabulary, not the knowledge base's notes.
    assert!(
        txt.contains("   收集的个人信息：IMEI、IMSI、Android ID、"),
        "{txt}"
    );
    assert!(
        !txt.contains("seed") && !txt.contains("documented by"),
        "{txt}"
    );
    // One row per capability: both storage permissions share theirs.
    assert_eq!(txt.matches("存储权限（").count(), 1, "{txt}");
}
