//! Claims on a fund through the actions against a real database: payouts
//! computed here by hand over constructed loans (tiers at their bounds, the
//! bonus over the cap, a rule change between two registrations), the stop
//! line crossed mid-year, the whole life of a claim, tenancy and the dossier.

use diesel::prelude::*;
use xinyidai::actions::Refusal;
use xinyidai::actions::fund_claim::review::{Decision, decide, pay};
use xinyidai::actions::fund_claim::{Draft, attach, claimable, recover, resubmit, submit};
use xinyidai::domain::fund::{ClaimStatus, FileKind, Rules};
use xinyidai::models::fund::budget;
use xinyidai::models::fund::claim::Claim;
use xinyidai::models::fund::claim::file::ClaimFile;
use xinyidai::schema::{fund_claim_events, fund_recoveries};

use crate::fund_claims_setup::{PDF, WAN, admin, bad_loan, bank, day, fund, loan, office, registration_of};
use crate::helpers::TestApp;

fn claim(app: &TestApp, id: i64) -> Claim {
    Claim::find(&mut app.conn(), id).unwrap().unwrap()
}

fn dossier(app: &TestApp, ctx: &xinyidai::actions::Ctx, bank: i64, id: i64, dir: &std::path::Path) {
    for kind in [FileKind::Application, FileKind::Contract, FileKind::LossStatement] {
        attach(&mut app.conn(), ctx, bank, (id, kind), dir, PDF).unwrap().unwrap();
    }
}

#[tokio::test]
async fn payouts_follow_the_tier_of_the_line_at_its_bound_and_the_cap() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &Rules::guangzhou());
    let a = bank(&app, "a");
    // Credit loans (+5 points): 500万 exactly is in the 40 % tier, one fen more in the 30 % tier.
    let at_bound = bad_loan(&app, a, "边界", (500 * WAN, 100 * WAN), false);
    let above = bad_loan(&app, a, "超界", (500 * WAN + 1, 100 * WAN), false);
    // 首贷 and credit: 40 + 15 + 5 = 60 %, held at the 50 % cap.
    let capped = bad_loan(&app, a, "封顶", (200 * WAN, 100 * WAN), true);
    let loss = 1_234_567;
    let draft = Draft { fund_id: fund, losses: vec![(at_bound, loss), (above, loss), (capped, loss)] };
    let id = submit(&mut app.conn(), &admin(&app, a), a.institution, &draft).unwrap().unwrap();
    let items = claim(&app, id).items(&mut app.conn()).unwrap();
    let got: Vec<(i32, i64)> = items.iter().map(|i| (i.ratio_bp, i.payout_fen)).collect();
    // 1,234,567 × 45 % = 555,555.15; × 35 % = 432,098.45; × 50 % = 617,283.5 (half away from zero).
    assert_eq!(got, [(4_500, 555_555), (3_500, 432_098), (5_000, 617_284)]);
    let c = claim(&app, id);
    assert_eq!((c.status, c.loss_fen, c.payout_fen), (ClaimStatus::Submitted, 3 * loss, 555_555 + 432_098 + 617_284));
    app.run_jobs().await;
}

#[tokio::test]
async fn a_registration_keeps_the_ratio_of_the_rules_it_came_under() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &Rules::guangzhou());
    let a = bank(&app, "a");
    let old = bad_loan(&app, a, "旧规则", (100 * WAN, 100 * WAN), false);
    let mut rules = Rules::guangzhou();
    rules.tiers[0].ratio_bp = 2_000;
    xinyidai::actions::fund::change_rules(&mut app.conn(), &office(&app), fund, 1, &rules).unwrap().unwrap();
    let new = bad_loan(&app, a, "新规则", (100 * WAN, 100 * WAN), false);
    let draft = Draft { fund_id: fund, losses: vec![(old, 1_000_000), (new, 1_000_000)] };
    let id = submit(&mut app.conn(), &admin(&app, a), a.institution, &draft).unwrap().unwrap();
    let items = claim(&app, id).items(&mut app.conn()).unwrap();
    // 1万 × (40 + 5) % and 1万 × (20 + 5) %.
    assert_eq!(items.iter().map(|i| i.payout_fen).collect::<Vec<_>>(), [450_000, 250_000]);
    app.run_jobs().await;
}

#[tokio::test]
async fn the_stop_line_crossed_mid_year_refuses_the_next_claim_in_words() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &Rules::guangzhou());
    let a = bank(&app, "a");
    let ctx = admin(&app, a);
    // 100万 registered this year (two drawdowns of 50万): the 3 % line is 3万 of losses.
    let first = bad_loan(&app, a, "甲", (100 * WAN, 50 * WAN), false);
    let second = bad_loan(&app, a, "乙", (100 * WAN, 50 * WAN), false);
    let below = Draft { fund_id: fund, losses: vec![(first, 2 * WAN)] };
    let id = submit(&mut app.conn(), &ctx, a.institution, &below).unwrap().unwrap();
    let dir = tempfile::tempdir().unwrap();
    dossier(&app, &ctx, a.institution, id, dir.path());
    let decided = decide(&mut app.conn(), &office(&app), (id, 1), &Decision::Approve).unwrap().unwrap();
    assert_eq!(decided, ClaimStatus::Approved);
    let crossing = Draft { fund_id: fund, losses: vec![(second, WAN + 1)] };
    let refused = submit(&mut app.conn(), &ctx, a.institution, &crossing).unwrap().unwrap_err();
    assert_eq!(refused.code(), "past_stop_line");
    assert!(refused.to_string().contains("停止线 3.00%"), "{refused}");
    // Exactly on the line is not past it.
    let on_line = Draft { fund_id: fund, losses: vec![(second, WAN)] };
    submit(&mut app.conn(), &ctx, a.institution, &on_line).unwrap().unwrap();
    app.run_jobs().await;
}

#[tokio::test]
async fn a_claim_lives_from_submission_to_recovery_and_a_rejected_one_frees_its_drawdown() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &Rules::guangzhou());
    let a = bank(&app, "a");
    let (bank_ctx, office_ctx) = (admin(&app, a), office(&app));
    let dir = tempfile::tempdir().unwrap();
    let reg = bad_loan(&app, a, "甲", (100 * WAN, 100 * WAN), false);
    let id = submit(&mut app.conn(), &bank_ctx, a.institution, &Draft { fund_id: fund, losses: vec![(reg, 2 * WAN)] })
        .unwrap()
        .unwrap();
    let missing = decide(&mut app.conn(), &office_ctx, (id, 1), &Decision::Approve).unwrap().unwrap_err();
    assert!(missing.to_string().contains("缺少：补偿申请表、借款合同及借据、损失说明及征信分类"), "{missing}");
    let no_reason = decide(&mut app.conn(), &office_ctx, (id, 1), &Decision::Return(" ".into())).unwrap().unwrap_err();
    assert!(matches!(no_reason, Refusal::Fields(_)));
    decide(&mut app.conn(), &office_ctx, (id, 1), &Decision::Return("请补充损失说明".into())).unwrap().unwrap();
    let returned = claim(&app, id);
    assert_eq!((returned.status, returned.reason.as_deref()), (ClaimStatus::Returned, Some("请补充损失说明")));
    dossier(&app, &bank_ctx, a.institution, id, dir.path());
    // Submitted again with a smaller loss: 1.5万 × 45 % = 6,750 元.
    resubmit(&mut app.conn(), &bank_ctx, a.institution, (id, 2), &[(reg, 1_500_000)]).unwrap().unwrap();
    let resubmitted = claim(&app, id);
    assert_eq!((resubmitted.status, resubmitted.payout_fen), (ClaimStatus::Submitted, 675_000));
    assert_eq!(resubmitted.reason, None, "the return's reason is history once the claim is submitted again");
    let too_much = decide(&mut app.conn(), &office_ctx, (id, 3), &Decision::Partly(675_000, "x".into())).unwrap();
    assert!(too_much.is_err(), "a part is below the payout");
    decide(&mut app.conn(), &office_ctx, (id, 3), &Decision::Partly(600_000, "部分材料不实".into())).unwrap().unwrap();
    let again = decide(&mut app.conn(), &office_ctx, (id, 3), &Decision::Reject("x".into())).unwrap().unwrap_err();
    assert_eq!(again, Refusal::Changed("补偿申请"), "a claim is decided once");
    let used = budget::of_year(&mut app.conn(), fund, 2026, 5_000 * WAN).unwrap();
    assert_eq!(used.used_fen, 600_000);
    pay(&mut app.conn(), &office_ctx, (id, 4), day("2026-11-23")).unwrap().unwrap();
    assert_eq!(claim(&app, id).status, ClaimStatus::Paid);
    // 5,000 元 recovered of a 1.5万 loss the fund paid 6,000 元 of: 2,000 元 back.
    let refund =
        recover(&mut app.conn(), &bank_ctx, a.institution, (id, 5), (500_000, day("2026-11-23"))).unwrap().unwrap();
    assert_eq!(refund, 200_000);
    let after = claim(&app, id);
    assert_eq!((after.recovered_fen, after.refunded_fen), (500_000, 200_000));
    assert_eq!(budget::of_year(&mut app.conn(), fund, 2026, 5_000 * WAN).unwrap().used_fen, 400_000);
    let recoveries: i64 = fund_recoveries::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(recoveries, 1);
    let events: Vec<String> = fund_claim_events::table
        .filter(fund_claim_events::claim_id.eq(id))
        .order(fund_claim_events::id)
        .select(fund_claim_events::status)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(events, ["submitted", "returned", "submitted", "partly_approved", "paid", "paid"]);

    let other = bad_loan(&app, a, "乙", (100 * WAN, 100 * WAN), false);
    let draft = Draft { fund_id: fund, losses: vec![(other, WAN)] };
    let rejected = submit(&mut app.conn(), &bank_ctx, a.institution, &draft).unwrap().unwrap();
    assert!(!claimable(&mut app.conn(), fund, a.institution).unwrap().iter().any(|c| c.registration_id == other));
    let twice = submit(&mut app.conn(), &bank_ctx, a.institution, &draft).unwrap().unwrap_err();
    assert_eq!(twice.code(), "already_claimed");
    decide(&mut app.conn(), &office_ctx, (rejected, 1), &Decision::Reject("不符合补偿条件".into())).unwrap().unwrap();
    assert!(claimable(&mut app.conn(), fund, a.institution).unwrap().iter().any(|c| c.registration_id == other));
    submit(&mut app.conn(), &bank_ctx, a.institution, &draft).unwrap().unwrap();
    app.run_jobs().await;
    let mails = app.emails_to("a-admin@example.com").await;
    assert!(mails.iter().any(|m| m.subject.contains("退回补充材料")), "the bank hears of the return");
    assert!(mails.iter().any(|m| m.subject.contains("已拨付")), "and of the payment");
}

#[tokio::test]
async fn a_loan_short_of_the_trigger_or_a_loss_over_what_is_outstanding_is_refused() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &Rules::guangzhou());
    let a = bank(&app, "a");
    let alive = loan(&app, a, "正常", (100 * WAN, 50 * WAN), false);
    let reg = registration_of(&app, alive.loan_id);
    assert!(claimable(&mut app.conn(), fund, a.institution).unwrap().is_empty(), "not written off: not claimable");
    let refused =
        submit(&mut app.conn(), &admin(&app, a), a.institution, &Draft { fund_id: fund, losses: vec![(reg, WAN)] });
    assert!(refused.unwrap().unwrap_err().to_string().contains("尚未达到补偿触发条件"));
    let bad = bad_loan(&app, a, "核销", (100 * WAN, 50 * WAN), false);
    let over = Draft { fund_id: fund, losses: vec![(bad, 50 * WAN + 1)] };
    let refused = submit(&mut app.conn(), &admin(&app, a), a.institution, &over).unwrap().unwrap_err();
    assert!(refused.to_string().contains("不能超过未偿本金 50.00 万元"), "{refused}");
    app.run_jobs().await;
}

#[tokio::test]
async fn another_bank_cannot_claim_see_or_change_a_banks_claims_and_registrations() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &Rules::guangzhou());
    let (a, b) = (bank(&app, "a"), bank(&app, "b"));
    let dir = tempfile::tempdir().unwrap();
    let reg = bad_loan(&app, a, "甲", (100 * WAN, 100 * WAN), false);
    let draft = Draft { fund_id: fund, losses: vec![(reg, WAN)] };
    let by_b = submit(&mut app.conn(), &admin(&app, b), b.institution, &draft).unwrap().unwrap_err();
    assert_eq!(by_b, Refusal::NotFound("入库贷款"));
    assert!(claimable(&mut app.conn(), fund, b.institution).unwrap().is_empty());
    let id = submit(&mut app.conn(), &admin(&app, a), a.institution, &draft).unwrap().unwrap();
    assert!(Claim::find_of(&mut app.conn(), id, b.institution).unwrap().is_none());
    let upload = attach(&mut app.conn(), &admin(&app, b), b.institution, (id, FileKind::Application), dir.path(), PDF);
    assert_eq!(upload.unwrap().unwrap_err(), Refusal::NotFound("补偿申请"));
    let recovery = recover(&mut app.conn(), &admin(&app, b), b.institution, (id, 1), (WAN, day("2026-11-23")));
    assert_eq!(recovery.unwrap().unwrap_err(), Refusal::NotFound("补偿申请"));
    let resubmitted = resubmit(&mut app.conn(), &admin(&app, b), b.institution, (id, 1), &[]);
    assert_eq!(resubmitted.unwrap().unwrap_err(), Refusal::NotFound("补偿申请"));
    assert_eq!(claim(&app, id).version, 1, "nothing changed");
    assert!(ClaimFile::of_claim(&mut app.conn(), id).unwrap().is_empty());
    app.run_jobs().await;
}

#[tokio::test]
async fn a_dossier_file_is_known_by_its_bytes_bounded_and_stored_under_its_hash() {
    use sha2::Digest;
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &Rules::guangzhou());
    let a = bank(&app, "a");
    let ctx = admin(&app, a);
    let dir = tempfile::tempdir().unwrap();
    let reg = bad_loan(&app, a, "甲", (100 * WAN, 100 * WAN), false);
    let id = submit(&mut app.conn(), &ctx, a.institution, &Draft { fund_id: fund, losses: vec![(reg, WAN)] })
        .unwrap()
        .unwrap();
    let exe =
        attach(&mut app.conn(), &ctx, a.institution, (id, FileKind::Contract), dir.path(), b"MZ\x90\x00 renamed.pdf");
    assert!(exe.unwrap().unwrap_err().to_string().contains("只接受 PDF、JPG 或 PNG"));
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let oversized = attach(&mut app.conn(), &ctx, a.institution, (id, FileKind::Contract), dir.path(), &big);
    assert!(oversized.unwrap().unwrap_err().to_string().contains("文件超过 10 MB"));
    attach(&mut app.conn(), &ctx, a.institution, (id, FileKind::Contract), dir.path(), PDF).unwrap().unwrap();
    let files = ClaimFile::of_claim(&mut app.conn(), id).unwrap();
    assert_eq!(files.len(), 1);
    let hash = hex::encode(sha2::Sha256::digest(PDF));
    assert_eq!((files[0].sha256.as_str(), files[0].content_type.as_str()), (hash.as_str(), "application/pdf"));
    let stored: Vec<_> =
        std::fs::read_dir(dir.path().join("fund-files")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(stored, [std::ffi::OsString::from(&hash)], "one file, named by its hash, no temporary left");
    assert_eq!(files[0].download_name(), format!("claim-{id}-contract.pdf"));
    app.run_jobs().await;
}
