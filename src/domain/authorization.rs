//! Authorizations (授权): where one stands, and the terms an enterprise may grant.

use chrono::{Duration, NaiveDateTime};

use super::Tone;

/// Where an authorization stands at a moment (no column: it follows from the
/// expiry and the revocation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthorizationStatus {
    Active,
    Expired,
    Revoked,
}

impl AuthorizationStatus {
    pub fn at(expires_at: NaiveDateTime, revoked_at: Option<NaiveDateTime>, now: NaiveDateTime) -> Self {
        if revoked_at.is_some() {
            AuthorizationStatus::Revoked
        } else if expires_at <= now {
            AuthorizationStatus::Expired
        } else {
            AuthorizationStatus::Active
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuthorizationStatus::Active => "有效",
            AuthorizationStatus::Expired => "已过期",
            AuthorizationStatus::Revoked => "已撤回",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            AuthorizationStatus::Active => Tone::Good,
            _ => Tone::Neutral,
        }
    }

    pub fn is_active(self) -> bool {
        self == AuthorizationStatus::Active
    }
}

/// How long an enterprise may authorize an institution for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Term {
    Days30,
    Days90,
    Days180,
}

impl Term {
    pub const ALL: [Term; 3] = [Term::Days30, Term::Days90, Term::Days180];

    pub fn days(self) -> i64 {
        match self {
            Term::Days30 => 30,
            Term::Days90 => 90,
            Term::Days180 => 180,
        }
    }

    /// The form's value: the number of days.
    pub fn parse(text: &str) -> Option<Term> {
        Term::ALL.into_iter().find(|t| t.days().to_string() == text)
    }

    pub fn label(self) -> String {
        format!("{} 天", self.days())
    }

    pub fn duration(self) -> Duration {
        Duration::days(self.days())
    }
}

/// The longest purpose an enterprise may write.
pub const PURPOSE_MAX_CHARS: usize = 60;

/// The purpose as written, trimmed; None when empty or too long.
pub fn purpose(text: &str) -> Option<String> {
    let trimmed = text.trim();
    let count = trimmed.chars().count();
    (count > 0 && count <= PURPOSE_MAX_CHARS).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revoked_wins_over_expired() {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap().naive_utc();
        let hour = Duration::hours(1);
        assert_eq!(AuthorizationStatus::at(now + hour, None, now), AuthorizationStatus::Active);
        assert_eq!(AuthorizationStatus::at(now, None, now), AuthorizationStatus::Expired);
        assert_eq!(AuthorizationStatus::at(now - hour, Some(now), now), AuthorizationStatus::Revoked);
    }

    #[test]
    fn terms_and_purposes_are_checked() {
        assert_eq!(Term::parse("90"), Some(Term::Days90));
        assert_eq!(Term::parse("365"), None);
        assert_eq!(purpose("  贷款申请审查 ").as_deref(), Some("贷款申请审查"));
        assert_eq!(purpose("   "), None);
        assert_eq!(purpose(&"审".repeat(61)), None);
    }
}
