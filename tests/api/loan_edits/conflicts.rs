//! A loan changed since its form was read: the conflict page with what was
//! typed beside the current values, on every edit; and another bank's
//! officer refused on every edit URL.

use axum::http::StatusCode;
use xinyidai::domain::Role;
use xinyidai::domain::loan::{Classification, LoanStatus};

use super::{colleague, history, input, row, send, setup, terms_fields};
use crate::helpers::TestApp;
use crate::market_setup::signed_in;

#[tokio::test]
async fn a_lost_update_shows_the_conflict_with_what_was_typed_and_resubmits_on_the_current_state() {
    let app = TestApp::new();
    let (approved, own) = setup(&app);
    colleague(&app, &approved, "officer-b");
    let (a, b) = (signed_in(&app, "officer").await, signed_in(&app, "officer-b").await);
    let path = format!("/officer/loans/{}/classification", own.loan_id);
    let (form_a, form_b) = (a.get(&path).await, b.get(&path).await);
    let version = input(&form_a, "version");
    assert_eq!(input(&form_b, "version"), version, "both read the loan at one version");

    let first =
        [("version", version.as_str()), ("to", "special_mention"), ("on", "2026-11-25"), ("reason", "甲的判断")];
    assert_eq!(send(&a, &form_a, &path, &first).await.status, StatusCode::SEE_OTHER);
    let reason = "乙的判断：主要客户流失，连续两期延迟付息";
    let second = [("version", version.as_str()), ("to", "substandard"), ("on", "2026-11-26"), ("reason", reason)];
    let conflict = send(&b, &form_b, &path, &second).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(conflict.body.contains("该贷款刚刚被修改过，您填写的内容尚未保存"), "{}", conflict.body);
    assert!(conflict.body.contains("<td data-label=\"贷款当前\">关注</td>"), "the current classification shown");
    assert!(conflict.body.contains("<strong>次级</strong>"), "beside what was typed");
    assert!(conflict.body.contains(&format!(">{reason}</textarea>")), "the typed reason is kept");
    assert!(conflict.body.contains("value=\"substandard\" checked"));
    let now = row(&app, own);
    assert_eq!(now.classification, Classification::SpecialMention, "the first change stands");
    assert_eq!(input(&conflict, "version"), now.version.to_string(), "the form carries the new version");

    // One click re-submits on top of the current state.
    let fields = [
        ("version", input(&conflict, "version")),
        ("to", "substandard".to_string()),
        ("on", input(&conflict, "on")),
        ("reason", reason.to_string()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let done = send(&b, &conflict, &path, &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(row(&app, own).classification, Classification::Substandard);
    let entry = &history(&app, own)[0];
    assert_eq!(
        (entry.old_value.as_deref(), entry.new_value.as_deref()),
        (Some("special_mention"), Some("substandard"))
    );
    assert_eq!(entry.reason.as_deref(), Some(reason));
    app.run_jobs().await;
}

#[tokio::test]
async fn a_stale_correction_or_write_off_gets_the_conflict_page_too() {
    let app = TestApp::new();
    let (_, own) = setup(&app);
    let officer = signed_in(&app, "officer").await;
    let base = format!("/officer/loans/{}", own.loan_id);
    let correction = officer.get(&format!("{base}/correction")).await;
    let write_off = officer.get(&format!("{base}/write-off")).await;
    let stale = input(&correction, "version");
    // Meanwhile the loan is classified (from another tab).
    let classification = officer.get(&format!("{base}/classification")).await;
    let fields = [("version", stale.as_str()), ("to", "special_mention"), ("on", "2026-11-26"), ("reason", "风险上升")];
    assert_eq!(
        send(&officer, &classification, &format!("{base}/classification"), &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let current = row(&app, own).version.to_string();

    let mut fields = terms_fields(&stale, &[("contract_no", "HT-2026-009")]);
    fields.push(("reason", "合同编号录入错误"));
    let conflict = send(&officer, &correction, &format!("{base}/correction"), &fields).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(conflict.body.contains("<strong>HT-2026-009</strong>"), "the typed number beside the current one");
    assert_eq!((input(&conflict, "contract_no"), input(&conflict, "version")), ("HT-2026-009".into(), current.clone()));
    assert_eq!(row(&app, own).contract_no, "HT-2026-001");

    let fields = [("version", stale.as_str()), ("on", "2026-11-26"), ("reason", "经批准核销")];
    for action in [format!("{base}/write-off/confirm"), format!("{base}/write-off")] {
        let conflict = send(&officer, &write_off, &action, &fields).await;
        assert_eq!(conflict.status, StatusCode::CONFLICT, "{action}");
        assert!(conflict.body.contains("该贷款刚刚被修改过"));
        assert!(conflict.body.contains(">经批准核销</textarea>"));
        assert_eq!(input(&conflict, "version"), current);
    }
    assert_eq!(row(&app, own).status, LoanStatus::Normal);
    app.run_jobs().await;
}

#[tokio::test]
async fn another_banks_officer_gets_404_on_every_edit_url_and_the_loan_is_unchanged() {
    let app = TestApp::new();
    let (_, own) = setup(&app);
    app.user(Role::Officer, "other-bank");
    let other = signed_in(&app, "other-bank").await;
    let before = row(&app, own);
    let base = format!("/officer/loans/{}", own.loan_id);
    for page in ["classification", "write-off", "correction"] {
        assert_eq!(other.get(&format!("{base}/{page}")).await.status, StatusCode::NOT_FOUND, "GET {page}");
    }
    let version = before.version.to_string();
    let event = [("version", version.as_str()), ("to", "loss"), ("on", "2026-11-26"), ("reason", "冒用他行贷款")];
    let mut terms = terms_fields(&version, &[("line", "1")]);
    terms.push(("reason", "冒用他行贷款"));
    let own_page = other.get("/officer/profile").await;
    for (action, fields) in [
        ("classification", event.to_vec()),
        ("write-off/confirm", event.to_vec()),
        ("write-off", event.to_vec()),
        ("correction", terms),
    ] {
        let refused = send(&other, &own_page, &format!("{base}/{action}"), &fields).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "POST {action}");
    }
    let after = row(&app, own);
    assert_eq!(
        (after.version, after.classification, after.status, after.line, after.contract_no),
        (before.version, before.classification, before.status, before.line, before.contract_no)
    );
    assert_eq!(history(&app, own).len(), 1);
    app.run_jobs().await;
}
