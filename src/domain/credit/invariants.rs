//! Properties the model keeps whatever the records: checked on the worked examples
//! and on a few hundred pseudo-random enterprises (a fixed seed, so failures repeat).

use chrono::Days;

use super::fixtures::{self, Enterprise, as_of, day, honour, penalty, property, repaired, social, tax, utility};
use super::{BASE_SCORE, DISHONEST_SCORE_CAP, Evaluation, Grade, evaluate};
use crate::domain::records::{PenaltyKind, PenaltyStatus, TaxGrade, Utility};

/// SplitMix64: a tiny deterministic generator, enough to vary the records.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const GRADES: [TaxGrade; 5] = [TaxGrade::A, TaxGrade::B, TaxGrade::M, TaxGrade::C, TaxGrade::D];
const KINDS: [PenaltyKind; 3] =
    [PenaltyKind::AdministrativePenalty, PenaltyKind::CourtEnforcement, PenaltyKind::DishonestDebtor];

fn random_enterprise(rng: &mut Rng) -> Enterprise {
    let mut e = Enterprise { established_on: Some(day(2000 + rng.below(27) as i32, 1, 1)), ..Enterprise::default() };
    for year in 2021..=2026 {
        if rng.chance(70) {
            let paid = if rng.chance(10) { 0 } else { rng.below(5_000_000) as i64 };
            e.tax.push(tax(year, GRADES[rng.below(5) as usize], paid));
        }
    }
    for month in fixtures::months((2023, 1), (2026, 8)) {
        if rng.chance(75) {
            let usage = if rng.chance(10) { 0 } else { 1 + rng.below(50_000) as i64 };
            let arrears = if rng.chance(10) { rng.below(20_000) as i64 } else { 0 };
            e.utilities.push(utility(month, Utility::Electricity, usage, arrears));
        }
        if rng.chance(70) {
            let arrears = if rng.chance(10) { rng.below(50_000) as i64 } else { 0 };
            e.social_security.push(social(month, rng.below(150) as i32, arrears));
        }
    }
    for i in 0..rng.below(3) {
        e.property.push(property(&format!("P{i}"), "厂房", rng.below(20_000_000) as i64, rng.chance(50)));
    }
    for i in 0..rng.below(4) {
        let decided = day(2018 + rng.below(9) as i32, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
        let record = penalty(&format!("C{i}"), decided, KINDS[rng.below(3) as usize], rng.below(300_000) as i64);
        e.penalties.push(if rng.chance(50) { repaired(record, decided + Days::new(rng.below(400))) } else { record });
    }
    for i in 0..rng.below(4) {
        let name = ["高新技术企业", "海关AEO高级认证", "A级纳税人", "守合同重信用企业"][i as usize];
        let awarded = day(2020 + rng.below(7) as i32, 3, 1);
        e.honours.push(honour(name, awarded, rng.chance(50).then(|| day(2025 + rng.below(4) as i32, 3, 1))));
    }
    e
}

/// The worked examples followed by 300 random enterprises.
fn enterprises() -> Vec<Enterprise> {
    let mut rng = Rng(20_260_615);
    let mut all = vec![
        fixtures::strong_manufacturer(),
        fixtures::young_shop(),
        fixtures::repaired_penalty_firm(),
        fixtures::dishonest_debtor(),
    ];
    all.extend((0..300).map(|_| random_enterprise(&mut rng)));
    all
}

fn score(e: &Enterprise) -> u16 {
    evaluate(&e.facts()).score
}

fn assert_consistent(evaluation: &Evaluation) {
    let raw = BASE_SCORE + evaluation.factors.iter().map(|f| f.points).sum::<i32>();
    assert_eq!(i32::from(evaluation.score), raw.clamp(0, 1000));
    assert_eq!(evaluation.grade, Grade::for_score(evaluation.score));
    for f in &evaluation.factors {
        assert!(f.points <= f.max_points, "{} {} > {}", f.code, f.points, f.max_points);
        assert!(!f.explanation.is_empty() && !f.label.is_empty());
    }
}

#[test]
fn points_add_up_and_stay_in_range() {
    for e in enterprises() {
        assert_consistent(&evaluate(&e.facts()));
    }
}

#[test]
fn the_maxima_reach_exactly_1000() {
    let evaluation = evaluate(&fixtures::strong_manufacturer().facts());
    let maxima: i32 = evaluation.factors.iter().map(|f| f.max_points).sum();
    assert_eq!(BASE_SCORE + maxima, 1000);
}

#[test]
fn deterministic_and_independent_of_record_order() {
    for e in enterprises() {
        let first = evaluate(&e.facts());
        assert_eq!(evaluate(&e.facts()), first);
        let mut reversed = e.clone();
        reversed.tax.reverse();
        reversed.utilities.reverse();
        reversed.property.reverse();
        reversed.social_security.reverse();
        reversed.penalties.reverse();
        reversed.honours.reverse();
        assert_eq!(evaluate(&reversed.facts()), first);
    }
}

#[test]
fn a_better_tax_grade_never_lowers_the_score() {
    for e in enterprises() {
        for i in 0..e.tax.len() {
            let before = score(&e);
            for better in GRADES.into_iter().filter(|g| *g < e.tax[i].tax_grade) {
                let mut improved = e.clone();
                improved.tax[i].tax_grade = better;
                assert!(score(&improved) >= before, "grade {better:?} for {}", e.tax[i].year);
            }
        }
    }
}

#[test]
fn an_added_active_penalty_never_raises_the_score() {
    let mut rng = Rng(7);
    for e in enterprises() {
        let before = score(&e);
        for kind in KINDS {
            let decided = day(2019 + rng.below(8) as i32, 1 + rng.below(12) as u32, 1);
            let mut worse = e.clone();
            worse.penalties.push(penalty("NEW", decided, kind, rng.below(200_000) as i64));
            assert!(score(&worse) <= before, "{kind:?} on {decided}");
        }
    }
}

#[test]
fn repairing_a_penalty_never_lowers_the_score() {
    for e in enterprises() {
        for i in 0..e.penalties.len() {
            let record = &e.penalties[i];
            if record.status != PenaltyStatus::Active || record.decided_on > as_of() {
                continue;
            }
            for ended_on in [record.decided_on, as_of()] {
                let mut fixed = e.clone();
                fixed.penalties[i] = repaired(record.clone(), ended_on);
                assert!(score(&fixed) >= score(&e), "repairing {} on {ended_on}", record.case_no);
            }
        }
    }
}

#[test]
fn an_active_dishonest_record_caps_the_grade_at_d() {
    for mut e in enterprises() {
        e.penalties.push(penalty("DIS", day(2026, 1, 5), PenaltyKind::DishonestDebtor, 10_000));
        let evaluation = evaluate(&e.facts());
        assert!(evaluation.dishonest);
        assert_eq!(evaluation.grade, Grade::D);
        assert!(i32::from(evaluation.score) <= DISHONEST_SCORE_CAP);
        assert_eq!(evaluation.factors.last().map(|f| f.code), Some("dishonest_cap"));
        assert_consistent(&evaluation);
    }
}

#[test]
fn future_records_are_unknown_on_the_evaluation_date() {
    let mut e = fixtures::strong_manufacturer();
    let before = evaluate(&e.facts());
    e.penalties.push(penalty("LATER", day(2026, 7, 1), PenaltyKind::DishonestDebtor, 10_000));
    assert_eq!(evaluate(&e.facts()), before);
}

#[test]
fn the_score_is_clamped_at_zero() {
    // A young firm with D tax grades, arrears everywhere and a string of penalties.
    let mut e = Enterprise { established_on: Some(day(2026, 1, 1)), ..Enterprise::default() };
    e.tax = vec![tax(2024, TaxGrade::D, 0), tax(2025, TaxGrade::D, 0)];
    for month in fixtures::months((2025, 6), (2026, 5)) {
        e.utilities.push(utility(month, Utility::Electricity, 0, 5_000));
        e.social_security.push(social(month, 1, 3_000));
    }
    for i in 0..6 {
        let decided = day(2026, 1 + i, 1);
        e.penalties.push(penalty(&format!("A{i}"), decided, PenaltyKind::AdministrativePenalty, 200_000));
        e.penalties.push(penalty(&format!("C{i}"), decided, PenaltyKind::CourtEnforcement, 200_000));
    }
    let evaluation = evaluate(&e.facts());
    let raw = BASE_SCORE + evaluation.factors.iter().map(|f| f.points).sum::<i32>();
    assert!(raw < 0, "raw {raw}");
    assert_eq!((evaluation.score, evaluation.grade, evaluation.risk), (0, Grade::D, super::RiskLevel::High));
}

#[test]
fn no_records_at_all_is_neutral_and_explained() {
    for established_on in [as_of(), day(2030, 1, 1)] {
        let e = Enterprise { established_on: Some(established_on), ..Enterprise::default() };
        let evaluation = evaluate(&e.facts());
        // Only the two clean-record factors score: 450 + 20 + 20.
        assert_eq!((evaluation.score, evaluation.grade, evaluation.dishonest), (490, Grade::C, false));
        let tax = &evaluation.factors[0];
        assert!(tax.explanation.contains("暂无") && tax.advice.is_some(), "{}", tax.explanation);
        assert_consistent(&evaluation);
    }
}
