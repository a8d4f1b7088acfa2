//! The worked examples of `docs/credit-model.md`, asserted point for point: if a
//! test here fails, the published document no longer describes the model.

use super::fixtures::{self, Enterprise};
use super::{BASE_SCORE, Evaluation, Grade, MODEL_VERSION, RiskLevel, evaluate};

/// Asserts every factor's points (in order), that they add up to the score, and the outcome.
fn assert_example(enterprise: &Enterprise, points: &[(&str, i32)], score: u16, grade: Grade, risk: RiskLevel) {
    let evaluation = evaluate(&enterprise.facts());
    let actual: Vec<(&str, i32)> = evaluation.factors.iter().map(|f| (f.code, f.points)).collect();
    assert_eq!(actual, points, "{}", describe(&evaluation));
    let sum: i32 = points.iter().map(|(_, p)| p).sum();
    assert_eq!(i32::from(evaluation.score), BASE_SCORE + sum, "the points add up to the score");
    assert_eq!((evaluation.score, evaluation.grade, evaluation.risk), (score, grade, risk));
    assert_eq!(evaluation.model_version, MODEL_VERSION);
}

/// The whole evaluation in readable form, for failure messages.
fn describe(evaluation: &Evaluation) -> String {
    let mut text = String::new();
    for f in &evaluation.factors {
        text.push_str(&format!("{:<24} {:>5} / {:>4}  {}\n", f.code, f.points, f.max_points, f.explanation));
        if let Some(advice) = &f.advice {
            text.push_str(&format!("{:>37}{advice}\n", "→ "));
        }
    }
    text.push_str(&format!(
        "score {} grade {} risk {} dishonest {}\n",
        evaluation.score,
        evaluation.grade.as_str(),
        evaluation.risk.as_str(),
        evaluation.dishonest
    ));
    text
}

#[test]
fn example_1_strong_manufacturer() {
    let points = [
        ("tax_grade", 113),
        ("tax_paid", 60),
        ("utility_usage", 60),
        ("utility_arrears", 20),
        ("social_headcount", 50),
        ("social_stability", 30),
        ("social_arrears", 20),
        ("property", 51),
        ("administrative_penalty", 20),
        ("court_record", 20),
        ("honours", 40),
        ("years_in_operation", 50),
    ];
    assert_example(&fixtures::strong_manufacturer(), &points, 984, Grade::AAA, RiskLevel::Low);
}

#[test]
fn example_2_young_shop() {
    let points = [
        ("tax_grade", 40),
        ("tax_paid", 10),
        ("utility_usage", 27),
        ("utility_arrears", -5),
        ("social_headcount", 10),
        ("social_stability", 0),
        ("social_arrears", 20),
        ("property", 0),
        ("administrative_penalty", 20),
        ("court_record", 20),
        ("honours", 0),
        ("years_in_operation", 5),
    ];
    let shop = fixtures::young_shop();
    assert_example(&shop, &points, 597, Grade::C, RiskLevel::High);
    // Missing data is explained, not silently zero.
    let evaluation = evaluate(&shop.facts());
    let property = evaluation.factors.iter().find(|f| f.code == "property").unwrap();
    assert!(property.explanation.starts_with("暂无"), "{}", property.explanation);
    // Advice comes with the most points to gain first.
    let advice: Vec<&str> = evaluation.advice().iter().map(|f| f.code).collect();
    assert_eq!(advice[..3], ["tax_grade", "property", "tax_paid"]);
}

/// The points of example 3 with the administrative penalty's points left out.
fn food_points(administrative_penalty: i32) -> [(&'static str, i32); 12] {
    [
        ("tax_grade", 80),
        ("tax_paid", 50),
        ("utility_usage", 60),
        ("utility_arrears", 20),
        ("social_headcount", 30),
        ("social_stability", 20),
        ("social_arrears", 20),
        ("property", 20),
        ("administrative_penalty", administrative_penalty),
        ("court_record", 20),
        ("honours", 10),
        ("years_in_operation", 45),
    ]
}

#[test]
fn example_3_penalty_repaired() {
    let firm = fixtures::repaired_penalty_firm();
    assert_example(&firm, &food_points(-25), 800, Grade::AA, RiskLevel::Low);
    // The same firm before the repair: the full 50 points, one band lower.
    let before = Enterprise { penalties: vec![fixtures::food_penalty()], ..firm };
    assert_example(&before, &food_points(-50), 775, Grade::A, RiskLevel::Medium);
}

/// The points of example 4 with the court records' points left out.
fn debtor_points(court_record: i32) -> Vec<(&'static str, i32)> {
    vec![
        ("tax_grade", 87),
        ("tax_paid", 30),
        ("utility_usage", 60),
        ("utility_arrears", -15),
        ("social_headcount", 30),
        ("social_stability", 5),
        ("social_arrears", 20),
        ("property", 30),
        ("administrative_penalty", 20),
        ("court_record", court_record),
        ("honours", 0),
        ("years_in_operation", 50),
    ]
}

#[test]
fn example_4_dishonest_debtor() {
    let debtor = fixtures::dishonest_debtor();
    let mut points = debtor_points(-248);
    points.push(("dishonest_cap", -70));
    assert_example(&debtor, &points, 449, Grade::D, RiskLevel::High);
    assert!(evaluate(&debtor.facts()).dishonest);

    // Once the judgment is performed and the dishonest record repaired, the cap goes
    // and the repaired record costs half: 200 becomes 100.
    let mut performed = debtor.clone();
    let dishonest = performed.penalties.pop().unwrap();
    performed.penalties.push(fixtures::repaired(dishonest, fixtures::day(2026, 5, 20)));
    assert_example(&performed, &debtor_points(-148), 619, Grade::B, RiskLevel::Medium);
    assert!(!evaluate(&performed.facts()).dishonest);
}
