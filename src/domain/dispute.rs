//! Disputes (异议): what a dispute is about, where it is, how the credit
//! office may close it, and which outcome fits which subject.

use chrono::Duration;

use super::Tone;
use super::records::RecordKind;

/// The credit office answers a dispute within this long.
pub const ANSWER_WITHIN: Duration = Duration::days(20);

/// What a dispute contests: one of the enterprise's credit records, or a
/// drawdown (借据) a bank recorded that the enterprise reports wrong. Stored in
/// `disputes.record_kind` (the record kind's code, or "drawdown"), with the
/// record's or the drawdown's id in `record_id`. A drawdown is no
/// department's record, so it is no `RecordKind`: imports never list it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    Record(RecordKind),
    Drawdown,
}

crate::stored_as_text!(Subject);

impl Subject {
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Record(kind) => kind.as_str(),
            Subject::Drawdown => "drawdown",
        }
    }

    pub fn parse(text: &str) -> Option<Subject> {
        match text {
            "drawdown" => Some(Subject::Drawdown),
            _ => RecordKind::parse(text).map(Subject::Record),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Subject::Record(kind) => kind.label(),
            Subject::Drawdown => "放款（借据）",
        }
    }
}

/// Where a dispute is. The strings are stored in `disputes.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DisputeStatus {
    Open,
    Corrected,
    Upheld,
    Repaired,
}

crate::stored_as_text!(DisputeStatus);

impl DisputeStatus {
    pub const ALL: [DisputeStatus; 4] =
        [DisputeStatus::Open, DisputeStatus::Corrected, DisputeStatus::Upheld, DisputeStatus::Repaired];

    pub fn as_str(self) -> &'static str {
        match self {
            DisputeStatus::Open => "open",
            DisputeStatus::Corrected => "corrected",
            DisputeStatus::Upheld => "upheld",
            DisputeStatus::Repaired => "repaired",
        }
    }

    pub fn parse(text: &str) -> Option<DisputeStatus> {
        DisputeStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            DisputeStatus::Open => "处理中",
            DisputeStatus::Corrected => "已更正",
            DisputeStatus::Upheld => "维持原记录",
            DisputeStatus::Repaired => "已信用修复",
        }
    }

    /// An open dispute is under way; an answered one is closed, whatever it decided.
    pub fn tone(self) -> Tone {
        match self {
            DisputeStatus::Open => Tone::Active,
            _ => Tone::Good,
        }
    }

    pub fn is_open(self) -> bool {
        self == DisputeStatus::Open
    }
}

/// How the credit office closes a dispute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DisputeOutcome {
    /// The record was wrong: it is withdrawn.
    Corrected,
    /// The record stands.
    Upheld,
    /// A penalty the enterprise has put right: marked repaired.
    Repaired,
}

impl DisputeOutcome {
    pub const ALL: [DisputeOutcome; 3] = [DisputeOutcome::Corrected, DisputeOutcome::Upheld, DisputeOutcome::Repaired];

    pub fn as_str(self) -> &'static str {
        self.status().as_str()
    }

    pub fn parse(text: &str) -> Option<DisputeOutcome> {
        DisputeOutcome::ALL.into_iter().find(|o| o.as_str() == text)
    }

    /// The status a dispute closed this way has.
    pub fn status(self) -> DisputeStatus {
        match self {
            DisputeOutcome::Corrected => DisputeStatus::Corrected,
            DisputeOutcome::Upheld => DisputeStatus::Upheld,
            DisputeOutcome::Repaired => DisputeStatus::Repaired,
        }
    }

    pub fn label(self) -> &'static str {
        self.status().label()
    }

    /// What the outcome does to the disputed subject, as the confirmation says it.
    pub fn effect(self, subject: Subject) -> &'static str {
        match (self, subject) {
            (DisputeOutcome::Corrected, Subject::Drawdown) => "银行已更正该笔放款，企业可重新核对并确认到账",
            (DisputeOutcome::Upheld, Subject::Drawdown) => "维持银行记录的放款信息，不作更改",
            (DisputeOutcome::Corrected, _) => "撤销该记录，不再计入信用画像和评价",
            (DisputeOutcome::Upheld, _) => "保留原记录，不作更改",
            (DisputeOutcome::Repaired, _) => "标记为已信用修复，处罚于今日结束",
        }
    }

    /// Only a penalty (administrative or judicial) can be repaired; a
    /// drawdown is corrected (by its bank) or stands.
    pub fn fits(self, subject: Subject) -> bool {
        self != DisputeOutcome::Repaired || subject == Subject::Record(RecordKind::Penalties)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_penalty_can_be_repaired() {
        for kind in RecordKind::ALL {
            let subject = Subject::Record(kind);
            assert_eq!(DisputeOutcome::Repaired.fits(subject), kind == RecordKind::Penalties);
            assert!(DisputeOutcome::Corrected.fits(subject) && DisputeOutcome::Upheld.fits(subject));
        }
        assert!(!DisputeOutcome::Repaired.fits(Subject::Drawdown));
        assert!(DisputeOutcome::Corrected.fits(Subject::Drawdown) && DisputeOutcome::Upheld.fits(Subject::Drawdown));
    }

    /// A subject reads back from its stored code: every record kind as before, and "drawdown".
    #[test]
    fn a_subject_is_stored_as_its_code() {
        for subject in RecordKind::ALL.map(Subject::Record).into_iter().chain([Subject::Drawdown]) {
            assert_eq!(Subject::try_from(String::from(subject)), Ok(subject));
        }
        assert_eq!(Subject::parse("penalties"), Some(Subject::Record(RecordKind::Penalties)));
        assert!(Subject::parse("loan").is_none());
    }

    #[test]
    fn an_outcome_is_stored_as_the_status_it_leads_to() {
        for outcome in DisputeOutcome::ALL {
            assert_eq!(DisputeStatus::parse(outcome.as_str()), Some(outcome.status()));
            assert!(!outcome.status().is_open());
        }
    }

    /// The codes the people pages store read back into their enums, and an unknown one is an error.
    #[test]
    fn the_people_codes_read_back() {
        use crate::domain::claim::LetterStatus;
        use crate::domain::institution::InstitutionKind;
        use crate::domain::whitelist::WhitelistAction;
        fn round_trip<T: TryFrom<String> + Into<String> + Copy + PartialEq + std::fmt::Debug>(all: &[T]) {
            for code in all {
                assert_eq!(T::try_from((*code).into()).ok(), Some(*code));
            }
            assert!(T::try_from("unknown".to_string()).is_err());
        }
        round_trip(&LetterStatus::ALL);
        round_trip(&DisputeStatus::ALL);
        round_trip(&InstitutionKind::ALL);
        round_trip(&WhitelistAction::ALL);
    }
}
