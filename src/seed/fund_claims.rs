//! The demo fund's claims (补偿申请) in every state, made through the claim
//! actions at the days they happened: submitted with their dossier, then
//! returned, approved, partly approved, rejected, paid and one recovered.
//! 云海银行 (demo-bank-admin) holds a paid, a returned and a submitted
//! claim; 云海农村商业银行 an approved and a partly approved one; 东岳银行 a
//! paid one with a recovery (追回) and a rejected one.
//!
//! The losses are what is left after collateral and guarantors, well below
//! each drawdown's outstanding principal, and small enough that each bank
//! stays under the stop line (see `claim_loans`): at most 18万 on a day
//! 600万 was registered, 9.6万 on a day 320万 was. The budget (5,000万 a
//! year) is far from spent by the 20万 or so approved.

use std::path::Path;

use chrono::{Days, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::claim_loans::{
    DYBANK_PLEDGED, DYBANK_SUBMITS, YHBANK_CREDIT, YHBANK_FIRST_LOAN, YHBANK_SUBMITS, YHRCB_GUARANTEED, YHRCB_SUBMITS,
};
use super::loans::{WRITTEN_OFF, moment};
use super::needs::refuse;
use crate::actions::Ctx;
use crate::actions::fund_claim::review::{Decision, decide, pay};
use crate::actions::fund_claim::{Draft, REQUIRED, attach, claimable, recover, submit};
use crate::clock::beijing;
use crate::db::DbConn;
use crate::domain::fund::FileKind;
use crate::models::audit::Actor;
use crate::models::fund::claim::Claim;
use crate::schema::users;

const WAN: i64 = 1_000_000;

/// What the credit office (or the bank, for a recovery) does after the submission.
#[derive(Clone, Copy)]
enum Then {
    Return(&'static str),
    Approve,
    Partly(i64, &'static str),
    Reject(&'static str),
    Pay,
    /// The bank records a recovery of so many 万元.
    Recover(i64),
}

/// One demo claim: the bank admin, the loan (its place in the demo plans,
/// `claim_loans::PLANS` counted after `loans::PLANS`) and the number of its
/// drawdown (its IOU's "JJ01", "JJ02"), the loss in 万元, the submission day, its files and what followed.
struct Script {
    admin: &'static str,
    loan: usize,
    drawdown: usize,
    loss_wan: i64,
    submitted: i64,
    files: &'static [FileKind],
    then: &'static [(i64, Then)],
}

const AFTER_LOANS: usize = super::loans::PLANS_LEN;

const SCRIPTS: [Script; 7] = [
    // Paid: 15万 × 50 % (40 % + 首贷 15 + 信用 5, held at the 50 % cap) = 7.5万.
    Script {
        admin: "demo-bank-admin",
        loan: AFTER_LOANS + YHBANK_FIRST_LOAN,
        drawdown: 1,
        loss_wan: 15,
        submitted: YHBANK_SUBMITS[0],
        files: &REQUIRED,
        then: &[(62, Then::Approve), (55, Then::Pay)],
    },
    // Returned for the loss statement the bank left out.
    Script {
        admin: "demo-bank-admin",
        loan: AFTER_LOANS + YHBANK_FIRST_LOAN,
        drawdown: 2,
        loss_wan: 12,
        submitted: YHBANK_SUBMITS[1],
        files: &[FileKind::Application, FileKind::Contract],
        then: &[(
            12,
            Then::Return("缺少损失说明及征信分类：请补充该笔借据的损失说明及人民银行征信系统五级分类截图后重新提交"),
        )],
    },
    // Under review: 16万 × 45 % = 7.2万.
    Script {
        admin: "demo-bank-admin",
        loan: AFTER_LOANS + YHBANK_CREDIT,
        drawdown: 1,
        loss_wan: 16,
        submitted: YHBANK_SUBMITS[2],
        files: &[FileKind::Application, FileKind::Contract, FileKind::LossStatement, FileKind::RepaymentHistory],
        then: &[],
    },
    // Partly approved: 8万 × 40 % = 3.2万 by the rules, 2.4万 given (6万 × 40 %).
    Script {
        admin: "yhrcb-admin",
        loan: AFTER_LOANS + YHRCB_GUARANTEED,
        drawdown: 1,
        loss_wan: 8,
        submitted: YHRCB_SUBMITS[0],
        files: &[FileKind::Application, FileKind::Approval, FileKind::Contract, FileKind::LossStatement],
        then: &[(
            24,
            Then::Partly(
                24 * WAN / 10,
                "保证人已代偿 2 万元，应从损失中扣减：按核减后的本金损失 6 万元的 40% 补偿 2.4 万元",
            ),
        )],
    },
    // Approved, not yet paid: 9万 × 40 % = 3.6万.
    Script {
        admin: "yhrcb-admin",
        loan: AFTER_LOANS + YHRCB_GUARANTEED,
        drawdown: 2,
        loss_wan: 9,
        submitted: YHRCB_SUBMITS[1],
        files: &REQUIRED,
        then: &[(8, Then::Approve)],
    },
    // Paid 16万 × 40 % = 6.4万, then 4万 recovered: 4 × 6.4 / 16 = 1.6万 back to the fund.
    Script {
        admin: "dybank-admin",
        loan: WRITTEN_OFF,
        drawdown: 1,
        loss_wan: 16,
        submitted: DYBANK_SUBMITS[0],
        files: &[FileKind::Application, FileKind::Contract, FileKind::LossStatement, FileKind::Commitment],
        then: &[(28, Then::Approve), (21, Then::Pay), (6, Then::Recover(4))],
    },
    // Rejected.
    Script {
        admin: "dybank-admin",
        loan: AFTER_LOANS + DYBANK_PLEDGED,
        drawdown: 1,
        loss_wan: 10,
        submitted: DYBANK_SUBMITS[1],
        files: &REQUIRED,
        then: &[(7, Then::Reject("经核查，该笔贷款发放后未按规定开展贷后检查，质押物失管，不属于资金池补偿范围"))],
    },
];

/// A user's context at `at`, as their role.
fn ctx_of(conn: &mut DbConn, username: &str, at: NaiveDateTime, base_url: &str) -> anyhow::Result<Ctx> {
    let (id, role, institution): (i64, String, Option<i64>) = users::table
        .filter(users::username.eq(username))
        .select((users::id, users::role, users::institution_id))
        .first(conn)?;
    let actor = Actor { user_id: Some(id), role: Some(role), institution_id: institution, ip: None };
    Ok(Ctx { actor, now: at, base_url: base_url.into() })
}

/// Makes the demo claims on `fund` over the loans `loans` (ids in plan order),
/// storing their dossier files under `data_dir`.
pub fn add(
    conn: &mut DbConn,
    (fund, loans): (i64, &[i64]),
    now: NaiveDateTime,
    (base_url, data_dir): (&str, &Path),
) -> anyhow::Result<()> {
    let today = beijing(now).date_naive();
    let at = |days: i64| moment(today - Days::new(u64::try_from(days).unwrap_or(0)), now);
    for script in &SCRIPTS {
        let bank = ctx_of(conn, script.admin, at(script.submitted), base_url)?;
        let institution = bank.actor.institution_id.unwrap_or_default();
        let loan = loans.get(script.loan).copied().ok_or_else(|| anyhow::anyhow!("no demo loan {}", script.loan))?;
        let iou = format!("-JJ{:02}", script.drawdown);
        let registration = claimable(conn, fund, institution)?
            .into_iter()
            .find(|c| c.loan_id == loan && c.iou_no.ends_with(&iou))
            .ok_or_else(|| anyhow::anyhow!("demo loan {loan} has no claimable drawdown {iou}"))?;
        let draft = Draft { fund_id: fund, losses: vec![(registration.registration_id, script.loss_wan * WAN)] };
        let id = submit(conn, &bank, institution, &draft)?.map_err(refuse)?;
        for (k, kind) in script.files.iter().enumerate() {
            let bytes = if *kind == FileKind::LossStatement { PNG.to_vec() } else { pdf(id, *kind) };
            let ctx = Ctx { now: bank.now + chrono::Duration::minutes(5 + 5 * k as i64), ..bank.clone() };
            attach(conn, &ctx, institution, (id, *kind), data_dir, &bytes)?.map_err(refuse)?;
        }
        for (days, then) in script.then {
            let version = Claim::find(conn, id)?.map_or(0, |c| c.version);
            let office = ctx_of(conn, "demo-credit-office", at(*days), base_url)?;
            let day: NaiveDate = beijing(office.now).date_naive();
            match *then {
                Then::Return(r) => decide(conn, &office, (id, version), &Decision::Return(r.into()))?.map(|_| ()),
                Then::Approve => decide(conn, &office, (id, version), &Decision::Approve)?.map(|_| ()),
                Then::Partly(fen, r) => {
                    decide(conn, &office, (id, version), &Decision::Partly(fen, r.into()))?.map(|_| ())
                }
                Then::Reject(r) => decide(conn, &office, (id, version), &Decision::Reject(r.into()))?.map(|_| ()),
                Then::Pay => pay(conn, &office, (id, version), day)?,
                Then::Recover(wan) => {
                    let bank = ctx_of(conn, script.admin, at(*days), base_url)?;
                    recover(conn, &bank, institution, (id, version), (wan * WAN, day))?.map(|_| ())
                }
            }
            .map_err(refuse)?;
        }
    }
    Ok(())
}

/// A one-page PDF naming the claim and the kind of file, in ASCII (演示材料).
fn pdf(claim: i64, kind: FileKind) -> Vec<u8> {
    let text = format!(
        "BT /F1 16 Tf 72 760 Td (Demo material - yanshi cailiao) Tj 0 -28 Td (Claim {claim}: {}) Tj ET",
        kind.as_str()
    );
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{object}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for offset in offsets {
        out.push_str(&format!("{offset:010} 00000 n \n"));
    }
    out.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    out.into_bytes()
}

/// An 8 × 8 red PNG, standing for a scanned loss statement.
const PNG: [u8; 74] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x02, 0x00, 0x00, 0x00, 0x4b, 0x6d, 0x29, 0xdc, 0x00, 0x00, 0x00, 0x11, 0x49,
    0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xb8, 0x69, 0xa5, 0x8d, 0x15, 0x31, 0x0c, 0x2d, 0x09, 0x00, 0x3c, 0x19, 0x4f,
    0x81, 0x6c, 0xad, 0x8c, 0x22, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];
