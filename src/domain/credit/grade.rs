//! Credit grades (信用等级) and risk levels (风险等级): the bands the score falls into.

/// Declared worst first so that the derived ordering reads "better is greater":
/// `grade >= Grade::A` and `grade.at_least(Grade::A)` both mean "A or better".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grade {
    D,
    C,
    B,
    A,
    AA,
    AAA,
}

impl Grade {
    /// Best first, the order lists and filters show them in.
    pub const ALL: [Grade; 6] = [Grade::AAA, Grade::AA, Grade::A, Grade::B, Grade::C, Grade::D];

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::AAA => "AAA",
            Grade::AA => "AA",
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }

    /// Accepts "aa", " AA " and the like, as typed in forms and files.
    pub fn parse(text: &str) -> Option<Grade> {
        let text = text.trim();
        Grade::ALL.into_iter().find(|g| g.as_str().eq_ignore_ascii_case(text))
    }

    /// What the grade means, in the words users see.
    pub fn label(self) -> &'static str {
        match self {
            Grade::AAA => "信用极好",
            Grade::AA => "信用优良",
            Grade::A => "信用较好",
            Grade::B => "信用一般",
            Grade::C => "信用较差",
            Grade::D => "信用很差",
        }
    }

    /// The lowest score in the band.
    pub const fn min_score(self) -> u16 {
        match self {
            Grade::AAA => 900,
            Grade::AA => 800,
            Grade::A => 700,
            Grade::B => 600,
            Grade::C => 450,
            Grade::D => 0,
        }
    }

    pub fn for_score(score: u16) -> Grade {
        Grade::ALL.into_iter().find(|g| score >= g.min_score()).unwrap_or(Grade::D)
    }

    /// "This grade or better", e.g. a product's minimum grade.
    pub fn at_least(self, minimum: Grade) -> bool {
        self >= minimum
    }
}

/// Declared lowest risk first; `Ord` follows the risk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 3] = [RiskLevel::Low, RiskLevel::Medium, RiskLevel::High];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
        }
    }

    pub fn parse(text: &str) -> Option<RiskLevel> {
        RiskLevel::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            RiskLevel::Low => "低",
            RiskLevel::Medium => "中",
            RiskLevel::High => "高",
        }
    }

    /// Taken from the grade rather than the raw score, so that an enterprise capped
    /// at D for dishonesty is always high risk: AAA/AA low, A/B medium, C/D high.
    pub fn for_grade(grade: Grade) -> RiskLevel {
        match grade {
            Grade::AAA | Grade::AA => RiskLevel::Low,
            Grade::A | Grade::B => RiskLevel::Medium,
            Grade::C | Grade::D => RiskLevel::High,
        }
    }

    /// The risk level of a score: the risk of its band.
    pub fn for_score(score: u16) -> RiskLevel {
        RiskLevel::for_grade(Grade::for_score(score))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_have_the_documented_edges() {
        let cases = [
            (1000, Grade::AAA),
            (900, Grade::AAA),
            (899, Grade::AA),
            (800, Grade::AA),
            (799, Grade::A),
            (700, Grade::A),
            (699, Grade::B),
            (600, Grade::B),
            (599, Grade::C),
            (450, Grade::C),
            (449, Grade::D),
            (0, Grade::D),
        ];
        for (score, grade) in cases {
            assert_eq!(Grade::for_score(score), grade, "score {score}");
        }
    }

    #[test]
    fn better_grades_compare_greater() {
        assert!(Grade::AAA > Grade::AA && Grade::AA > Grade::A && Grade::B > Grade::C && Grade::C > Grade::D);
        assert!(Grade::AA.at_least(Grade::A));
        assert!(Grade::A.at_least(Grade::A));
        assert!(!Grade::B.at_least(Grade::A));
        assert_eq!(Grade::ALL.iter().max(), Some(&Grade::AAA));
    }

    #[test]
    fn names_round_trip() {
        for grade in Grade::ALL {
            assert_eq!(Grade::parse(grade.as_str()), Some(grade));
        }
        assert_eq!(Grade::parse(" aa "), Some(Grade::AA));
        assert_eq!(Grade::parse("AAAA"), None);
        assert_eq!(Grade::parse(""), None);
        for risk in RiskLevel::ALL {
            assert_eq!(RiskLevel::parse(risk.as_str()), Some(risk));
        }
        assert_eq!(RiskLevel::High.label(), "高");
        assert_eq!(Grade::AAA.label(), "信用极好");
    }

    #[test]
    fn risk_follows_the_grade() {
        assert_eq!(RiskLevel::for_score(800), RiskLevel::Low);
        assert_eq!(RiskLevel::for_score(799), RiskLevel::Medium);
        assert_eq!(RiskLevel::for_score(600), RiskLevel::Medium);
        assert_eq!(RiskLevel::for_score(599), RiskLevel::High);
        assert!(RiskLevel::High > RiskLevel::Low);
    }
}
