//! Penalty and court factors (行政处罚, 司法执行) and the dishonest list: each record
//! costs points by its kind and amount, less as it ages, half once repaired, and
//! nothing once it ended more than five years ago.

use chrono::{Months, NaiveDate};

use super::calendar::{date_text, div_round, full_years};
use super::{DISHONEST_SCORE_CAP, Factor};
use crate::domain::Money;
use crate::domain::records::{PenaltyKind, PenaltyRecord, PenaltyStatus};

/// Points for having no counted record of the kind: a clean record is itself a signal.
pub(super) const CLEAN_POINTS: i32 = 20;
const ADMINISTRATIVE_FLOOR: i32 = -200;
const COURT_FLOOR: i32 = -300;
/// Repaired (or performed) records stop counting this long after they ended.
const FORGET_AFTER: Months = Months::new(60);

/// Share of the deduction kept, in percent, by whole years since the decision.
fn age_percent(years: i32) -> i64 {
    match years {
        ..=0 => 100,
        1 => 80,
        2 => 60,
        3 => 40,
        _ => 20,
    }
}

/// The deduction before ageing and repair.
pub(super) fn base_deduction(record: &PenaltyRecord) -> i64 {
    match record.kind {
        PenaltyKind::AdministrativePenalty => match record.amount.fen() {
            fen if fen >= Money::from_yuan(100_000).fen() => 70,
            fen if fen >= Money::from_yuan(10_000).fen() => 50,
            _ => 30,
        },
        PenaltyKind::CourtEnforcement => 60,
        PenaltyKind::DishonestDebtor => 200,
    }
}

/// When a repaired record stops counting. A repaired record without an end date is
/// taken to have ended on its decision date; an active record never stops counting.
fn forgotten_from(record: &PenaltyRecord) -> Option<NaiveDate> {
    match record.status {
        PenaltyStatus::Active => None,
        PenaltyStatus::Repaired => record.ended_on.unwrap_or(record.decided_on).checked_add_months(FORGET_AFTER),
    }
}

/// Records not yet decided on the evaluation date are unknown then, so ignored.
fn known(record: &PenaltyRecord, as_of: NaiveDate) -> bool {
    record.decided_on <= as_of
}

fn counts(record: &PenaltyRecord, as_of: NaiveDate) -> bool {
    known(record, as_of) && forgotten_from(record).is_none_or(|date| as_of < date)
}

/// The points one counted record costs, with the reasoning in words.
fn deduction(record: &PenaltyRecord, as_of: NaiveDate) -> (i32, String) {
    let base = base_deduction(record);
    let years = full_years(record.decided_on, as_of);
    let percent = age_percent(years);
    let aged = div_round((base * percent).into(), 100);
    let (points, repair) = match record.status {
        PenaltyStatus::Active => (aged, "尚未修复".to_string()),
        PenaltyStatus::Repaired => {
            let when = record.ended_on.map_or(String::new(), |d| format!("于{}", date_text(d)));
            (div_round(aged, 2), format!("已{when}修复，减半"))
        }
    };
    let amount = if record.amount.fen() > 0 { format!("，金额{}", record.amount.wan_text()) } else { String::new() };
    let text = format!(
        "{}，{}，{}（案号{}{amount}）：基础扣{base}分，决定后第{years}年按{percent}%计，{repair}，扣{points}分",
        date_text(record.decided_on),
        record.authority,
        record.kind.label(),
        record.case_no,
    );
    (points as i32, text)
}

/// Sorted so that the explanation reads the same whatever the input order.
fn counted<'r>(records: &'r [PenaltyRecord], as_of: NaiveDate, kinds: &[PenaltyKind]) -> Vec<&'r PenaltyRecord> {
    let mut counted: Vec<&PenaltyRecord> =
        records.iter().filter(|r| kinds.contains(&r.kind) && counts(r, as_of)).collect();
    counted.sort_by(|a, b| (a.decided_on, &a.authority, &a.case_no).cmp(&(b.decided_on, &b.authority, &b.case_no)));
    counted
}

struct Kind {
    code: &'static str,
    label: &'static str,
    kinds: &'static [PenaltyKind],
    floor: i32,
    none_text: &'static str,
    active_advice: &'static str,
}

fn factor(records: &[PenaltyRecord], as_of: NaiveDate, kind: &Kind) -> Factor {
    let forgotten = records.iter().filter(|r| kind.kinds.contains(&r.kind) && known(r, as_of) && !counts(r, as_of));
    let forgotten = forgotten.count();
    let forgotten_note = if forgotten > 0 {
        format!("；另有{forgotten}条记录修复结束已满5年，不再计入")
    } else {
        String::new()
    };
    let counted = counted(records, as_of, kind.kinds);
    if counted.is_empty() {
        let explanation = format!("{}（无此类记录加{CLEAN_POINTS}分）{forgotten_note}", kind.none_text);
        return Factor::new(kind.code, kind.label, CLEAN_POINTS, CLEAN_POINTS, explanation, None);
    }
    let (total, parts): (i32, Vec<String>) =
        counted.iter().map(|r| deduction(r, as_of)).fold((0, Vec::new()), |(sum, mut parts), (points, text)| {
            parts.push(text);
            (sum + points, parts)
        });
    let points = (-total).max(kind.floor);
    let floor_note =
        if -total < kind.floor { format!("；合计扣分以{}分为限", kind.floor) } else { String::new() };
    let explanation = format!("{}{floor_note}{forgotten_note}", parts.join("；"));
    let advice = if counted.iter().any(|r| r.status == PenaltyStatus::Active) {
        kind.active_advice.to_string()
    } else {
        let last = counted.iter().filter_map(|r| forgotten_from(r)).max();
        let when = last.map_or(String::new(), |d| format!("，全部记录将于{}起不再计入", date_text(d)));
        format!("已修复记录的扣分逐年递减，结束满5年后不再计入{when}；保持守法经营，避免新的记录")
    };
    Factor::new(kind.code, kind.label, points, CLEAN_POINTS, explanation, Some(advice))
}

pub(super) fn administrative_factor(records: &[PenaltyRecord], as_of: NaiveDate) -> Factor {
    factor(
        records,
        as_of,
        &Kind {
            code: "administrative_penalty",
            label: "行政处罚",
            kinds: &[PenaltyKind::AdministrativePenalty],
            floor: ADMINISTRATIVE_FLOOR,
            none_text: "无计入评分的行政处罚记录",
            active_advice: "履行处罚决定（缴清罚款、完成整改）后，通过「信用中国」网站或向信用办申请信用修复：修复后扣分减半，结束满5年后不再计入",
        },
    )
}

pub(super) fn court_factor(records: &[PenaltyRecord], as_of: NaiveDate) -> Factor {
    factor(
        records,
        as_of,
        &Kind {
            code: "court_record",
            label: "司法执行",
            kinds: &[PenaltyKind::CourtEnforcement, PenaltyKind::DishonestDebtor],
            floor: COURT_FLOOR,
            none_text: "无计入评分的被执行人或失信被执行人记录",
            active_advice: "履行生效法律文书确定的义务，向人民法院申请结案或删除失信信息，再向信用办申请信用修复：修复后扣分减半，结束满5年后不再计入",
        },
    )
}

/// An active dishonest-judgment-debtor record known on the evaluation date puts the
/// enterprise on the seriously-dishonest list (严重失信主体名单).
pub fn is_dishonest(records: &[PenaltyRecord], as_of: NaiveDate) -> bool {
    records
        .iter()
        .any(|r| r.kind == PenaltyKind::DishonestDebtor && r.status == PenaltyStatus::Active && known(r, as_of))
}

/// Brings the score of a dishonest enterprise down to the top of band D, shown as a
/// factor so that the points still add up; zero when the score is already that low.
pub(super) fn dishonest_cap_factor(raw_score: i32) -> Factor {
    let points = (DISHONEST_SCORE_CAP - raw_score).min(0);
    let adjustment =
        if points < 0 { format!("（调整前{raw_score}分，调整{points}分）") } else { String::new() };
    Factor::new(
        "dishonest_cap",
        "严重失信主体名单",
        points,
        0,
        format!(
            "存在尚未移出的失信被执行人记录，已列入严重失信主体名单：信用等级限定为D级，评分不超过{DISHONEST_SCORE_CAP}分{adjustment}"
        ),
        Some("履行法院判决确定的义务并申请删除失信信息，再向信用办申请信用修复；移出名单后本项不再扣分，信用等级按评分恢复".into()),
    )
}
