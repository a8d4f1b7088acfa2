//! The rules of claiming an enterprise: what an authorization letter may be,
//! how the registry's contact is written and shown, and how a code is checked.

use super::Tone;

/// Where an authorization letter is in the credit office's review. The
/// strings are stored in `claim_letters.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LetterStatus {
    Pending,
    Approved,
    Rejected,
}

crate::stored_as_text!(LetterStatus);

impl LetterStatus {
    pub const ALL: [LetterStatus; 3] = [LetterStatus::Pending, LetterStatus::Approved, LetterStatus::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            LetterStatus::Pending => "pending",
            LetterStatus::Approved => "approved",
            LetterStatus::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<LetterStatus> {
        LetterStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            LetterStatus::Pending => "审核中",
            LetterStatus::Approved => "已通过",
            LetterStatus::Rejected => "未通过",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            LetterStatus::Pending => Tone::Active,
            LetterStatus::Approved => Tone::Good,
            LetterStatus::Rejected => Tone::Bad,
        }
    }

    pub fn is_pending(self) -> bool {
        self == LetterStatus::Pending
    }

    pub fn is_rejected(self) -> bool {
        self == LetterStatus::Rejected
    }
}

/// How far an enterprise account has got with its claim, as the credit office sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClaimState {
    Unverified,
    /// The email is verified; control is not proven yet.
    Verified,
    /// The account holds the enterprise.
    Proven,
    /// The credit office unbound it: it holds nothing and is closed.
    Unbound,
}

impl ClaimState {
    /// The state of an account from its three marks.
    pub fn of(email_verified: bool, control_proven: bool, unbound: bool) -> ClaimState {
        match (unbound, control_proven, email_verified) {
            (true, _, _) => ClaimState::Unbound,
            (false, true, _) => ClaimState::Proven,
            (false, false, true) => ClaimState::Verified,
            (false, false, false) => ClaimState::Unverified,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ClaimState::Unverified => "邮箱未验证",
            ClaimState::Verified => "邮箱已验证，未证明代表企业",
            ClaimState::Proven => "已认证（代表企业）",
            ClaimState::Unbound => "已解绑",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            ClaimState::Proven => Tone::Good,
            ClaimState::Verified => Tone::Active,
            ClaimState::Unbound => Tone::Bad,
            ClaimState::Unverified => Tone::Neutral,
        }
    }
}

/// Largest authorization letter accepted (a scanned page or a phone photo).
pub const LETTER_MAX_BYTES: usize = 5 * 1024 * 1024;

/// The type of an uploaded letter, read from its first bytes (never from its
/// name): PDF, JPEG or PNG; anything else is refused.
pub fn letter_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// A file name kept only for showing: its last path component, without
/// control characters, at most 80 characters.
pub fn display_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(80).collect();
    if cleaned.trim().is_empty() { "授权书".to_string() } else { cleaned.trim().to_string() }
}

/// A mainland mobile number as the registry writes it (`+86 139-2026-1122`,
/// `13920261122`) folded to 11 digits; None when it is not one.
pub fn mobile(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '+')).collect();
    let digits = digits.strip_prefix("86").filter(|d| d.len() == 11).unwrap_or(&digits);
    let valid = digits.len() == 11 && digits.starts_with('1') && digits.chars().all(|c| c.is_ascii_digit());
    valid.then(|| digits.to_string())
}

/// An email shown to someone who has not proven they own it: `f******@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}{}@{domain}", "*".repeat(local.chars().count().saturating_sub(1).clamp(3, 6)))
        }
        None => "***".to_string(),
    }
}

/// A mobile number shown the same way: `139****1122`.
pub fn mask_mobile(mobile: &str) -> String {
    if mobile.len() == 11 && mobile.is_ascii() {
        format!("{}****{}", &mobile[..3], &mobile[7..])
    } else {
        "***".to_string()
    }
}

/// A typed code as six digits, full-width digits and spaces forgiven.
pub fn typed_code(raw: &str) -> Option<String> {
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            other => other,
        })
        .collect();
    (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_are_known_by_their_bytes_not_their_name() {
        assert_eq!(letter_type(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(letter_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some("image/jpeg"));
        assert_eq!(letter_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(letter_type(b"<html><script>"), None);
        assert_eq!(letter_type(b""), None);
        assert_eq!(display_file_name("../../etc/passwd"), "passwd");
        assert_eq!(display_file_name("C:\\scan\\授权书\u{0}.pdf"), "授权书.pdf");
        assert_eq!(display_file_name("/"), "授权书");
    }

    #[test]
    fn mobiles_fold_to_eleven_digits() {
        assert_eq!(mobile("+86 139-2026-1122").as_deref(), Some("13920261122"));
        assert_eq!(mobile("13920261122").as_deref(), Some("13920261122"));
        assert_eq!(mobile("0510-8888888"), None);
        assert_eq!(mobile("2392026112"), None);
    }

    #[test]
    fn contacts_are_masked() {
        assert_eq!(mask_email("finance@chenguang.example"), "f******@chenguang.example");
        assert_eq!(mask_email("li@x.cn"), "l***@x.cn");
        assert_eq!(mask_mobile("13920261122"), "139****1122");
    }

    #[test]
    fn typed_codes() {
        assert_eq!(typed_code(" 012 345 ").as_deref(), Some("012345"));
        assert_eq!(typed_code("０１２３４５").as_deref(), Some("012345"));
        assert_eq!(typed_code("12345"), None);
        assert_eq!(typed_code("12345a"), None);
    }
}
