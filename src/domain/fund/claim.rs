//! A claim (补偿申请): its states and the dossier files it carries.
//!
//! submitted → returned (for materials, with the reason) → submitted again;
//! submitted → approved, partly approved or rejected (with the reason), once;
//! approved or partly approved → paid.

use crate::domain::code::Tone;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClaimStatus {
    Submitted,
    Returned,
    Approved,
    PartlyApproved,
    Rejected,
    Paid,
}

crate::stored_as_text!(ClaimStatus);

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 6] = [
        ClaimStatus::Submitted,
        ClaimStatus::Returned,
        ClaimStatus::Approved,
        ClaimStatus::PartlyApproved,
        ClaimStatus::Rejected,
        ClaimStatus::Paid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Submitted => "submitted",
            ClaimStatus::Returned => "returned",
            ClaimStatus::Approved => "approved",
            ClaimStatus::PartlyApproved => "partly_approved",
            ClaimStatus::Rejected => "rejected",
            ClaimStatus::Paid => "paid",
        }
    }

    pub fn parse(text: &str) -> Option<ClaimStatus> {
        ClaimStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ClaimStatus::Submitted => "待审核",
            ClaimStatus::Returned => "退回补充材料",
            ClaimStatus::Approved => "已批准",
            ClaimStatus::PartlyApproved => "部分批准",
            ClaimStatus::Rejected => "已驳回",
            ClaimStatus::Paid => "已拨付",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            ClaimStatus::Submitted | ClaimStatus::Returned => Tone::Active,
            ClaimStatus::Approved | ClaimStatus::PartlyApproved | ClaimStatus::Paid => Tone::Good,
            ClaimStatus::Rejected => Tone::Bad,
        }
    }

    /// The credit office may return, approve or reject it.
    pub fn awaits_decision(self) -> bool {
        self == ClaimStatus::Submitted
    }

    /// The bank may add materials and submit it again.
    pub fn awaits_materials(self) -> bool {
        self == ClaimStatus::Returned
    }

    /// Approved (wholly or partly) and not yet paid.
    pub fn awaits_payment(self) -> bool {
        matches!(self, ClaimStatus::Approved | ClaimStatus::PartlyApproved)
    }

    /// Its approved amount counts against the year's budget.
    pub fn uses_budget(self) -> bool {
        matches!(self, ClaimStatus::Approved | ClaimStatus::PartlyApproved | ClaimStatus::Paid)
    }
}

/// The largest dossier file accepted.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The files a dossier holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Application,
    Approval,
    Contract,
    LossStatement,
    RepaymentHistory,
    Commitment,
}

crate::stored_as_text!(FileKind);

impl FileKind {
    pub const ALL: [FileKind; 6] = [
        FileKind::Application,
        FileKind::Approval,
        FileKind::Contract,
        FileKind::LossStatement,
        FileKind::RepaymentHistory,
        FileKind::Commitment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Application => "application",
            FileKind::Approval => "approval",
            FileKind::Contract => "contract",
            FileKind::LossStatement => "loss_statement",
            FileKind::RepaymentHistory => "repayment_history",
            FileKind::Commitment => "commitment",
        }
    }

    pub fn parse(text: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            FileKind::Application => "补偿申请表",
            FileKind::Approval => "审批意见",
            FileKind::Contract => "借款合同及借据",
            FileKind::LossStatement => "损失说明及征信分类",
            FileKind::RepaymentHistory => "还款记录",
            FileKind::Commitment => "承诺书",
        }
    }
}

/// The media type of a dossier file from its first bytes (never from its
/// name): PDF, JPEG or PNG, as for an authorization letter.
pub use crate::domain::claim::letter_type as sniff;

/// A file's extension for its download name.
pub fn extension(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        _ => "png",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_known_by_its_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"MZ\x90\x00"), None, "an executable renamed .pdf is not a PDF");
    }

    #[test]
    fn codes_read_back() {
        for s in ClaimStatus::ALL {
            assert_eq!(ClaimStatus::parse(s.as_str()), Some(s));
        }
        for k in FileKind::ALL {
            assert_eq!(FileKind::parse(k.as_str()), Some(k));
        }
    }
}
