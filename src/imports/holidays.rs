//! A year's schedule of public holidays and make-up workdays (国务院办公厅关于
//! 某年部分节假日安排的通知), as the credit office uploads or pastes it and as
//! the repository ships it (`src/seed/holidays/*.csv`): one day a line,
//! `日期,名称,类型[,来源]`, the header optional. Read like a department file:
//! one encoding throughout, the same cell cleaning and date forms; any bad
//! line refuses the whole schedule, each bad line named.

use std::io::Read;

use chrono::{Datelike, NaiveDate, Weekday};

use super::decode::{Undecodable, decode_as, fallback, undecodable};
use super::fields;

/// Longest schedule accepted: a year has 366 days.
pub const MAX_SCHEDULE_BYTES: usize = 256 * 1024;

/// One day of a schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleDay {
    pub day: NaiveDate,
    pub name: String,
    /// A weekend day worked to make up for a holiday (调休上班).
    pub workday: bool,
    /// The notice the day comes from.
    pub source: String,
}

/// A line of the schedule that cannot be taken, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number; 0 for the schedule as a whole.
    pub line: usize,
    pub value: String,
    pub reason: String,
}

fn whole(reason: impl Into<String>) -> Vec<LineError> {
    vec![LineError { line: 0, value: String::new(), reason: reason.into() }]
}

/// The schedule of `year` in `bytes` (a file, or pasted text as UTF-8). A
/// line without a 来源 cell takes `source`, the notice named in the form.
pub fn schedule(bytes: &[u8], year: i32, source: &str) -> Result<Vec<ScheduleDay>, Vec<LineError>> {
    if bytes.len() > MAX_SCHEDULE_BYTES {
        return Err(whole("内容过长：一年的放假安排不会超过 366 行，请检查是否选错了文件"));
    }
    let text = decoded(bytes)?;
    let mut days: Vec<ScheduleDay> = Vec::new();
    let mut errors = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let cells: Vec<&str> = raw.split([',', '\t']).map(fields::clean).collect();
        if cells.iter().all(|c| c.is_empty()) || (days.is_empty() && is_header(cells[0])) {
            continue;
        }
        match day(&cells, year, source) {
            Ok(day) if days.iter().any(|d| d.day == day.day) => errors.push(LineError {
                line,
                value: raw.trim().to_string(),
                reason: format!("{} 已在前面出现过，每个日期只能有一行", day.day),
            }),
            Ok(day) => days.push(day),
            Err(reason) => errors.push(LineError { line, value: fields::clean(raw).to_string(), reason }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if days.is_empty() {
        return Err(whole(format!("没有读到任何日期，请按“日期,名称,类型”每行填写 {year} 年的一天")));
    }
    days.sort_by_key(|d| d.day);
    Ok(days)
}

/// The text of the schedule in the one encoding it decodes in (UTF-8 first, then GBK).
fn decoded(bytes: &[u8]) -> Result<String, Vec<LineError>> {
    let read = |encoding| -> Result<String, Undecodable> {
        let mut text = String::new();
        let mut reader = decode_as(bytes, encoding).expect("reading from memory");
        match reader.read_to_string(&mut text) {
            Ok(_) => Ok(text),
            Err(error) => Err(undecodable(&error).expect("only decoding can fail in memory")),
        }
    };
    read(None)
        .or_else(|first| match fallback(first.encoding) {
            Some(other) => read(Some(other)).map_err(|_| first),
            None => Err(first),
        })
        .map_err(|failure| {
            whole(format!(
                "第 {} 行有无法识别的字节：文件既不是有效的 UTF-8 也不是有效的 GBK 编码，请另存为 UTF-8 后重新上传",
                failure.line
            ))
        })
}

fn is_header(cell: &str) -> bool {
    matches!(cell, "日期" | "date" | "Date" | "DATE")
}

fn day(cells: &[&str], year: i32, default_source: &str) -> Result<ScheduleDay, String> {
    if cells.len() < 3 {
        return Err("每行应为“日期,名称,类型”，如 2027-01-01,元旦,放假".into());
    }
    if cells.len() > 4 {
        return Err("列数过多：每行只有日期、名称、类型和可选的来源四列".into());
    }
    let day = fields::date(cells[0]).map_err(|e| format!("日期：{e}"))?;
    if day.year() != year {
        return Err(format!("{day} 不在 {year} 年内"));
    }
    let name = fields::text(cells[1], 40).map_err(|e| format!("名称{e}"))?;
    let workday = match cells[2] {
        "放假" | "休" | "休息" | "holiday" => false,
        "调休上班" | "上班" | "班" | "workday" => true,
        other => return Err(format!("类型“{other}”无法识别，应为“放假”或“调休上班”")),
    };
    if workday && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        return Err(format!("{day} 不是周六或周日：调休上班只用于周末，工作日本来就上班"));
    }
    let source = match cells.get(3).filter(|c| !c.is_empty()) {
        Some(cell) => fields::text(cell, 200).map_err(|e| format!("来源{e}"))?,
        None if !default_source.trim().is_empty() => default_source.trim().to_string(),
        None => return Err("没有来源：请在表单中填写来源通知，或在第四列写明".into()),
    };
    Ok(ScheduleDay { day, name, workday, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reads_pasted_lines_with_or_without_header_and_source() {
        let text = "日期,名称,类型\n\n2027-01-01,元旦,放假\n2027/2/6\t春节调休\t调休上班\n 2027年1月2日 ,元旦, 放假 ,另一通知\n";
        let days = schedule(text.as_bytes(), 2027, "通知").unwrap();
        let seen: Vec<(NaiveDate, bool, &str)> = days.iter().map(|x| (x.day, x.workday, x.source.as_str())).collect();
        assert_eq!(
            seen,
            [(d(2027, 1, 1), false, "通知"), (d(2027, 1, 2), false, "另一通知"), (d(2027, 2, 6), true, "通知")]
        );
    }

    #[test]
    fn names_every_bad_line_and_takes_none() {
        let text = "2027-01-01,元旦,放假\n2026-12-31,元旦,放假\n2027-01-04,调休,调休上班\n2027-01-01,元旦,放假\n2027-01-05,x,请假\n2027-02-30,春节,放假\n";
        let errors = schedule(text.as_bytes(), 2027, "通知").unwrap_err();
        let lines: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.reason.as_str())).collect();
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert!(lines[0].1.contains("不在 2027 年内"));
        assert!(lines[1].1.contains("不是周六或周日"));
        assert!(lines[2].1.contains("已在前面出现过"));
        assert!(lines[3].1.contains("“请假”无法识别"));
        assert!(lines[4].1.contains("2 月没有 30 日"));
        assert_eq!(lines.iter().map(|l| l.0).collect::<Vec<_>>(), [2, 3, 4, 5, 6]);
    }

    #[test]
    fn a_gbk_file_is_read_and_a_schedule_needs_a_source_and_a_day() {
        let (bytes, _, _) = encoding_rs::GBK.encode("2027-01-01,元旦,放假\n");
        assert_eq!(schedule(&bytes, 2027, "通知").unwrap()[0].name, "元旦");
        assert!(schedule(b"2027-01-01,x,holiday\n", 2027, " ").unwrap_err()[0].reason.contains("没有来源"));
        assert!(schedule(b"\n\n", 2027, "x").unwrap_err()[0].reason.contains("没有读到任何日期"));
        assert!(schedule(b"2027-01-01,\xFF,holiday\n", 2027, "x").unwrap_err()[0].reason.contains("无法识别的字节"));
    }
}
