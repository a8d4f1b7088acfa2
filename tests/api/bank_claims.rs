//! The bank admin's claim pages through the real router: a bank sees and
//! touches only its own claims (another bank's answers 404 everywhere and
//! nothing changes), the new-claim form offers exactly the triggered
//! unclaimed registrations, the preview's payouts computed here by hand,
//! a bad loss keeping everything typed, the dossier's upload and download
//! under a name of ours, resubmission after a return, a recovery's refund.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use xinyidai::actions::fund_claim::review::{Decision, decide, pay};
use xinyidai::actions::fund_claim::{Draft, attach, submit};
use xinyidai::domain::fund::claim::MAX_FILE_BYTES;
use xinyidai::domain::fund::{ClaimStatus, FileKind, Rules};
use xinyidai::models::fund::claim::Claim;
use xinyidai::models::fund::claim::file::ClaimFile;

use crate::fund_claims_setup::{Bank, PDF, WAN, admin, bad_loan, bank, day, fund, loan, office};
use crate::helpers::{BASE_URL, Client, PASSWORD, Page, TestApp};

/// Guangzhou's tiers without bonus points (40 % up to 500万) and a stop line no claim passes.
fn plain_rules() -> Rules {
    Rules { bonuses: Vec::new(), stop_line_bp: 10_000, ..Rules::guangzhou() }
}

async fn signed_in<'a>(app: &'a TestApp, name: &str) -> Client<'a> {
    let client = app.client();
    assert_eq!(client.login(&format!("{name}-admin"), PASSWORD).await.status, StatusCode::SEE_OTHER);
    client
}

/// Owned form fields as the client's borrowed pairs.
fn pairs<'a>(fields: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn claim(app: &TestApp, id: i64) -> Claim {
    Claim::find(&mut app.conn(), id).unwrap().unwrap()
}

fn files(app: &TestApp, id: i64) -> Vec<ClaimFile> {
    ClaimFile::of_claim(&mut app.conn(), id).unwrap()
}

/// A submitted claim of `bank` on one registration with `loss_wan` lost.
fn submitted(app: &TestApp, bank: Bank, fund: i64, registration: i64, loss_wan: i64) -> i64 {
    let draft = Draft { fund_id: fund, losses: vec![(registration, loss_wan * WAN)] };
    submit(&mut app.conn(), &admin(app, bank), bank.institution, &draft).unwrap().unwrap()
}

fn dossier(app: &TestApp, bank: Bank, id: i64) {
    let dir = tempfile::tempdir().unwrap();
    for kind in [FileKind::Application, FileKind::Contract, FileKind::LossStatement] {
        attach(&mut app.conn(), &admin(app, bank), bank.institution, (id, kind), dir.path(), PDF).unwrap().unwrap();
    }
}

/// Uploads a dossier file through the claim page's form, the token first as a browser sends it.
async fn upload(client: &Client<'_>, id: i64, kind: &str, file_name: &str, bytes: &[u8]) -> Page {
    let page = client.get(&format!("/bank/claims/{id}")).await;
    let token = if page.status == StatusCode::OK { page.csrf() } else { client.get("/bank/claims").await.csrf() };
    let boundary = "----bank-claims-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let request = Request::builder()
        .method("POST")
        .uri(format!("/bank/claims/{id}/files"))
        .header("x-forwarded-for", "198.51.100.9")
        .header(header::COOKIE, client.cookie())
        .header(header::ORIGIN, BASE_URL)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    client.send(request).await
}

/// A PNG's signature and a little more.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

#[tokio::test]
async fn another_banks_claim_answers_404_everywhere_and_nothing_changes() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &plain_rules());
    let (a, b) = (bank(&app, "a"), bank(&app, "b"));
    let own = submitted(&app, a, fund, bad_loan(&app, a, "甲方", (100 * WAN, 100 * WAN), false), 10);
    let theirs = submitted(&app, b, fund, bad_loan(&app, b, "乙方", (100 * WAN, 100 * WAN), false), 10);
    dossier(&app, b, theirs);
    let file = files(&app, theirs)[0].id;
    let before = (claim(&app, theirs).version, files(&app, theirs).len());

    let client = signed_in(&app, "a").await;
    let list = client.get("/bank/claims").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!("/bank/claims/{own}\"")), "{}", list.body);
    assert!(!list.body.contains(&format!("/bank/claims/{theirs}\"")));
    assert_eq!(client.get(&format!("/bank/claims/{theirs}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(client.get(&format!("/bank/claims/{theirs}/files/{file}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(upload(&client, theirs, "application", "x.pdf", PDF).await.status, StatusCode::NOT_FOUND);
    let version = before.0.to_string();
    let token = client.get("/bank/claims").await.csrf();
    let posts: [(String, Vec<(&str, &str)>); 3] = [
        (format!("/bank/claims/{theirs}/resubmit"), vec![("version", &version)]),
        (
            format!("/bank/claims/{theirs}/recoveries/confirm"),
            vec![("version", &version), ("amount", "1"), ("on", "2026-11-23")],
        ),
        (
            format!("/bank/claims/{theirs}/recoveries"),
            vec![("version", &version), ("amount", "1"), ("on", "2026-11-23")],
        ),
    ];
    for (path, fields) in posts {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(fields);
        assert_eq!(client.post(&path, &all).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!((claim(&app, theirs).version, files(&app, theirs).len()), before);
    assert_eq!(claim(&app, theirs).status, ClaimStatus::Submitted);
    app.run_jobs().await;
}

#[tokio::test]
async fn the_new_claim_form_offers_exactly_the_triggered_unclaimed_registrations() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &plain_rules());
    let (a, b) = (bank(&app, "a"), bank(&app, "b"));
    bad_loan(&app, a, "可申请", (100 * WAN, 80 * WAN), false);
    loan(&app, a, "未核销", (100 * WAN, 80 * WAN), false);
    let claimed = bad_loan(&app, a, "已申请", (100 * WAN, 80 * WAN), false);
    submitted(&app, a, fund, claimed, 10);
    bad_loan(&app, b, "他行", (100 * WAN, 80 * WAN), false);

    let client = signed_in(&app, "a").await;
    let page = client.get(&format!("/bank/claims/new?fund={fund}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("JJ-可申请"), "{}", page.body);
    for absent in ["JJ-未核销", "JJ-已申请", "JJ-他行"] {
        assert!(!page.body.contains(absent), "{absent}");
    }
    // 80万 outstanding, prefilled as the loss; 40 % of the tier up to 500万.
    assert!(page.body.contains("value=\"80\""));
    assert!(page.body.contains("40.00%"));
    assert!(page.body.contains("本年度损失率"));

    // Nothing left to claim: the words say why.
    let c = signed_in(&app, "b").await;
    let none = c.get(&format!("/bank/claims/new?fund={fund}")).await;
    assert!(none.body.contains("JJ-他行"));
    let other = fund_without_loans(&app);
    let empty = c.get(&format!("/bank/claims/new?fund={other}")).await;
    assert!(empty.body.contains("尚无入库贷款达到规则的补偿触发条件（贷款核销后）"), "{}", empty.body);
    assert_eq!(c.get("/bank/claims/new?fund=999999").await.status, StatusCode::NOT_FOUND);
    app.run_jobs().await;
}

fn fund_without_loans(app: &TestApp) -> i64 {
    let rules = Rules { sizes: vec!["medium".into()], ..plain_rules() };
    fund(app, "中型企业风补", 1_000, &rules)
}

#[tokio::test]
async fn the_preview_pays_ratio_times_loss_and_a_bad_loss_keeps_everything_typed() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &plain_rules());
    let a = bank(&app, "a");
    let first = bad_loan(&app, a, "一号", (500 * WAN, 400 * WAN), false).to_string();
    let second = bad_loan(&app, a, "二号", (100 * WAN, 50 * WAN), false).to_string();
    let client = signed_in(&app, "a").await;
    let form = format!("/bank/claims/new?fund={fund}");
    let fund = fund.to_string();
    let lines = |one: &'static str, two: &'static str| {
        vec![
            ("fund", fund.clone()),
            ("reg", first.clone()),
            ("loss", one.to_string()),
            ("pick", first.clone()),
            ("reg", second.clone()),
            ("loss", two.to_string()),
            ("pick", second.clone()),
        ]
    };
    let fields = lines("300", "12.5");
    let as_refs = pairs(&fields);
    let preview = client.submit(&form, "/bank/claims/preview", &as_refs).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    // 300万 × 40 % = 120万 = 1,200,000.00 元; 12.5万 × 40 % = 5万; together 125万.
    assert!(preview.body.contains("1,200,000.00 元"), "{}", preview.body);
    assert!(preview.body.contains("50,000.00 元"));
    assert!(preview.body.contains("1,250,000.00 元"));
    assert!(preview.body.contains("125.00 万元"));
    assert!(preview.body.contains("确认提交") && preview.body.contains("返回修改"));
    // 返回修改 brings the form back as typed.
    let mut edit = as_refs.clone();
    edit.push(("intent", "edit"));
    let back = client.submit(&form, "/bank/claims/preview", &edit).await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(back.body.contains("value=\"300\"") && back.body.contains("value=\"12.5\""));

    // A bad number and a loss above the outstanding: each beside its line, everything kept.
    let fields = lines("三百", "60");
    let as_refs = pairs(&fields);
    let bad = client.submit(&form, "/bank/claims/preview", &as_refs).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"三百\"") && bad.body.contains("value=\"60\""), "{}", bad.body);
    assert!(bad.body.contains("请填写本金损失（万元，大于 0，最多六位小数）"));
    assert_eq!(bad.body.matches(" checked").count(), 2);
    let fields = lines("300", "60");
    let as_refs = pairs(&fields);
    let above = client.submit(&form, "/bank/claims/preview", &as_refs).await;
    assert_eq!(above.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(above.body.contains("借据 JJ-二号：本金损失不能超过未偿本金 50.00 万元"), "{}", above.body);
    assert!(above.body.contains("value=\"300\""));
    app.run_jobs().await;
}

#[tokio::test]
async fn submitting_creates_the_claim_and_asks_for_the_dossier() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &plain_rules());
    let a = bank(&app, "a");
    let reg = bad_loan(&app, a, "一号", (500 * WAN, 400 * WAN), false).to_string();
    let client = signed_in(&app, "a").await;
    let fields = [("fund", fund.to_string()), ("reg", reg.clone()), ("loss", "300".into()), ("pick", reg.clone())];
    let as_refs = pairs(&fields);
    let done = client.submit("/bank/claims", "/bank/claims", &as_refs).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let location = done.location().unwrap().to_string();
    let id: i64 = location.trim_start_matches("/bank/claims/").split('?').next().unwrap().parse().unwrap();
    assert_eq!(location, format!("/bank/claims/{id}?notice=claim_submitted"));
    let c = claim(&app, id);
    assert_eq!(
        (c.institution_id, c.status, c.loss_fen, c.payout_fen),
        (a.institution, ClaimStatus::Submitted, 300 * WAN, 120 * WAN)
    );
    let page = client.get(&location).await;
    assert!(page.body.contains("请在下方上传申请材料"));
    assert!(page.body.contains("上传申请材料"));
    // The same registration again: already in a live claim, said above the form.
    let again = client.submit("/bank/claims", "/bank/claims", &as_refs).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.run_jobs().await;
}

#[tokio::test]
async fn a_dossier_file_is_known_by_its_bytes_and_downloads_under_our_name() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &plain_rules());
    let a = bank(&app, "a");
    let id = submitted(&app, a, fund, bad_loan(&app, a, "一号", (100 * WAN, 100 * WAN), false), 10);
    let client = signed_in(&app, "a").await;

    let png = upload(&client, id, "application", "申请表扫描.png", PNG).await;
    assert_eq!(png.status, StatusCode::SEE_OTHER);
    assert_eq!(png.location(), Some(format!("/bank/claims/{id}?notice=claim_file_added").as_str()));
    assert_eq!(upload(&client, id, "contract", "合同.pdf", PDF).await.status, StatusCode::SEE_OTHER);
    let page = client.get(&format!("/bank/claims/{id}")).await;
    assert!(page.body.contains("补偿申请表") && page.body.contains("借款合同及借据"));
    let stored = files(&app, id);
    for (file, bytes, name, kind) in [
        (&stored[0], PNG, format!("claim-{id}-application.png"), "image/png"),
        (&stored[1], PDF, format!("claim-{id}-contract.pdf"), "application/pdf"),
    ] {
        let got = client.get(&format!("/bank/claims/{id}/files/{}", file.id)).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.headers[header::CONTENT_TYPE], kind);
        let disposition = got.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(disposition.contains(&name), "{disposition}");
        assert!(!disposition.contains("扫描") && !disposition.contains("合同"));
        // The page keeps its body as text: the bytes compared as the same text, and their count.
        assert_eq!(got.body, String::from_utf8_lossy(bytes));
        assert_eq!(file.size_bytes, i64::try_from(bytes.len()).unwrap());
    }

    let exe = upload(&client, id, "approval", "审批.pdf", b"MZ\x90\0\x03\0\0\0\x04\0\0\0").await;
    assert_eq!(exe.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(exe.body.contains("id=\"file-error\">只接受 PDF、JPG 或 PNG 文件（按文件内容识别）"), "{}", exe.body);
    let mut big = PDF.to_vec();
    big.resize(MAX_FILE_BYTES + 1, b'0');
    let large = upload(&client, id, "approval", "大.pdf", &big).await;
    assert_eq!(large.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(large.body.contains("文件超过 10 MB"));
    let empty = upload(&client, id, "approval", "", b"").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("请选择要上传的文件"));
    assert_eq!(files(&app, id).len(), 2);
    app.run_jobs().await;
}

#[tokio::test]
async fn a_returned_claim_is_submitted_again_with_its_losses_as_now_stated() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &plain_rules());
    let a = bank(&app, "a");
    let reg = bad_loan(&app, a, "一号", (500 * WAN, 400 * WAN), false);
    let id = submitted(&app, a, fund, reg, 300);
    let returned = Decision::Return("请补充损失说明".into());
    decide(&mut app.conn(), &office(&app), (id, 1), &returned).unwrap().unwrap();
    let client = signed_in(&app, "a").await;
    let page = client.get(&format!("/bank/claims/{id}")).await;
    assert!(page.body.contains("退回原因") && page.body.contains("请补充损失说明"));
    assert!(page.body.contains("重新提交") && page.body.contains("value=\"300\""));
    let version = claim(&app, id).version.to_string();
    let (reg, path) = (reg.to_string(), format!("/bank/claims/{id}"));
    let fields = [("version", version.as_str()), ("reg", reg.as_str()), ("loss", "200")];
    let missing = client.submit(&path, &format!("{path}/resubmit"), &fields).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("申请材料不全，缺少：补偿申请表、借款合同及借据、损失说明及征信分类"));
    assert!(missing.body.contains("value=\"200\""));
    dossier(&app, a, id);
    let stale = [("version", "1"), ("reg", reg.as_str()), ("loss", "200")];
    assert_eq!(
        client.submit(&path, &format!("{path}/resubmit"), &stale).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let done = client.submit(&path, &format!("{path}/resubmit"), &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let c = claim(&app, id);
    // 200万 × 40 % = 80万.
    assert_eq!((c.status, c.loss_fen, c.payout_fen), (ClaimStatus::Submitted, 200 * WAN, 80 * WAN));
    app.run_jobs().await;
}

#[tokio::test]
async fn a_recovery_after_payment_gives_the_funds_share_back_after_a_confirmation() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &plain_rules());
    let a = bank(&app, "a");
    let id = submitted(&app, a, fund, bad_loan(&app, a, "一号", (500 * WAN, 400 * WAN), false), 300);
    dossier(&app, a, id);
    decide(&mut app.conn(), &office(&app), (id, 1), &Decision::Approve).unwrap().unwrap();
    pay(&mut app.conn(), &office(&app), (id, 2), day("2026-11-23")).unwrap().unwrap();
    let client = signed_in(&app, "a").await;
    let path = format!("/bank/claims/{id}");
    let page = client.get(&path).await;
    assert!(page.body.contains("记录追回"));
    let version = claim(&app, id).version.to_string();
    let bad = [("version", version.as_str()), ("amount", "一百"), ("on", "2026-11-23")];
    let wrong = client.submit(&path, &format!("{path}/recoveries/confirm"), &bad).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("value=\"一百\"") && wrong.body.contains("请填写追回金额"));
    let fields = [("version", version.as_str()), ("amount", "100"), ("on", "2026-11-23")];
    let confirm = client.submit(&path, &format!("{path}/recoveries/confirm"), &fields).await;
    assert_eq!(confirm.status, StatusCode::OK);
    // 100万 recovered × 120万 paid ÷ 300万 lost = 40万 back to the fund; the bank keeps 80万.
    assert!(confirm.body.contains("400,000.00 元") && confirm.body.contains("800,000.00 元"), "{}", confirm.body);
    let done = client.submit(&path, &format!("{path}/recoveries"), &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let c = claim(&app, id);
    assert_eq!((c.recovered_fen, c.refunded_fen), (100 * WAN, 40 * WAN));
    let after = client.get(&path).await;
    assert!(after.body.contains("400,000.00 元") && after.body.contains("800,000.00 元"));
    app.run_jobs().await;
}
