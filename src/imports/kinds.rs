//! One data row to one `Record`, per kind: the cell parsers from `fields`
//! plus the vocabularies of each kind (industries, sizes, utilities, penalty
//! kinds and statuses) and the rules that span two cells.

use chrono::NaiveDate;

use super::fields::{self, count, month, optional_amount, past_date, quantity, year};
use super::headers::{CellError, Cells};
use crate::domain::industry::SECTIONS;
use crate::domain::records::{
    HonourRecord, PenaltyKind, PenaltyRecord, PenaltyStatus, PropertyRecord, Record, RecordKind, RegistryRecord,
    SocialSecurityRecord, TaxGrade, TaxRecord, Utility, UtilityRecord,
};
use crate::domain::{Money, Uscc};

/// Longest free text kept from a file; longer is a sign of shifted columns.
const SHORT_TEXT: usize = 100;
const LONG_TEXT: usize = 300;
/// More insured employees than any SME (or any firm in a city) has.
const MAX_INSURED: i32 = 1_000_000;

/// Converts a data row. Cells are checked in column order and the first bad
/// one is reported.
pub(crate) fn convert(kind: RecordKind, cells: &Cells, today: NaiveDate) -> Result<Record, CellError> {
    let uscc = cells.get("uscc", |raw| Uscc::parse(raw).map_err(|e| e.to_string()))?;
    let past = |raw: &str| past_date(raw, today);
    Ok(match kind {
        RecordKind::Registry => Record::Registry(RegistryRecord {
            uscc,
            name: cells.get("name", |raw| fields::text(raw, SHORT_TEXT))?,
            legal_representative: cells.get("legal_representative", |raw| fields::text(raw, SHORT_TEXT))?,
            registered_capital: cells.money("registered_capital")?,
            established_on: cells.get("established_on", past)?,
            region: cells.get("region", region)?,
            industry: cells.get("industry", industry)?,
            size_class: cells.get("size_class", size_class)?,
            address: cells.get("address", |raw| fields::text(raw, LONG_TEXT))?,
            contact_email: cells.optional("contact_email", fields::email)?,
            contact_mobile: cells.optional("contact_mobile", fields::mobile)?.flatten(),
        }),
        RecordKind::Tax => Record::Tax(TaxRecord {
            uscc,
            year: cells.get("year", |raw| year(raw, today))?,
            tax_grade: cells.get("tax_grade", tax_grade)?,
            tax_paid: cells.money("tax_paid")?,
            revenue: cells.money("revenue")?,
        }),
        RecordKind::Utilities => Record::Utility(UtilityRecord {
            uscc,
            month: cells.get("month", |raw| month(raw, today))?,
            utility: cells.get("utility", utility)?,
            usage: cells.get("usage", quantity)?,
            billed: cells.money("billed")?,
            arrears: cells.get("arrears", optional_amount)?,
        }),
        RecordKind::Property => Record::Property(PropertyRecord {
            uscc,
            certificate_no: cells.get("certificate_no", |raw| fields::text(raw, SHORT_TEXT))?,
            kind: cells.get("kind", |raw| fields::text(raw, SHORT_TEXT))?,
            area: cells.get("area", quantity)?,
            assessed_value: cells.money("assessed_value")?,
            mortgaged: cells.get("mortgaged", fields::boolean)?,
        }),
        RecordKind::SocialSecurity => Record::SocialSecurity(SocialSecurityRecord {
            uscc,
            month: cells.get("month", |raw| month(raw, today))?,
            insured: cells.get("insured", |raw| count(raw, MAX_INSURED))?,
            arrears: cells.get("arrears", optional_amount)?,
        }),
        RecordKind::Penalties => penalty(uscc, cells, today)?,
        RecordKind::Honours => honour(uscc, cells, today)?,
    })
}

fn penalty(uscc: Uscc, cells: &Cells, today: NaiveDate) -> Result<Record, CellError> {
    let case_no = cells.get("case_no", |raw| fields::text(raw, SHORT_TEXT))?;
    let decided_on = cells.get("decided_on", |raw| past_date(raw, today))?;
    let authority = cells.get("authority", |raw| fields::text(raw, SHORT_TEXT))?;
    let kind = cells.get("kind", penalty_kind)?;
    let amount: Money = cells.money("amount")?;
    let status = cells.get("status", penalty_status)?;
    let ended_on = cells.optional("ended_on", |raw| past_date(raw, today))?;
    if let Some(ended) = ended_on {
        let raw = cells.raw("ended_on");
        if status == PenaltyStatus::Active {
            return Err(cells.error("ended_on", raw, "状态为“有效”时不应填写修复日期".into()));
        }
        if ended < decided_on {
            return Err(cells.error("ended_on", raw, format!("修复日期不能早于决定日期（{decided_on}）")));
        }
    }
    Ok(Record::Penalty(PenaltyRecord { uscc, case_no, decided_on, authority, kind, amount, status, ended_on }))
}

fn honour(uscc: Uscc, cells: &Cells, today: NaiveDate) -> Result<Record, CellError> {
    let honour = cells.get("honour", |raw| fields::text(raw, SHORT_TEXT))?;
    let issuer = cells.get("issuer", |raw| fields::text(raw, SHORT_TEXT))?;
    let awarded_on = cells.get("awarded_on", |raw| past_date(raw, today))?;
    let expires_on = cells.optional("expires_on", fields::date)?;
    if let Some(expires) = expires_on
        && expires < awarded_on
    {
        let raw = cells.raw("expires_on");
        return Err(cells.error("expires_on", raw, format!("有效期不能早于授予日期（{awarded_on}）")));
    }
    Ok(Record::Honour(HonourRecord { uscc, honour, issuer, awarded_on, expires_on }))
}

/// Letters, digits and spaces folded for matching words in a vocabulary.
fn word(raw: &str) -> String {
    fields::clean(raw)
        .chars()
        .map(crate::domain::uscc::half_width)
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-'))
        .collect::<String>()
        .to_lowercase()
}

/// GB/T 2260: six digits. Codes are not checked against the list, which
/// changes every year and would refuse the demo city's 99xxxx codes.
fn region(raw: &str) -> Result<String, String> {
    let code = word(raw);
    let code = code.strip_suffix(".0").unwrap_or(&code);
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) && !code.starts_with('0') {
        Ok(code.to_string())
    } else {
        Err("行政区划代码应为 6 位数字，如 320211".into())
    }
}

/// A GB/T 4754 section letter, from the letter itself, a class code that
/// starts with it (`C3411`), the section's name (`制造业`) or both (`C 制造业`).
fn industry(raw: &str) -> Result<String, String> {
    let text = word(raw).to_uppercase();
    let name = text.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    let code = &text[..text.len() - name.len()];
    let by_name = SECTIONS.iter().find(|(_, n)| !name.is_empty() && *n == name);
    let code_ok = code.len() <= 5 && code.bytes().skip(1).all(|b| b.is_ascii_digit());
    let by_code = code.get(..1).filter(|_| code_ok).and_then(|l| SECTIONS.iter().find(|(c, _)| *c == l));
    match (by_code, by_name) {
        (Some(c), Some(n)) if c.0 != n.0 => Err(format!("行业字母 {} 与门类名称“{}”不一致", c.0, n.1)),
        (Some(c), _) if name.is_empty() || by_name.is_some() => Ok(c.0.to_string()),
        (None, Some(n)) if code.is_empty() => Ok(n.0.to_string()),
        _ => Err("行业应为国民经济行业门类字母 A–T，或门类名称如“制造业”".into()),
    }
}

fn size_class(raw: &str) -> Result<String, String> {
    let size = match word(raw).trim_end_matches("企业") {
        "微型" | "微" | "micro" => "micro",
        "小型" | "小" | "small" => "small",
        "中型" | "中" | "medium" => "medium",
        "大型" | "大" | "large" => return Err("本平台只服务中小微企业，企业规模不能为大型".into()),
        _ => return Err("企业规模应为微型、小型或中型".into()),
    };
    Ok(size.to_string())
}

fn tax_grade(raw: &str) -> Result<TaxGrade, String> {
    let grade = word(raw);
    let grade = grade.trim_end_matches('级');
    TaxGrade::parse(grade).ok_or_else(|| "纳税信用等级应为 A、B、M、C 或 D".into())
}

fn utility(raw: &str) -> Result<Utility, String> {
    match word(raw).trim_end_matches('费') {
        "水" | "用水" | "供水" | "自来水" | "water" => Ok(Utility::Water),
        "电" | "用电" | "供电" | "电力" | "electricity" | "electric" | "power" => Ok(Utility::Electricity),
        "气" | "用气" | "燃气" | "天然气" | "gas" => Ok(Utility::Gas),
        _ => Err("类型应为水、电或气".into()),
    }
}

fn penalty_kind(raw: &str) -> Result<PenaltyKind, String> {
    match word(raw).as_str() {
        "行政处罚" | "administrativepenalty" | "administrative" | "penalty" => {
            Ok(PenaltyKind::AdministrativePenalty)
        }
        "失信被执行人" | "dishonestdebtor" | "dishonest" => Ok(PenaltyKind::DishonestDebtor),
        "被执行人" | "courtenforcement" | "enforcement" => Ok(PenaltyKind::CourtEnforcement),
        _ => Err("类型应为行政处罚、失信被执行人或被执行人".into()),
    }
}

fn penalty_status(raw: &str) -> Result<PenaltyStatus, String> {
    match word(raw).as_str() {
        "有效" | "生效" | "未修复" | "未履行" | "active" => Ok(PenaltyStatus::Active),
        "已修复" | "已履行" | "已信用修复" | "repaired" | "performed" => Ok(PenaltyStatus::Repaired),
        _ => Err("状态应为有效、已修复或已履行".into()),
    }
}

#[cfg(test)]
#[path = "kinds_tests.rs"]
pub(super) mod tests;
