//! A correction of a loan's terms keeps each old value and its reason, and
//! the rate can no longer change once the loan is drawn.

use axum::http::StatusCode;
use xinyidai::actions::loan::record_drawdown;
use xinyidai::domain::loan::LoanEventKind;
use xinyidai::domain::{Money, Rate};
use xinyidai::models::loan::drawdown::NewDrawdown;

use super::{day, error_beside, history, input, row, send, setup, terms_fields};
use crate::helpers::TestApp;
use crate::loan_setup::officer_ctx;
use crate::market_setup::signed_in;

#[tokio::test]
async fn a_correction_keeps_each_old_value_and_its_reason() {
    let app = TestApp::new();
    let (_, own) = setup(&app);
    let officer = signed_in(&app, "officer").await;
    let path = format!("/officer/loans/{}/correction", own.loan_id);
    let form = officer.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(input(&form, "contract_no"), "HT-2026-001", "the terms prefilled");
    assert_eq!(input(&form, "line"), "200");
    let version = input(&form, "version");
    let reason = "按纸质合同更正合同编号、额度和担保方式";
    let mut fields =
        terms_fields(&version, &[("contract_no", "HT-2026-001A"), ("line", "180"), ("guarantees", "guarantee")]);
    fields.push(("reason", reason));
    let done = send(&officer, &form, &path, &fields).await;
    assert_eq!(done.location(), Some(format!("/officer/loans/{}?notice=loan_corrected", own.loan_id).as_str()));

    let loan = row(&app, own);
    assert_eq!((loan.contract_no.as_str(), loan.line), ("HT-2026-001A", Money::from_yuan(1_800_000)));
    assert_eq!(loan.guarantees.codes(), "credit,guarantee");
    assert!(!loan.credit_only, "a guarantor makes it no longer a 信用贷款");
    let mut corrections: Vec<_> = history(&app, own)
        .into_iter()
        .filter(|e| e.kind == LoanEventKind::Correction)
        .map(|e| {
            assert_eq!(e.reason.as_deref(), Some(reason));
            assert_eq!(e.happened_on, day("2026-11-26"));
            (e.field.unwrap(), e.old_value.unwrap(), e.new_value.unwrap())
        })
        .collect();
    corrections.sort();
    let expected = [
        ("contract_no", "HT-2026-001", "HT-2026-001A"),
        ("guarantees", "信用", "信用、保证"),
        ("line", "200.00 万元", "180.00 万元"),
    ];
    assert_eq!(corrections, expected.map(|(f, o, n)| (f.to_string(), o.to_string(), n.to_string())));

    // A missing reason is refused beside its field; nothing changes.
    let mut fields = terms_fields(&version, &[("line", "150")]);
    fields.push(("reason", ""));
    let refused = send(&officer, &form, &path, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_beside(&refused, "reason").starts_with("请填写原因"));
    assert_eq!(input(&refused, "line"), "150");
    assert_eq!(row(&app, own).line, Money::from_yuan(1_800_000));
    app.run_jobs().await;
}

#[tokio::test]
async fn a_correction_of_the_rate_after_a_drawdown_is_refused() {
    let app = TestApp::new();
    let (approved, own) = setup(&app);
    let new = NewDrawdown {
        iou_no: "JJ-1".into(),
        amount: Money::from_yuan(300_000),
        value_date: day("2026-11-24"),
        term_months: 6,
    };
    record_drawdown(&mut app.conn(), &officer_ctx(&app, &approved), own, new).unwrap().unwrap();
    let officer = signed_in(&app, "officer").await;
    let path = format!("/officer/loans/{}/correction", own.loan_id);
    let form = officer.get(&path).await;
    assert!(form.body.contains("该贷款已放款"), "the form says what can no longer change");
    let version = input(&form, "version");
    let mut fields = terms_fields(&version, &[("rate", "4.5")]);
    fields.push(("reason", "利率录入错误"));
    let refused = send(&officer, &form, &path, &fields).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("已放款的贷款不能更正利率、期限、签约日期或还款方式"), "{}", refused.body);
    assert_eq!(input(&refused, "rate"), "4.5", "what was typed is kept");
    assert_eq!(row(&app, own).rate, Rate::from_units(40_000));
    assert!(history(&app, own).iter().all(|e| e.kind != LoanEventKind::Correction));
    app.run_jobs().await;
}
