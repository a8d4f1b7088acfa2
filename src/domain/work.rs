//! What waits for someone, and how urgent it is: the rules each role's home
//! sorts and colours its queue by. The officer's queue holds what the bank
//! owes on its offers; the enterprise's 我的需求 says what each need asks of
//! it next.

use chrono::NaiveDateTime;

use super::Tone;
use super::calendar::beijing_date;
use super::need::NeedStatus;

/// What a bank owes on one of its offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// Contact the enterprise before the contact time, or the slot goes back to the hall.
    Contact,
    /// Record the credit decision on the accepted offer.
    Decide,
}

impl Task {
    pub fn label(self) -> &'static str {
        match self {
            Task::Contact => "联系企业",
            Task::Decide => "录入授信决定",
        }
    }
}

/// How close a due time is, as the queue marks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// The due time has passed.
    Overdue,
    /// Due later on today's Beijing date.
    Today,
    Later,
}

impl Urgency {
    pub fn of(due: NaiveDateTime, now: NaiveDateTime) -> Urgency {
        if due <= now {
            Urgency::Overdue
        } else if beijing_date(due) == beijing_date(now) {
            Urgency::Today
        } else {
            Urgency::Later
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Urgency::Overdue => "已超时",
            Urgency::Today => "今天到期",
            Urgency::Later => "待办",
        }
    }

    /// Late is red; due today stands out as work under way; the rest is plain.
    pub fn tone(self) -> Tone {
        match self {
            Urgency::Overdue => Tone::Bad,
            Urgency::Today => Tone::Active,
            Urgency::Later => Tone::Neutral,
        }
    }
}

/// "剩余 5小时 20分钟" before `due`, "已超时 2天 3小时" after it.
pub fn left_or_late(due: NaiveDateTime, now: NaiveDateTime) -> String {
    if due > now {
        super::need::time_left(now, due)
    } else {
        let late = super::need::time_left(due, now.max(due + chrono::Duration::minutes(1)));
        format!("已超时 {}", late.trim_start_matches("剩余 "))
    }
}

/// "12月11日" (Beijing date), for a deadline in a sentence.
pub fn month_day(utc: NaiveDateTime) -> String {
    let date = beijing_date(utc);
    format!("{}月{}日", chrono::Datelike::month(&date), chrono::Datelike::day(&date))
}

/// What one of an enterprise's needs asks of it, read from the need and its offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NeedFacts {
    pub status: NeedStatus,
    /// Offers the enterprise could still accept (standing or not chosen, still valid).
    pub choosable: i64,
    /// When the first of those lapses.
    pub choose_by: Option<NaiveDateTime>,
    /// The window's end.
    pub deadline: Option<NaiveDateTime>,
    /// When the chosen bank's decision is due.
    pub decision_due: Option<NaiveDateTime>,
}

/// How a need stands in the enterprise's list: what to do, or what it waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeedNext {
    /// The enterprise has to act (choose an offer, answer a decline).
    pub action: bool,
    /// "2 个报价待选择，12月11日前"; empty when nothing more will happen.
    pub text: String,
    /// When it matters, for the order of the list.
    pub by: Option<NaiveDateTime>,
}

impl NeedFacts {
    pub fn next(&self) -> NeedNext {
        let by_date = |at: Option<NaiveDateTime>| at.map_or_else(String::new, |at| format!("，{}前", month_day(at)));
        let closes = |at: Option<NaiveDateTime>| {
            at.map_or_else(String::new, |at| {
                format!("，{} {} 截止抢单", month_day(at), super::calendar::to_beijing(at).format("%H:%M"))
            })
        };
        let (action, text, by) = match self.status {
            NeedStatus::AwaitingChoice => {
                (true, format!("{} 个报价待选择{}", self.choosable, by_date(self.choose_by)), self.choose_by)
            }
            NeedStatus::Declined if self.choosable > 0 => (
                true,
                format!("银行已拒绝，可接受其余 {} 个报价之一或重新发布{}", self.choosable, by_date(self.choose_by)),
                self.choose_by,
            ),
            NeedStatus::Declined => (true, "银行已拒绝，可重新发布给其他银行".to_string(), None),
            NeedStatus::Open if self.choosable > 0 => {
                (false, format!("已收到 {} 个报价，可随时选择{}", self.choosable, closes(self.deadline)), self.deadline)
            }
            NeedStatus::Open => (false, format!("等待银行报价{}", closes(self.deadline)), self.deadline),
            NeedStatus::Matched => {
                (false, format!("等待银行授信决定{}", by_date(self.decision_due)), self.decision_due)
            }
            NeedStatus::Draft | NeedStatus::Granted | NeedStatus::Expired | NeedStatus::Cancelled => {
                (false, String::new(), None)
            }
        };
        NeedNext { action, text, by }
    }
}

/// The order of the enterprise's needs: what it must act on first (soonest
/// due first), then what is still in play, then the rest as they came.
pub fn need_rank(status: NeedStatus, next: &NeedNext) -> (u8, Option<NaiveDateTime>) {
    let group = if next.action {
        0
    } else if status.is_active() {
        1
    } else {
        2
    };
    (group, if group < 2 { next.by } else { None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap().and_hms_opt(hour, 0, 0).unwrap()
    }

    #[test]
    fn urgency_reads_the_beijing_date() {
        let now = at(3, 2); // 10:00 in Beijing
        assert_eq!(Urgency::of(at(3, 1), now), Urgency::Overdue);
        assert_eq!(Urgency::of(at(3, 15), now), Urgency::Today, "23:00 Beijing, the same day");
        assert_eq!(Urgency::of(at(3, 16), now), Urgency::Later, "00:00 Beijing, the next day");
    }

    #[test]
    fn late_work_says_by_how_much() {
        assert_eq!(left_or_late(at(3, 12), at(3, 2)), "剩余 10小时 0分钟");
        assert_eq!(left_or_late(at(3, 2), at(5, 5)), "已超时 2天 3小时");
    }

    #[test]
    fn a_need_awaiting_a_choice_says_how_many_offers_and_by_when() {
        let facts = NeedFacts {
            status: NeedStatus::AwaitingChoice,
            choosable: 2,
            choose_by: Some(at(11, 3)),
            deadline: Some(at(1, 3)),
            decision_due: None,
        };
        let next = facts.next();
        assert!(next.action);
        assert_eq!(next.text, "2 个报价待选择，12月11日前");
        assert_eq!(month_day(at(10, 17)), "12月11日", "01:00 on the 11th in Beijing");
    }

    #[test]
    fn needs_to_act_on_come_before_needs_in_play_and_the_ended_ones() {
        let facts = |status| NeedFacts { status, choosable: 1, choose_by: None, deadline: None, decision_due: None };
        let rank = |status| need_rank(status, &facts(status).next()).0;
        assert!(rank(NeedStatus::AwaitingChoice) < rank(NeedStatus::Open));
        assert!(rank(NeedStatus::Declined) < rank(NeedStatus::Matched));
        assert!(rank(NeedStatus::Matched) < rank(NeedStatus::Granted));
    }
}
