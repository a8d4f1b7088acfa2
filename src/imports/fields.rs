//! Lenient cell parsers shared by every kind of department file. They accept
//! the forms that departments' systems and Excel actually export (full-width
//! digits, thousands separators, 2024/3/1, 2024年3月1日 ...) and refuse the
//! rest with a reason in Chinese that the uploader can act on.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::domain::Money;
use crate::domain::uscc::{half_width, is_invisible};

/// The earliest year any record can be about (the People's Republic's founding).
pub const MIN_YEAR: i32 = 1949;
/// The latest year a date may name at all (e.g. an honour's expiry).
pub const MAX_YEAR: i32 = 2100;
/// One trillion yuan: no SME amount comes near it, so anything above is a typo
/// or a unit mix-up. Also keeps fen far inside i64.
pub const MAX_YUAN: i64 = 1_000_000_000_000;

/// Removes the padding that spreadsheets and copy-paste leave around a value:
/// ASCII and Unicode spaces (incl. U+3000 and NBSP), BOM and zero-width spaces.
pub fn clean(raw: &str) -> &str {
    raw.trim_matches(|c: char| c.is_whitespace() || is_invisible(c))
}

/// Empty, or one of the placeholders departments use for "no value".
pub fn is_blank(raw: &str) -> bool {
    matches!(clean(raw), "" | "-" | "--" | "—" | "——" | "－" | "/" | "无" | "null" | "NULL" | "N/A" | "n/a")
}

/// Full-width to half-width, and nothing else, for values made of digits.
fn fold(raw: &str) -> String {
    clean(raw).chars().map(half_width).collect()
}

/// A required free-text value, at most `max_chars` long.
pub fn text(raw: &str, max_chars: usize) -> Result<String, String> {
    let value = clean(raw);
    if value.is_empty() {
        return Err("不能为空".into());
    }
    if value.contains('\u{FFFD}') {
        return Err("含有无法识别的字符，请确认文件编码为 UTF-8 或 GBK".into());
    }
    // A cell typed with Alt+Enter in Excel spans lines; keep it on one line.
    let value = value.replace("\r\n", " ").replace(['\r', '\n', '\t'], " ");
    if value.chars().any(char::is_control) {
        return Err("含有控制字符".into());
    }
    if value.chars().count() > max_chars {
        return Err(format!("不能超过 {max_chars} 个字"));
    }
    Ok(value)
}

/// A date in any of the usual forms, between 1949 and 2100. A time of day
/// after the date (`2024-03-01 00:00:00`, as databases export) is ignored.
pub fn date(raw: &str) -> Result<NaiveDate, String> {
    let folded = fold(raw);
    if folded.is_empty() {
        return Err("日期不能为空".into());
    }
    let day_part = folded.split(['T', ' ']).next().unwrap_or_default();
    let [y, m, d] = date_parts(day_part).ok_or_else(|| format!("无法识别的日期格式，请使用 {DATE_FORMS}"))?;
    check_year(y)?;
    let month = u32::try_from(m).ok().filter(|m| (1..=12).contains(m)).ok_or("月份应在 1 到 12 之间")?;
    let day = u32::try_from(d).map_err(|_| "日期不存在")?;
    NaiveDate::from_ymd_opt(y, month, day).ok_or_else(|| format!("日期不存在：{y} 年 {month} 月没有 {day} 日"))
}

const DATE_FORMS: &str = "2024-03-01、2024/3/1、20240301 或 2024年3月1日";

/// A date that has already happened (an establishment, a decision, an award).
pub fn past_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let value = date(raw)?;
    if value > today {
        return Err(format!("日期不能晚于今天（{today}）"));
    }
    Ok(value)
}

/// A month (`2024-03`, `202403`, `2024/3`, `2024年3月`, or a full date, whose
/// day is dropped), as the first day of that month, not after this month.
pub fn month(raw: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let folded = fold(raw);
    if folded.is_empty() {
        return Err("月份不能为空".into());
    }
    let day_part = folded.split(['T', ' ']).next().unwrap_or_default();
    let (y, m) = match date_parts(day_part) {
        Some([y, m, _]) => date(day_part).map(|_| (y, m))?,
        None => month_parts(day_part).ok_or("无法识别的月份格式，请使用 2024-03、202403 或 2024年3月")?,
    };
    check_year(y)?;
    let m = u32::try_from(m).ok().filter(|m| (1..=12).contains(m)).ok_or("月份应在 1 到 12 之间")?;
    let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or("月份不存在")?;
    if (first.year(), first.month()) > (today.year(), today.month()) {
        return Err(format!("月份不能晚于本月（{}年{}月）", today.year(), today.month()));
    }
    Ok(first)
}

/// A year (`2024` or `2024年`), not after the current one.
pub fn year(raw: &str, today: NaiveDate) -> Result<i32, String> {
    let folded = fold(raw);
    let digits = folded.strip_suffix('年').unwrap_or(&folded);
    let digits = digits.strip_suffix(".0").unwrap_or(digits);
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("年度应为四位数字，如 2024".into());
    }
    let y: i32 = digits.parse().map_err(|_| "年度应为四位数字，如 2024")?;
    check_year(y)?;
    if y > today.year() {
        return Err(format!("年度不能晚于今年（{}）", today.year()));
    }
    Ok(y)
}

fn check_year(y: i32) -> Result<(), String> {
    if (MIN_YEAR..=MAX_YEAR).contains(&y) {
        Ok(())
    } else {
        Err(format!("年份应在 {MIN_YEAR} 到 {MAX_YEAR} 之间"))
    }
}

/// Year, month, day from `2024-03-01`, `2024/3/1`, `2024.3.1`, `2024年3月1日`, `20240301`.
fn date_parts(s: &str) -> Option<[i32; 3]> {
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Some([s[..4].parse().ok()?, s[4..6].parse().ok()?, s[6..].parse().ok()?]);
    }
    let s = s.strip_suffix(['日', '号']).unwrap_or(s);
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => Some([number(y, 4)?, number(m, 2)?, number(d, 2)?]),
        _ => None,
    }
}

/// Year and month from `2024-03`, `2024/3`, `2024.3`, `2024年3月`, `202403`.
fn month_parts(s: &str) -> Option<(i32, i32)> {
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Some((s[..4].parse().ok()?, s[4..].parse().ok()?));
    }
    let s = s.strip_suffix('月').unwrap_or(s);
    let (y, m) = s.split_once(['-', '/', '.', '年'])?;
    (y.len() == 4).then_some(())?;
    Some((number(y, 4)?, number(m, 2)?))
}

/// 1 to `max_len` ASCII digits.
fn number(s: &str, max_len: usize) -> Option<i32> {
    let ok = !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit());
    if ok { s.parse().ok() } else { None }
}

/// A plain non-negative number as exported by spreadsheets: optional ¥ and 元,
/// thousands separators (checked, so `1,5` is not silently 15), at most
/// `max_dp` decimals unless the extra ones are zeros.
pub fn decimal(raw: &str, max_dp: u32) -> Result<Decimal, String> {
    let folded = fold(raw).replace(['\u{FFE5}', '¥'], "");
    let s = clean(folded.strip_suffix('元').unwrap_or(&folded));
    if s.is_empty() {
        return Err("不能为空".into());
    }
    if s.contains(['e', 'E']) {
        return Err("不能使用科学计数法（如 1.2E+07），请在导出前把单元格设为数值格式".into());
    }
    if s.starts_with('-') {
        return Err("不能为负数".into());
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit() || b == b',')
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("不是有效的数字".into());
    }
    if int.contains(',') && !well_grouped(int) {
        return Err("千分位分隔符位置不对，应为 1,234,567.89 的形式".into());
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > max_dp as usize {
        return Err(format!("最多保留 {max_dp} 位小数"));
    }
    let int = int.replace(',', "");
    let int = int.trim_start_matches('0');
    if int.len() > 15 {
        return Err("数值过大".into());
    }
    let digits = format!("{int}{frac}");
    let mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| "不是有效的数字")? };
    Ok(Decimal::from_i128_with_scale(mantissa, frac.len() as u32))
}

fn well_grouped(int: &str) -> bool {
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3)
}

/// An amount in yuan (`1,234,567.89`, `１２３４.５`, `¥1,200`, `500万元`), to the fen.
pub fn amount(raw: &str) -> Result<Money, String> {
    scaled_amount(raw, 1)
}

/// An amount in a column whose header says 万元 (ten thousand yuan).
pub fn amount_wan(raw: &str) -> Result<Money, String> {
    scaled_amount(raw, 10_000)
}

fn scaled_amount(raw: &str, yuan_per_unit: i64) -> Result<Money, String> {
    // Registry exports write capital as "500万元人民币": the cell's own 万 wins
    // over the header's unit (never 万 twice).
    let folded = fold(raw);
    let s = clean(folded.strip_suffix("人民币").unwrap_or(&folded));
    let s = clean(s.strip_suffix('元').unwrap_or(s));
    let (s, yuan_per_unit) = s.strip_suffix('万').map_or((s, yuan_per_unit), |s| (s, 10_000));
    // 万元 carries up to six decimals before reaching the fen.
    let dp = if yuan_per_unit == 1 { 2 } else { 6 };
    let value = decimal(s, dp).map_err(|e| format!("金额{e}"))?;
    let yuan = value * Decimal::from(yuan_per_unit);
    if yuan >= Decimal::from(MAX_YUAN) {
        return Err("金额过大（超过一万亿元），请核对单位".into());
    }
    let fen = (yuan * Decimal::ONE_HUNDRED).trunc();
    Ok(Money::from_fen(i64::try_from(fen).map_err(|_| "金额过大")?))
}

/// An amount that may be left empty (or `-`), meaning zero.
pub fn optional_amount(raw: &str) -> Result<Money, String> {
    if is_blank(raw) { Ok(Money::default()) } else { amount(raw) }
}

/// A quantity such as kWh or square metres: non-negative, two decimals.
pub fn quantity(raw: &str) -> Result<Decimal, String> {
    let value = decimal(raw, 2).map_err(|e| format!("数量{e}"))?;
    if value >= Decimal::from(MAX_YUAN) {
        return Err("数量过大，请核对单位".into());
    }
    Ok(value)
}

/// A count such as insured employees: a whole number up to `max`.
pub fn count(raw: &str, max: i32) -> Result<i32, String> {
    let folded = fold(raw);
    let s = folded.strip_suffix('人').unwrap_or(&folded);
    let value = decimal(s, 6).map_err(|e| format!("人数{e}"))?;
    if !value.fract().is_zero() {
        return Err("人数应为整数".into());
    }
    i32::try_from(value.trunc()).ok().filter(|v| *v <= max).ok_or_else(|| format!("人数不能超过 {max}"))
}

/// Yes or no, in the words departments use.
pub fn boolean(raw: &str) -> Result<bool, String> {
    match fold(raw).to_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" | "已抵押" | "抵押" | "有" => Ok(true),
        "否" | "n" | "no" | "false" | "0" | "未抵押" | "无抵押" | "无" => Ok(false),
        "" => Err("不能为空，请填写“是”或“否”".into()),
        _ => Err("请填写“是”或“否”".into()),
    }
}

/// An email address, lowercased.
pub fn email(raw: &str) -> Result<String, String> {
    let email = fold(raw).to_lowercase();
    if email.chars().count() > SHORT_EMAIL || email.parse::<lettre::Address>().is_err() {
        return Err("邮箱格式不正确，例如 finance@example.com".into());
    }
    Ok(email)
}

/// Longest email kept (RFC 5321 allows 254).
const SHORT_EMAIL: usize = 254;

/// A phone number: a mainland mobile as 11 digits; a landline is accepted
/// and not kept (no code can be sent to it).
pub fn mobile(raw: &str) -> Result<Option<String>, String> {
    let phone = fold(raw);
    if let Some(mobile) = crate::domain::claim::mobile(&phone) {
        return Ok(Some(mobile));
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let phone_like = phone.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+' | '转'));
    if phone_like && (7..=16).contains(&digits) { Ok(None) } else { Err("不是有效的电话号码".into()) }
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
