//! The life of a financing need (融资需求) as plain functions: its statuses,
//! the events that move it, one `match` that says where each event leads,
//! and the grab rule used to explain why an officer could not take a need
//! (`need_grab.rs`). Offers' statuses live here too, since they change with
//! the need's.

use chrono::NaiveDateTime;

/// Where a need is in its life. The strings are stored in `needs.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NeedStatus {
    Draft,
    /// The window is running; banks may grab it.
    Open,
    /// The window ended with offers; the enterprise has to pick one.
    AwaitingChoice,
    /// The enterprise accepted an offer; the bank owes a credit decision.
    Matched,
    Granted,
    /// The winning bank declined; the enterprise has neither accepted another
    /// offer nor republished yet.
    Declined,
    Expired,
    Cancelled,
}

crate::stored_as_text!(NeedStatus);

impl NeedStatus {
    pub const ALL: [NeedStatus; 8] = [
        NeedStatus::Draft,
        NeedStatus::Open,
        NeedStatus::AwaitingChoice,
        NeedStatus::Matched,
        NeedStatus::Granted,
        NeedStatus::Declined,
        NeedStatus::Expired,
        NeedStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NeedStatus::Draft => "draft",
            NeedStatus::Open => "open",
            NeedStatus::AwaitingChoice => "awaiting_choice",
            NeedStatus::Matched => "matched",
            NeedStatus::Granted => "granted",
            NeedStatus::Declined => "declined",
            NeedStatus::Expired => "expired",
            NeedStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<NeedStatus> {
        NeedStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            NeedStatus::Draft => "草稿",
            NeedStatus::Open => "抢单中",
            NeedStatus::AwaitingChoice => "待选择",
            NeedStatus::Matched => "已选定银行",
            NeedStatus::Granted => "已授信",
            NeedStatus::Declined => "银行已拒绝",
            NeedStatus::Expired => "已过期",
            NeedStatus::Cancelled => "已撤销",
        }
    }

    /// How the status badge is coloured (`Tone`): a need in play is under
    /// way, a granted one ended well, a declined one waits on a setback.
    pub fn tone(self) -> crate::domain::Tone {
        use crate::domain::Tone;
        match self {
            NeedStatus::Open | NeedStatus::AwaitingChoice | NeedStatus::Matched => Tone::Active,
            NeedStatus::Granted => Tone::Good,
            NeedStatus::Declined => Tone::Bad,
            NeedStatus::Draft | NeedStatus::Expired | NeedStatus::Cancelled => Tone::Neutral,
        }
    }

    /// Counts against the enterprise's limit of open needs: everything still
    /// in play, including a declined need waiting for the enterprise's next step.
    pub fn is_active(self) -> bool {
        matches!(self, NeedStatus::Open | NeedStatus::AwaitingChoice | NeedStatus::Matched | NeedStatus::Declined)
    }

    pub fn is_open(self) -> bool {
        self == NeedStatus::Open
    }

    pub fn is_matched(self) -> bool {
        self == NeedStatus::Matched
    }

    /// Open, awaiting a choice or declined: the enterprise may still accept
    /// an offer or cancel.
    pub fn is_choosing(self) -> bool {
        matches!(self, NeedStatus::Open | NeedStatus::AwaitingChoice | NeedStatus::Declined)
    }

    /// No event moves a need out of these.
    pub fn is_terminal(self) -> bool {
        matches!(self, NeedStatus::Granted | NeedStatus::Expired | NeedStatus::Cancelled)
    }

    /// How the status reads at the start of a refusal ("该需求已过期，…").
    fn situation(self) -> &'static str {
        match self {
            NeedStatus::Draft => "该需求尚未发布",
            NeedStatus::Open => "该需求正在抢单中",
            NeedStatus::AwaitingChoice => "该需求抢单已截止，正等待企业选择报价",
            NeedStatus::Matched => "该需求已选定银行，正等待银行授信决定",
            NeedStatus::Granted => "该需求已授信",
            NeedStatus::Declined => "银行已拒绝该需求",
            NeedStatus::Expired => "该需求已过期",
            NeedStatus::Cancelled => "该需求已撤销",
        }
    }
}

/// What can happen to a need, by the enterprise, a bank or the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeedEvent {
    /// The enterprise publishes its draft.
    Publish,
    /// The clock passes the deadline; `offers` is how many are still valid.
    WindowEnded { offers: u32 },
    /// The enterprise accepts an offer: during the window, after it, or
    /// another still-valid one after the winning bank declined.
    Accept,
    /// The enterprise withdraws the need.
    Cancel,
    /// Every offer of a need awaiting a choice passed its valid-until.
    OffersLapsed,
    /// The winning bank grants credit.
    Approve,
    /// The winning bank declines, with a coded reason kept on the decision.
    Decline,
    /// The enterprise republishes a declined need for other banks.
    Republish,
}

impl NeedEvent {
    /// The action as a user would name it, for refusals ("不能接受报价").
    fn action(self) -> &'static str {
        match self {
            NeedEvent::Publish => "发布",
            NeedEvent::WindowEnded { .. } => "结束抢单",
            NeedEvent::Accept => "接受报价",
            NeedEvent::Cancel => "撤销",
            NeedEvent::OffersLapsed => "按报价失效处理",
            NeedEvent::Approve => "授信",
            NeedEvent::Decline => "拒绝授信",
            NeedEvent::Republish => "重新发布",
        }
    }
}

/// An event that does not apply to the need's status, with words a user can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct TransitionError {
    pub from: NeedStatus,
    pub event: NeedEvent,
}

impl TransitionError {
    /// "该需求已过期，不能接受报价".
    pub fn message(&self) -> String {
        format!("{}，不能{}", self.from.situation(), self.event.action())
    }
}

/// Where `event` takes a need in `status`; the whole diagram of product.md.
///
/// Decisions beyond the diagram:
/// - A draft may be cancelled, so that abandoning it is recorded like any other change.
/// - A matched need cannot be cancelled: the bank is already deciding.
/// - Declining keeps the need `Declined` (active) until the enterprise acts:
///   it accepts another still-valid offer (back to `Matched`; whether one is
///   still valid is the database's guard, as for every acceptance), cancels,
///   or republishes. Republishing creates a new need (the caller's job) and
///   the old one becomes `Cancelled`: it leaves the active set so the pair
///   counts once against the limit, and its remaining offers cannot be
///   accepted alongside the new need's.
/// - Offers lapsing while the window is still open change nothing: other
///   banks may still grab; a declined need likewise waits for the enterprise.
pub fn transition(status: NeedStatus, event: NeedEvent) -> Result<NeedStatus, TransitionError> {
    use NeedEvent as E;
    use NeedStatus as S;
    let next = match (status, event) {
        (S::Draft, E::Publish) => S::Open,
        (S::Draft | S::Open | S::AwaitingChoice | S::Declined, E::Cancel) => S::Cancelled,
        (S::Open, E::WindowEnded { offers: 0 }) => S::Expired,
        (S::Open, E::WindowEnded { .. }) => S::AwaitingChoice,
        (S::Open | S::AwaitingChoice | S::Declined, E::Accept) => S::Matched,
        (S::AwaitingChoice, E::OffersLapsed) => S::Expired,
        (S::Matched, E::Approve) => S::Granted,
        (S::Matched, E::Decline) => S::Declined,
        (S::Declined, E::Republish) => S::Cancelled,
        _ => return Err(TransitionError { from: status, event }),
    };
    Ok(next)
}

/// What an offer's status can be. The strings are stored in the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OfferStatus {
    Active,
    Accepted,
    /// The enterprise accepted another offer.
    NotSelected,
    /// Its valid-until passed.
    Lapsed,
    /// The bank let the need sit idle past its contact time; the slot went back to the hall.
    Released,
    Withdrawn,
}

crate::stored_as_text!(OfferStatus);

impl OfferStatus {
    /// The offer is still in the deal (in its window, or chosen), so its bank
    /// sees the enterprise's contact; once out of it, the contact is hidden.
    pub fn in_deal(self) -> bool {
        matches!(self, OfferStatus::Active | OfferStatus::Accepted)
    }

    pub const ALL: [OfferStatus; 6] = [
        OfferStatus::Active,
        OfferStatus::Accepted,
        OfferStatus::NotSelected,
        OfferStatus::Lapsed,
        OfferStatus::Released,
        OfferStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OfferStatus::Active => "active",
            OfferStatus::Accepted => "accepted",
            OfferStatus::NotSelected => "not_selected",
            OfferStatus::Lapsed => "lapsed",
            OfferStatus::Released => "released",
            OfferStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<OfferStatus> {
        OfferStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            OfferStatus::Active => "有效",
            OfferStatus::Accepted => "已接受",
            OfferStatus::NotSelected => "未被选中",
            OfferStatus::Lapsed => "已失效",
            OfferStatus::Released => "已释放名额",
            OfferStatus::Withdrawn => "已撤回",
        }
    }

    /// How the status badge is coloured (`Tone`): a standing offer is under
    /// way, the accepted one won, a slot released for want of contact is the
    /// bank's lateness, the rest ended.
    pub fn tone(self) -> crate::domain::Tone {
        use crate::domain::Tone;
        match self {
            OfferStatus::Active => Tone::Active,
            OfferStatus::Accepted => Tone::Good,
            OfferStatus::Released => Tone::Bad,
            OfferStatus::NotSelected | OfferStatus::Lapsed | OfferStatus::Withdrawn => Tone::Neutral,
        }
    }

    pub fn is_accepted(self) -> bool {
        self == OfferStatus::Accepted
    }

    /// An offer the enterprise may still accept (within its valid-until).
    pub fn is_acceptable(self) -> bool {
        matches!(self, OfferStatus::Active | OfferStatus::NotSelected)
    }
}

#[path = "need_grab.rs"]
mod grab;
pub use grab::{GrabRefusal, GrabState, can_grab};

/// Why an enterprise on the dishonest list may not publish, and what to do about it.
pub const DISHONEST: &str = "您已被列入严重失信主体名单（存在未履行的失信被执行人记录），暂不能发布融资需求。履行法院判决义务并由法院移出名单后，信用办将据此更新记录；您也可以在信用画像中对有误的记录提出异议。";

/// What a declined enterprise can do about a reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remedy {
    /// A record may be wrong: dispute it from the portrait.
    Dispute,
    /// A negative record is true: repair credit, then publish again.
    CreditRepair,
    /// Nothing wrong with the record: ask other banks, perhaps on other terms.
    Republish,
}

/// The coded reasons a bank may give for declining (拒绝原因), with the
/// remedy each leads to. The codes are stored in `offers.decline_reason`.
pub const DECLINE_REASONS: [(&str, &str, Remedy); 7] = [
    ("too_young", "成立年限不足", Remedy::Republish),
    ("collateral", "需要提供抵押或担保", Remedy::Republish),
    ("tax_arrears", "存在欠税记录", Remedy::Dispute),
    ("penalty", "存在行政处罚记录", Remedy::CreditRepair),
    ("amount_too_high", "申请金额超出可贷额度", Remedy::Republish),
    ("court", "存在涉诉或失信被执行记录", Remedy::CreditRepair),
    ("other", "其他原因", Remedy::Republish),
];

pub fn decline_reason(code: &str) -> Option<(&'static str, Remedy)> {
    DECLINE_REASONS.iter().find(|(c, ..)| *c == code).map(|(_, label, remedy)| (*label, *remedy))
}

/// "已抢 2 / 共 3 个名额": a need's slots in the one wording every page uses
/// (taken, not left, so the hall and the enterprise's pages read alike).
pub fn slots_text(taken: i32, slots: i32) -> String {
    format!("已抢 {taken} / 共 {slots} 个名额")
}

/// "剩余 2天 5小时", "剩余 35分钟", or "已截止".
pub fn time_left(now: NaiveDateTime, deadline: NaiveDateTime) -> String {
    let left = deadline - now;
    if left <= chrono::Duration::zero() {
        return "已截止".into();
    }
    let (days, hours, minutes) = (left.num_days(), left.num_hours() % 24, left.num_minutes() % 60);
    match (days, hours) {
        (0, 0) => format!("剩余 {}分钟", minutes.max(1)),
        (0, h) => format!("剩余 {h}小时 {minutes}分钟"),
        (d, h) => format!("剩余 {d}天 {h}小时"),
    }
}

#[cfg(test)]
#[path = "need_tests.rs"]
mod tests;
