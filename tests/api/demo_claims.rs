//! The demo fund's claims, read back from their rows: one in every state,
//! one paid and recovered, every dossier file stored under DATA_DIR with the
//! hash its row names, demo-bank-admin's institution holding a lively list,
//! and every demo drawdown registered at the ratio Guangzhou's tiers give.

use std::collections::BTreeMap;

use diesel::prelude::*;
use sha2::{Digest, Sha256};
use xinyidai::domain::fund::ClaimStatus;
use xinyidai::models::fund::claim::Claim;
use xinyidai::models::fund::claim::file::{ClaimFile, folder};
use xinyidai::schema::{fund_claims, fund_registrations, loans};

use crate::helpers::{TestApp, start};
use crate::products::institution_of;

const WAN: i64 = 1_000_000;

fn demo() -> TestApp {
    let app = TestApp::new();
    let loaded =
        xinyidai::seed::on_start(&mut app.conn(), true, start(), (crate::helpers::BASE_URL, app.db.dir.path()));
    assert!(loaded.unwrap());
    app
}

fn claims(app: &TestApp) -> Vec<Claim> {
    let ids: Vec<i64> =
        fund_claims::table.select(fund_claims::id).order(fund_claims::id).load(&mut *app.conn()).unwrap();
    ids.iter().map(|id| Claim::find(&mut app.conn(), *id).unwrap().unwrap()).collect()
}

#[tokio::test]
async fn the_demo_has_a_claim_in_every_state_with_its_files_stored() {
    let app = demo();
    app.run_jobs().await;
    let all = claims(&app);
    for status in ClaimStatus::ALL {
        assert!(all.iter().any(|c| c.status == status), "a claim {}", status.label());
    }
    for claim in all.iter().filter(|c| matches!(c.status, ClaimStatus::Returned | ClaimStatus::Rejected)) {
        assert!(claim.reason.as_deref().is_some_and(|r| !r.is_empty()), "claim {} says why", claim.id);
    }
    let returned = all.iter().find(|c| c.status == ClaimStatus::Returned).unwrap();
    assert!(returned.reason.as_deref().unwrap().contains("损失说明及征信分类"), "the reason names the missing file");
    let missing = xinyidai::actions::fund_claim::missing(&mut app.conn(), returned.id).unwrap();
    assert!(missing.unwrap().contains("损失说明及征信分类"), "and that file is indeed missing");

    // By hand: 15万 × 50 % = 7.5万 paid; 8万 × 40 % = 3.2万 by the rules, 2.4万 given;
    // 16万 × 40 % = 6.4万 paid, 4万 recovered gives back 4 × 6.4 / 16 = 1.6万.
    let partly = all.iter().find(|c| c.status == ClaimStatus::PartlyApproved).unwrap();
    assert_eq!(
        (partly.loss_fen, partly.payout_fen, partly.approved_fen),
        (8 * WAN, 32 * WAN / 10, Some(24 * WAN / 10))
    );
    assert!(partly.reason.is_some());
    let recovered = all.iter().find(|c| c.recovered_fen > 0).expect("a paid claim with a recovery");
    assert_eq!(recovered.status, ClaimStatus::Paid);
    assert_eq!(
        (recovered.approved_fen, recovered.recovered_fen, recovered.refunded_fen),
        (Some(64 * WAN / 10), 4 * WAN, 16 * WAN / 10)
    );
    let paid_whole = all.iter().find(|c| c.status == ClaimStatus::Paid && c.recovered_fen == 0).expect("a paid claim");
    assert_eq!((paid_whole.loss_fen, paid_whole.approved_fen), (15 * WAN, Some(75 * WAN / 10)));

    // Every approved or paid claim carries the required files; every file's bytes are under DATA_DIR.
    let required = ["application", "contract", "loss_statement"];
    let mut stored = 0;
    for claim in &all {
        let files = ClaimFile::of_claim(&mut app.conn(), claim.id).unwrap();
        if matches!(claim.status, ClaimStatus::Approved | ClaimStatus::PartlyApproved | ClaimStatus::Paid) {
            for kind in required {
                assert!(files.iter().any(|f| f.kind.as_str() == kind), "claim {} has its {kind}", claim.id);
            }
        }
        for file in files {
            let bytes = std::fs::read(folder(app.db.dir.path()).join(&file.sha256)).unwrap();
            assert_eq!(format!("{:x}", Sha256::digest(&bytes)), file.sha256);
            assert_eq!(i64::try_from(bytes.len()).unwrap(), file.size_bytes);
            let magic: &[u8] = if file.content_type == "application/pdf" { b"%PDF-" } else { b"\x89PNG" };
            assert!(bytes.starts_with(magic), "{} is what its row says", file.sha256);
            stored += 1;
        }
    }
    assert!(stored >= 20, "{stored} files");

    // demo-bank-admin's 补偿申请 list is lively; other banks hold the rest.
    let demo_bank = institution_of(&app, "demo-bank-admin");
    let own: Vec<ClaimStatus> = all.iter().filter(|c| c.institution_id == demo_bank).map(|c| c.status).collect();
    for status in [ClaimStatus::Submitted, ClaimStatus::Returned, ClaimStatus::Paid] {
        assert!(own.contains(&status), "demo-bank-admin holds a claim {}", status.label());
    }
    for other in ["yhrcb-admin", "dybank-admin"] {
        let institution = institution_of(&app, other);
        assert!(all.iter().any(|c| c.institution_id == institution), "{other} holds claims");
    }
}

/// The ratio of every demo loan's registrations, worked out by hand from its
/// line (Guangzhou's tiers: up to 500万 40 %, to 1,500万 30 %, to 3,000万
/// 20 %) and its tags (首贷 +15, 质押 +15, 信用 +5, held at 50 %).
#[tokio::test]
async fn every_demo_drawdown_is_registered_at_the_ratio_of_guangzhous_tiers() {
    let app = demo();
    app.run_jobs().await;
    let expected: BTreeMap<i64, i32> = BTreeMap::from([
        (30, 5_000),    // credit 首贷: 40 + 15 + 5 = 60, held at 50
        (50, 5_000),    // the demo enterprise's credit 首贷: the same
        (80, 5_000),    // credit 首贷
        (90, 4_000),    // guaranteed
        (100, 4_000),   // mortgaged (and its renewal, mortgaged and guaranteed)
        (120, 5_000),   // credit 首贷
        (150, 4_000),   // guaranteed
        (180, 5_000),   // pledged: 40 + 15 = 55, held at 50
        (200, 5_000),   // pledged
        (250, 4_500),   // credit: 40 + 5
        (300, 4_000),   // guaranteed
        (800, 3_000),   // mortgaged, in the 1,500万 tier
        (1_500, 3_000), // guaranteed, on the 1,500万 bound, which is included
        (2_000, 2_000), // mortgaged, in the 3,000万 tier
    ]);
    let rows: Vec<(i64, i64, i32)> = fund_registrations::table
        .inner_join(loans::table.on(loans::id.eq(fund_registrations::loan_id)))
        .select((loans::id, loans::line_fen, fund_registrations::ratio_bp))
        .load(&mut *app.conn())
        .unwrap();
    let all_loans: Vec<(i64, i64)> = loans::table.select((loans::id, loans::line_fen)).load(&mut *app.conn()).unwrap();
    for (loan, line) in &all_loans {
        assert!(rows.iter().any(|r| r.0 == *loan), "loan {loan} of {} 万元 is registered", line / WAN);
    }
    for (loan, line, ratio) in rows {
        assert_eq!(Some(&ratio), expected.get(&(line / WAN)), "loan {loan} of {} 万元", line / WAN);
    }
}
