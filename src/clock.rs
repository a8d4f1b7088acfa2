//! Time as a dependency: the app asks the clock, so tests move time instead of sleeping.
//! All times are naive UTC in the database and shown in Beijing time.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    /// The current UTC time.
    fn now(&self) -> NaiveDateTime;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        Utc::now().naive_utc()
    }
}

/// A clock that stands still until told to move.
pub struct TestClock(Mutex<NaiveDateTime>);

impl TestClock {
    pub fn new(start: NaiveDateTime) -> TestClock {
        TestClock(Mutex::new(start))
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().expect("clock lock");
        *now += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> NaiveDateTime {
        *self.0.lock().expect("clock lock")
    }
}

/// Asia/Shanghai has had no daylight saving since 1991: a fixed +08:00 is exact.
pub fn beijing(utc: NaiveDateTime) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(8 * 3600).expect("valid offset");
    utc.and_utc().with_timezone(&offset)
}

/// "2026-11-22" for tables.
pub fn date_text(utc: &NaiveDateTime) -> String {
    beijing(*utc).format("%Y-%m-%d").to_string()
}

/// "2026年11月22日 14:30" for prose.
pub fn datetime_text(utc: &NaiveDateTime) -> String {
    beijing(*utc).format("%Y年%m月%d日 %H:%M").to_string()
}
