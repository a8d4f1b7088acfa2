//! Contact across a deal: what an enterprise and an officer give of
//! themselves (a contact person, a mobile, a phone), how the bank contacted
//! the enterprise (联系方式: 电话 / 上门 / 其他) and when that contact counts.
//!
//! The contact time (联系时限) is judged by the stated time of the contact
//! (the event: when the officer called or visited), not by when he typed it
//! in; the entry time is kept beside it (`offers.contact_recorded_at`). A
//! contact cannot be stated in the future or before the grab, and an offer
//! still in the hall keeps its slot only by a contact made by its contact
//! time (the sweep releases the slot of an offer with no contact recorded by
//! then, so a late entry of a timely contact counts only while the sweep has
//! not run yet).

use chrono::{DurationRound, NaiveDateTime};

use crate::domain::uscc::half_width;

/// How the bank contacted the enterprise; stored in `offers.contact_method`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContactMethod {
    Phone,
    Visit,
    Other,
}

crate::stored_as_text!(ContactMethod);

impl ContactMethod {
    pub const ALL: [ContactMethod; 3] = [ContactMethod::Phone, ContactMethod::Visit, ContactMethod::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactMethod::Phone => "phone",
            ContactMethod::Visit => "visit",
            ContactMethod::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<ContactMethod> {
        ContactMethod::ALL.into_iter().find(|m| m.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ContactMethod::Phone => "电话",
            ContactMethod::Visit => "上门",
            ContactMethod::Other => "其他",
        }
    }
}

/// Why a stated contact time does not count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactTimeError {
    Future,
    BeforeGrab,
    /// After the contact time of an offer still in the hall.
    Late,
}

impl ContactTimeError {
    pub const CODES: [&'static str; 3] = ["contact_time_future", "contact_time_before_grab", "contact_time_late"];

    pub fn code(self) -> &'static str {
        match self {
            ContactTimeError::Future => Self::CODES[0],
            ContactTimeError::BeforeGrab => Self::CODES[1],
            ContactTimeError::Late => Self::CODES[2],
        }
    }
}

impl std::fmt::Display for ContactTimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ContactTimeError::Future => "联系时间不能晚于现在",
            ContactTimeError::BeforeGrab => "联系时间不能早于抢单时间",
            ContactTimeError::Late => "联系时间晚于联系时限，名额不能保留",
        })
    }
}

/// The stated time of a contact against the offer: made at `grabbed_at`,
/// due for contact by `contact_due` while `in_hall` (active, not yet accepted).
/// A stated time is to the minute, so the grab's own minute counts: a call
/// made at once after a grab at 10:30:45 is stated as 10:30.
pub fn check_contact_time(
    at: NaiveDateTime,
    grabbed_at: NaiveDateTime,
    contact_due: NaiveDateTime,
    in_hall: bool,
    now: NaiveDateTime,
) -> Result<(), ContactTimeError> {
    if at > now {
        Err(ContactTimeError::Future)
    } else if at < grabbed_at.duration_trunc(chrono::TimeDelta::minutes(1)).unwrap_or(grabbed_at) {
        Err(ContactTimeError::BeforeGrab)
    } else if in_hall && at > contact_due {
        Err(ContactTimeError::Late)
    } else {
        Ok(())
    }
}

/// A typed value trimmed, full-width letters and digits folded.
fn fold(raw: &str) -> String {
    raw.trim().chars().map(half_width).collect()
}

/// A person's name (a contact person, an officer): 2 to 30 characters.
pub fn person(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim().to_string();
    match name.chars().count() {
        0 => Err("请填写姓名"),
        1 | 31.. => Err("姓名应为 2 到 30 个字"),
        _ => Ok(name),
    }
}

/// A mainland mobile: 11 digits starting with 1 (`+86`, spaces and dashes forgiven).
pub fn mobile(raw: &str) -> Result<String, &'static str> {
    let typed = fold(raw);
    if typed.is_empty() {
        return Err("请填写联系手机");
    }
    crate::domain::claim::mobile(&typed).ok_or("请填写 11 位手机号码，例如 13912345678")
}

/// An officer's phone: a mobile (kept as 11 digits) or a landline with its
/// area code and an optional extension (`0871-65321234转801`), as typed.
pub fn phone(raw: &str) -> Result<String, &'static str> {
    let typed = fold(raw);
    if typed.is_empty() {
        return Err("请填写联系电话");
    }
    if let Some(mobile) = crate::domain::claim::mobile(&typed) {
        return Ok(mobile);
    }
    let digits = typed.chars().filter(char::is_ascii_digit).count();
    let phone_like = typed.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '转'));
    if typed.starts_with('0') && phone_like && (10..=16).contains(&digits) {
        Ok(typed)
    } else {
        Err("请填写手机号码或带区号的固定电话，例如 0871-65321234")
    }
}

/// An email address, lowercased.
pub fn email(raw: &str) -> Result<String, &'static str> {
    let email = fold(raw).to_lowercase();
    if email.is_empty() {
        return Err("请填写联系邮箱");
    }
    if email.chars().count() > 254 || email.parse::<lettre::Address>().is_err() {
        return Err("请输入有效的邮箱地址，例如 finance@example.com");
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn a_contact_counts_between_the_grab_and_now_and_by_the_contact_time_in_the_hall() {
        let (grab, due, now) = (t(2), t(8), t(10));
        assert_eq!(check_contact_time(t(3), grab, due, true, now), Ok(()));
        assert_eq!(check_contact_time(t(11), grab, due, true, now), Err(ContactTimeError::Future));
        assert_eq!(check_contact_time(t(1), grab, due, true, now), Err(ContactTimeError::BeforeGrab));
        assert_eq!(check_contact_time(t(9), grab, due, true, now), Err(ContactTimeError::Late));
        assert_eq!(check_contact_time(t(9), grab, due, false, now), Ok(()), "an accepted offer has no slot to lose");
    }

    #[test]
    fn a_contact_stated_in_the_grabs_own_minute_counts() {
        let grab = t(2) + chrono::TimeDelta::seconds(45);
        assert_eq!(check_contact_time(t(2), grab, t(8), true, t(3)), Ok(()));
        let minute_before = t(2) - chrono::TimeDelta::minutes(1);
        assert_eq!(check_contact_time(minute_before, grab, t(8), true, t(3)), Err(ContactTimeError::BeforeGrab));
    }

    #[test]
    fn mobiles_and_phones_are_checked_and_folded() {
        assert_eq!(mobile("+86 139-1234-5678"), Ok("13912345678".into()));
        assert_eq!(mobile("１３９１２３４５６７８"), Ok("13912345678".into()));
        assert!(mobile("23912345678").is_err());
        assert!(mobile("1391234567").is_err());
        assert_eq!(phone("0871-65321234转801"), Ok("0871-65321234转801".into()));
        assert_eq!(phone("139 1234 5678"), Ok("13912345678".into()));
        assert!(phone("12345").is_err());
        assert!(phone("call me").is_err());
    }

    #[test]
    fn names_and_emails() {
        assert_eq!(person(" 王丽 "), Ok("王丽".into()));
        assert!(person("王").is_err());
        assert!(person("").is_err());
        assert_eq!(email("Finance@ChenGuang.example"), Ok("finance@chenguang.example".into()));
        assert!(email("finance").is_err());
    }

    #[test]
    fn methods_read_back() {
        for m in ContactMethod::ALL {
            assert_eq!(ContactMethod::parse(m.as_str()), Some(m));
        }
        assert_eq!(ContactMethod::parse("email"), None);
    }
}
