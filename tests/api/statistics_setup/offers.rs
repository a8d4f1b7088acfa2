//! The constructed market's offers (see `statistics_setup`), times UTC as
//! stored, dates without a year 2026:
//!
//! | offer | need | bank | grabbed (after publication) | contact due / done | accepted | decision |
//! |---|---|---|---|---|---|---|
//! | O1 | N1 | 1 | +2 h | on time | 11-04 01:00Z | approved 11-06 01:00Z (+2 d), 100 万, 4.35 % |
//! | O2 | N1 | 2 | +6 h | late | | |
//! | O3 | N2 | 1 | +12 h | on time | 11-02 00:00Z | approved 11-05 12:00Z (+3.5 d), 250 万, 3.85 % |
//! | O4 | N3 | 3 | +4 h | on time | 10-06 | approved 10-20, 500 万 |
//! | O5 | N5 | 2 | +8 h | never (due 11-16) | 11-16 02:00Z | declined 11-20 02:00Z (+4 d), collateral |
//! | O6 | N6 | 2 | +1 h | on time | 09-21 | approved 09-25, 600 万 |
//! | O7 | N7 | 1 | +2 h | on time | 2025-11-11 | approved 2025-11-14, 50 万 |
//! | O8 | N8 | 3 | +2 h | on time | | |
//! | O9 | N9 | 1 | +4 h | on time | | |
//! | O10 | N9 | 3 | +24 h | never (due 11-27) | | |
//! | O11 | N10 | 2 | +1 h | on time | 11-29 | none yet |
//! | O12 | N13 | 3 | +2 h | on time | 01-16 | approved 01-20, 150 万 |

use super::{WAN, q};

/// (id, need, bank, grabbed, contact due, contacted, accepted, decision, decided, approved on, 万元, rate, reason)
type Offer<'a> = (
    i64,
    i64,
    i64,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<i64>,
    Option<i64>,
    Option<&'a str>,
);

pub(super) fn offers() -> Vec<String> {
    let rows: [Offer; 12] = [
        (
            1,
            1,
            1,
            "2026-11-03 03:00:00",
            "2026-11-04 03:00:00",
            Some("2026-11-03 05:00:00"),
            Some("2026-11-04 01:00:00"),
            Some("approved"),
            Some("2026-11-06 01:00:00"),
            Some("2026-11-06"),
            Some(100),
            Some(43_500),
            None,
        ),
        (
            2,
            1,
            2,
            "2026-11-03 07:00:00",
            "2026-11-04 07:00:00",
            Some("2026-11-05 07:00:00"),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            3,
            2,
            1,
            "2026-11-01 05:00:00",
            "2026-11-02 05:00:00",
            Some("2026-11-01 06:00:00"),
            Some("2026-11-02 00:00:00"),
            Some("approved"),
            Some("2026-11-05 12:00:00"),
            Some("2026-11-05"),
            Some(250),
            Some(38_500),
            None,
        ),
        (
            4,
            3,
            3,
            "2026-10-05 06:00:00",
            "2026-10-06 06:00:00",
            Some("2026-10-05 08:00:00"),
            Some("2026-10-06 02:00:00"),
            Some("approved"),
            Some("2026-10-20 02:00:00"),
            Some("2026-10-20"),
            Some(500),
            Some(51_950),
            None,
        ),
        (
            5,
            5,
            2,
            "2026-11-15 10:00:00",
            "2026-11-16 10:00:00",
            None,
            Some("2026-11-16 02:00:00"),
            Some("declined"),
            Some("2026-11-20 02:00:00"),
            None,
            None,
            None,
            Some("collateral"),
        ),
        (
            6,
            6,
            2,
            "2026-09-20 03:00:00",
            "2026-09-21 03:00:00",
            Some("2026-09-20 04:00:00"),
            Some("2026-09-21 02:00:00"),
            Some("approved"),
            Some("2026-09-25 02:00:00"),
            Some("2026-09-25"),
            Some(600),
            Some(41_000),
            None,
        ),
        (
            7,
            7,
            1,
            "2025-11-10 04:00:00",
            "2025-11-11 04:00:00",
            Some("2025-11-10 05:00:00"),
            Some("2025-11-11 02:00:00"),
            Some("approved"),
            Some("2025-11-14 02:00:00"),
            Some("2025-11-14"),
            Some(50),
            Some(45_000),
            None,
        ),
        (
            8,
            8,
            3,
            "2026-11-20 04:00:00",
            "2026-11-21 04:00:00",
            Some("2026-11-20 05:00:00"),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            9,
            9,
            1,
            "2026-11-25 06:00:00",
            "2026-11-26 06:00:00",
            Some("2026-11-25 07:00:00"),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (10, 9, 3, "2026-11-26 02:00:00", "2026-11-27 02:00:00", None, None, None, None, None, None, None, None),
        (
            11,
            10,
            2,
            "2026-11-28 03:00:00",
            "2026-11-29 03:00:00",
            Some("2026-11-28 04:00:00"),
            Some("2026-11-29 02:00:00"),
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            12,
            13,
            3,
            "2026-01-15 04:00:00",
            "2026-01-16 04:00:00",
            Some("2026-01-15 05:00:00"),
            Some("2026-01-16 02:00:00"),
            Some("approved"),
            Some("2026-01-20 02:00:00"),
            Some("2026-01-20"),
            Some(150),
            Some(40_000),
            None,
        ),
    ];
    rows.into_iter()
        .map(
            |(id, need, bank, grabbed, due, contacted, accepted, decision, decided, approved_on, wan, rate, reason)| {
                let status = if accepted.is_some() { "accepted" } else { "not_selected" };
                let number = |n: Option<i64>| n.map_or("NULL".to_string(), |n| n.to_string());
                format!(
                "INSERT INTO offers (id, need_id, institution_id, officer_id, amount_fen, rate, term_months, guarantee,
                    conditions, valid_until, status, contact_due, contacted_at, decision, decision_due, decided_at,
                    approved_amount_fen, approved_rate, approved_term_months, decline_reason, created_at,
                    approved_on, accepted_at)
                 VALUES ({id}, {need}, {bank}, {bank}, 100000000, 40000, 12, 'credit', '', '{due}', '{status}',
                    '{due}', {}, {}, {}, {}, {}, {}, 12, {}, '{grabbed}', {}, {})",
                q(contacted),
                q(decision),
                q(decided),
                q(decided),
                number(wan.map(|w| w * WAN)),
                number(rate),
                q(reason),
                q(approved_on),
                q(accepted),
            )
            },
        )
        .collect()
}
