//! The four signed-in roles and what each may do by default.

use chrono::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Enterprise,
    Officer,
    BankAdmin,
    CreditOffice,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Enterprise, Role::Officer, Role::BankAdmin, Role::CreditOffice];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Enterprise => "enterprise",
            Role::Officer => "officer",
            Role::BankAdmin => "bank_admin",
            Role::CreditOffice => "credit_office",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The name users see.
    pub fn label(self) -> &'static str {
        match self {
            Role::Enterprise => "企业用户",
            Role::Officer => "客户经理",
            Role::BankAdmin => "机构管理员",
            Role::CreditOffice => "信用办",
        }
    }

    /// Where the role lands after signing in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Enterprise => "/enterprise",
            Role::Officer => "/officer",
            Role::BankAdmin => "/bank-admin",
            Role::CreditOffice => "/credit-office",
        }
    }

    /// Idle timeout: bank and credit-office roles see other people's data, so shorter.
    pub fn idle_timeout(self) -> Duration {
        match self {
            Role::Enterprise => Duration::minutes(30),
            _ => Duration::minutes(15),
        }
    }
}

crate::stored_as_text!(Role);

/// An anonymous session (a visitor holding a form) ends after this long idle.
pub const ANONYMOUS_IDLE: Duration = Duration::minutes(30);
/// No session lives longer than this, however active.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(12);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(Role::try_from("root".to_string()).is_err(), "an unknown stored role is an error, not a default");
    }
}
