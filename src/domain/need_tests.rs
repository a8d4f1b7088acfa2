//! The need diagram checked exhaustively: every (status, event) pair against
//! the table of allowed moves, and the grab rule case by case.

use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use NeedEvent as E;
use NeedStatus as S;

/// Every event, with both shapes of the window ending.
const EVENTS: [NeedEvent; 9] = [
    E::Publish,
    E::WindowEnded { offers: 0 },
    E::WindowEnded { offers: 2 },
    E::Accept,
    E::Cancel,
    E::OffersLapsed,
    E::Approve,
    E::Decline,
    E::Republish,
];

/// The allowed moves, written out independently of the `match`.
const ALLOWED: [(NeedStatus, NeedEvent, NeedStatus); 14] = [
    (S::Draft, E::Publish, S::Open),
    (S::Draft, E::Cancel, S::Cancelled),
    (S::Open, E::WindowEnded { offers: 0 }, S::Expired),
    (S::Open, E::WindowEnded { offers: 2 }, S::AwaitingChoice),
    (S::Open, E::Accept, S::Matched),
    (S::Open, E::Cancel, S::Cancelled),
    (S::AwaitingChoice, E::Accept, S::Matched),
    (S::AwaitingChoice, E::Cancel, S::Cancelled),
    (S::AwaitingChoice, E::OffersLapsed, S::Expired),
    (S::Matched, E::Approve, S::Granted),
    (S::Matched, E::Decline, S::Declined),
    (S::Declined, E::Accept, S::Matched),
    (S::Declined, E::Cancel, S::Cancelled),
    (S::Declined, E::Republish, S::Cancelled),
];

#[test]
fn every_pair_is_allowed_exactly_when_the_table_says_so() {
    let mut allowed_seen = 0;
    for status in NeedStatus::ALL {
        for event in EVENTS {
            let expected = ALLOWED.iter().find(|(s, e, _)| *s == status && *e == event).map(|(_, _, to)| *to);
            match (transition(status, event), expected) {
                (Ok(to), Some(want)) => {
                    assert_eq!(to, want, "{status:?} + {event:?}");
                    allowed_seen += 1;
                }
                (Err(err), None) => assert_eq!((err.from, err.event), (status, event)),
                (got, want) => panic!("{status:?} + {event:?}: got {got:?}, table says {want:?}"),
            }
        }
    }
    assert_eq!(allowed_seen, ALLOWED.len(), "every row of the table is reached");
}

#[test]
fn the_window_ending_depends_only_on_whether_offers_remain() {
    assert_eq!(transition(S::Open, E::WindowEnded { offers: 0 }), Ok(S::Expired));
    for offers in 1..=5 {
        assert_eq!(transition(S::Open, E::WindowEnded { offers }), Ok(S::AwaitingChoice));
    }
}

#[test]
fn terminal_states_accept_nothing() {
    for status in NeedStatus::ALL.into_iter().filter(|s| s.is_terminal()) {
        for event in EVENTS {
            assert!(transition(status, event).is_err(), "{status:?} + {event:?}");
        }
    }
    let terminal: Vec<_> = NeedStatus::ALL.into_iter().filter(|s| s.is_terminal()).collect();
    assert_eq!(terminal, [S::Granted, S::Expired, S::Cancelled]);
}

#[test]
fn every_other_state_has_a_way_out() {
    for status in NeedStatus::ALL.into_iter().filter(|s| !s.is_terminal()) {
        assert!(EVENTS.iter().any(|e| transition(status, *e).is_ok()), "{status:?} is stuck");
    }
}

#[test]
fn a_decline_leads_to_another_offer_or_a_republish() {
    let declined = transition(S::Matched, E::Decline).unwrap();
    assert!(declined.is_active(), "a declined need waits for the enterprise");
    assert_eq!(transition(declined, E::Accept), Ok(S::Matched));
    let old = transition(declined, E::Republish).unwrap();
    assert!(!old.is_active(), "the republished need replaces the old one in the limit");
}

#[test]
fn refusals_read_as_chinese_sentences() {
    let expired = transition(S::Expired, E::Accept).unwrap_err();
    assert_eq!(expired.to_string(), "该需求已过期，不能接受报价");
    assert_eq!(
        transition(S::Matched, E::Cancel).unwrap_err().message(),
        "该需求已选定银行，正等待银行授信决定，不能撤销"
    );
    assert_eq!(transition(S::Open, E::Publish).unwrap_err().message(), "该需求正在抢单中，不能发布");
}

#[test]
fn statuses_round_trip_through_their_stored_strings() {
    for status in NeedStatus::ALL {
        assert_eq!(NeedStatus::parse(status.as_str()), Some(status));
    }
    for offer in OfferStatus::ALL {
        assert_eq!(OfferStatus::parse(offer.as_str()), Some(offer));
    }
    assert_eq!(NeedStatus::parse("bogus"), None);
    assert_eq!(OfferStatus::parse("open"), None);
    // The strings already in the database must not change.
    let stored = ["draft", "open", "awaiting_choice", "matched", "granted", "expired", "cancelled"];
    assert!(stored.iter().all(|s| NeedStatus::parse(s).is_some()));
}

#[test]
fn labels_are_the_interface_words() {
    let labels: Vec<_> = NeedStatus::ALL.iter().map(|s| s.label()).collect();
    assert_eq!(labels, ["草稿", "抢单中", "待选择", "已选定银行", "已授信", "银行已拒绝", "已过期", "已撤销"]);
    let labels: Vec<_> = OfferStatus::ALL.iter().map(|s| s.label()).collect();
    assert_eq!(labels, ["有效", "已接受", "未被选中", "已失效", "已释放名额", "已撤回"]);
}

#[test]
fn active_needs_are_those_still_in_play() {
    let active: Vec<_> = NeedStatus::ALL.into_iter().filter(|s| s.is_active()).collect();
    assert_eq!(active, [S::Open, S::AwaitingChoice, S::Matched, S::Declined]);
}

fn at(h: u32, m: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(h, m, s).unwrap()
}

const BANK: i64 = 7;

fn open_need() -> GrabState {
    GrabState {
        status: S::Open,
        slots: 3,
        slots_taken: 1,
        deadline: at(12, 0, 0),
        institution_already_offered: false,
        targeted_institution: None,
        fits_a_product: true,
    }
}

#[test]
fn an_open_need_with_a_free_slot_can_be_grabbed_until_its_deadline() {
    assert_eq!(can_grab(&open_need(), BANK, at(11, 59, 59)), Ok(()));
    assert_eq!(can_grab(&open_need(), BANK, at(12, 0, 0)), Err(GrabRefusal::WindowClosed), "the deadline is closed");
    assert_eq!(can_grab(&open_need(), BANK, at(12, 0, 1)), Err(GrabRefusal::WindowClosed));
}

#[test]
fn each_grab_rule_refuses_with_its_own_words() {
    let now = at(9, 0, 0);
    let cases = [
        (GrabState { status: S::AwaitingChoice, ..open_need() }, GrabRefusal::NotOpen, "该需求已不在抢单中"),
        (GrabState { slots_taken: 3, ..open_need() }, GrabRefusal::Full, "名额已满"),
        (GrabState { institution_already_offered: true, ..open_need() }, GrabRefusal::AlreadyOffered, "贵机构已报价"),
        (
            GrabState { targeted_institution: Some(8), slots: 1, slots_taken: 0, ..open_need() },
            GrabRefusal::NotForYou,
            "该需求仅限指定机构",
        ),
        (GrabState { deadline: now, ..open_need() }, GrabRefusal::WindowClosed, "抢单已截止"),
        (
            GrabState { fits_a_product: false, ..open_need() },
            GrabRefusal::NoFittingProduct,
            "贵机构没有适合该需求的已发布产品",
        ),
    ];
    for (need, refusal, words) in cases {
        assert_eq!(can_grab(&need, BANK, now), Err(refusal));
        assert_eq!(refusal.to_string(), words);
    }
    let targeted = GrabState { targeted_institution: Some(BANK), slots: 1, slots_taken: 0, ..open_need() };
    assert_eq!(can_grab(&targeted, BANK, now), Ok(()));
}

#[test]
fn the_most_telling_refusal_wins() {
    let now = at(13, 0, 0);
    let everything_wrong =
        GrabState { slots_taken: 3, institution_already_offered: true, targeted_institution: Some(8), ..open_need() };
    assert_eq!(can_grab(&everything_wrong, BANK, now), Err(GrabRefusal::WindowClosed));
    assert_eq!(can_grab(&everything_wrong, BANK, at(9, 0, 0)), Err(GrabRefusal::NotForYou));
    let mine_filled_it = GrabState { slots_taken: 3, institution_already_offered: true, ..open_need() };
    assert_eq!(can_grab(&mine_filled_it, BANK, at(9, 0, 0)), Err(GrabRefusal::AlreadyOffered));
    let full_and_unfit = GrabState { slots_taken: 3, fits_a_product: false, ..open_need() };
    assert_eq!(can_grab(&full_and_unfit, BANK, at(9, 0, 0)), Err(GrabRefusal::NoFittingProduct));
    let offered_then_withdrew_its_product =
        GrabState { institution_already_offered: true, fits_a_product: false, ..open_need() };
    assert_eq!(can_grab(&offered_then_withdrew_its_product, BANK, at(9, 0, 0)), Err(GrabRefusal::AlreadyOffered));
    for status in NeedStatus::ALL.into_iter().filter(|s| *s != S::Open) {
        assert_eq!(can_grab(&GrabState { status, ..open_need() }, BANK, at(9, 0, 0)), Err(GrabRefusal::NotOpen));
    }
}

#[test]
fn time_left_reads_in_days_hours_and_minutes() {
    let deadline = at(12, 0, 0);
    let cases = [
        (deadline - chrono::Duration::hours(53), "剩余 2天 5小时"),
        (deadline - chrono::Duration::minutes(185), "剩余 3小时 5分钟"),
        (deadline - chrono::Duration::seconds(20), "剩余 1分钟"),
        (deadline, "已截止"),
        (deadline + chrono::Duration::hours(1), "已截止"),
    ];
    for (now, text) in cases {
        assert_eq!(time_left(now, deadline), text);
    }
}

#[test]
fn every_decline_reason_has_a_label_and_a_remedy() {
    for (code, label, remedy) in DECLINE_REASONS {
        assert_eq!(decline_reason(code), Some((label, remedy)));
    }
    assert_eq!(decline_reason("made_up"), None);
}
