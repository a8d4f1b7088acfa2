//! Each kind end to end (header in Chinese or English, one row to one record),
//! and the vocabularies each kind accepts.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::imports::{RowError, parse};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A valid USCC in the demo city, numbered.
pub(crate) fn code(n: u32) -> String {
    Uscc::with_check_character(&format!("91990106MA{n:07}")).unwrap().to_string()
}

fn one(kind: RecordKind, csv: &str) -> Result<Record, RowError> {
    let mut rows = parse(kind, csv.as_bytes(), ymd(2025, 6, 15)).unwrap();
    let first = rows.next().expect("one data row");
    assert!(rows.next().is_none());
    first
}

#[test]
fn registry_in_chinese_with_capital_in_wan_yuan() {
    let csv = format!(
        "统一社会信用代码,企业名称,法定代表人,注册资本（万元）,成立日期,行政区划,行业,企业规模,住所\n\
         {},无锡华信精密机械有限公司,张伟,500,2016/5/12,990106,制造业,小型企业,\"滨湖区蠡园路 1 号, 3 楼\"\n",
        code(1)
    );
    let Record::Registry(r) = one(RecordKind::Registry, &csv).unwrap() else { panic!() };
    assert_eq!(r.uscc.as_str(), code(1));
    assert_eq!(r.name, "无锡华信精密机械有限公司");
    assert_eq!(r.registered_capital, Money::from_yuan(5_000_000));
    assert_eq!(r.established_on, ymd(2016, 5, 12));
    assert_eq!((r.region.as_str(), r.industry.as_str(), r.size_class.as_str()), ("990106", "C", "small"));
    assert_eq!(r.address, "滨湖区蠡园路 1 号, 3 楼");
}

#[test]
fn registry_in_english() {
    let csv = format!(
        "Credit Code,Name,Legal Representative,Registered Capital,Established On,Region,Industry,Size Class,Address\n\
         {},Huaxin,Zhang Wei,\"1,000,000.00\",20160512,990121,I,micro,No. 1 Road\n",
        code(2)
    );
    let Record::Registry(r) = one(RecordKind::Registry, &csv).unwrap() else { panic!() };
    assert_eq!(r.registered_capital, Money::from_yuan(1_000_000));
    assert_eq!((r.industry.as_str(), r.size_class.as_str()), ("I", "micro"));
}

#[test]
fn tax_row() {
    let csv = format!("uscc,year,tax_grade,tax_paid(元),revenue\n{},2024年,A级,\"1,234.50\",\"¥2,000,000\"\n", code(3));
    let record = one(RecordKind::Tax, &csv).unwrap();
    let expected = TaxRecord {
        uscc: Uscc::parse(&code(3)).unwrap(),
        year: 2024,
        tax_grade: TaxGrade::A,
        tax_paid: Money::from_fen(123_450),
        revenue: Money::from_yuan(2_000_000),
    };
    assert_eq!(record, Record::Tax(expected));
}

#[test]
fn utility_row_with_arrears_left_blank() {
    let csv = format!("统一社会信用代码,月份,类型,用量,应缴金额,欠费金额\n{},202403,燃气,\"1,250.5\",980,-\n", code(4));
    let Record::Utility(u) = one(RecordKind::Utilities, &csv).unwrap() else { panic!() };
    assert_eq!((u.month, u.utility), (ymd(2024, 3, 1), Utility::Gas));
    assert_eq!(u.usage, Decimal::new(125_050, 2));
    assert_eq!((u.billed, u.arrears), (Money::from_yuan(980), Money::default()));
}

#[test]
fn utility_file_without_an_arrears_column() {
    let csv = format!("uscc,month,utility,usage,billed\n{},2024-03,electricity,100,80\n", code(4));
    let Record::Utility(u) = one(RecordKind::Utilities, &csv).unwrap() else { panic!() };
    assert_eq!((u.utility, u.arrears), (Utility::Electricity, Money::default()));
}

#[test]
fn property_row() {
    let csv = format!(
        "统一社会信用代码,不动产权证号,不动产类型,面积(平方米),评估价值(万元),是否抵押\n{},苏(2023)无锡市不动产权第0012345号,厂房,3200.5,860,已抵押\n",
        code(5)
    );
    let Record::Property(p) = one(RecordKind::Property, &csv).unwrap() else { panic!() };
    assert_eq!(p.certificate_no, "苏(2023)无锡市不动产权第0012345号");
    assert_eq!((p.area, p.assessed_value, p.mortgaged), (Decimal::new(32_005, 1), Money::from_yuan(8_600_000), true));
}

#[test]
fn social_security_row() {
    let csv = format!("统一社会信用代码,费款所属期,参保人数,欠费金额\n{},2024年3月,37人,\"1,200\"\n", code(6));
    let record = one(RecordKind::SocialSecurity, &csv).unwrap();
    let expected = SocialSecurityRecord {
        uscc: Uscc::parse(&code(6)).unwrap(),
        month: ymd(2024, 3, 1),
        insured: 37,
        arrears: Money::from_yuan(1_200),
    };
    assert_eq!(record, Record::SocialSecurity(expected));
}

#[test]
fn penalty_rows() {
    let head = "统一社会信用代码,案号,决定日期,决定机关,类型,金额,状态,修复日期\n";
    let csv = format!(
        "{head}{},锡市监罚〔2024〕12号,2024-04-18,无锡市市场监督管理局,行政处罚,\"20,000\",已修复,2024-09-30\n",
        code(7)
    );
    let Record::Penalty(p) = one(RecordKind::Penalties, &csv).unwrap() else { panic!() };
    assert_eq!(
        (p.kind, p.status, p.ended_on),
        (PenaltyKind::AdministrativePenalty, PenaltyStatus::Repaired, Some(ymd(2024, 9, 30)))
    );
    assert_eq!(p.amount, Money::from_yuan(20_000));

    let csv = format!("{head}{},(2024)苏0211执123号,2024-01-02,滨湖区人民法院,失信被执行人,,有效,\n", code(7));
    let Record::Penalty(p) = one(RecordKind::Penalties, &csv).unwrap() else { panic!() };
    assert_eq!(
        (p.kind, p.status, p.ended_on, p.amount),
        (PenaltyKind::DishonestDebtor, PenaltyStatus::Active, None, Money::default())
    );

    let active_but_ended = format!("{head}{},X1,2024-01-02,法院,被执行人,0,有效,2024-02-01\n", code(7));
    assert_eq!(one(RecordKind::Penalties, &active_but_ended).unwrap_err().field, "修复日期");
    let ended_before = format!("{head}{},X1,2024-01-02,法院,被执行人,0,已履行,2023-12-01\n", code(7));
    assert!(one(RecordKind::Penalties, &ended_before).unwrap_err().reason.contains("不能早于决定日期"));
}

#[test]
fn honour_rows() {
    let head = "uscc,honour,issuer,awarded_on,expires_on\n";
    let csv = format!("{head}{},高新技术企业,江苏省科学技术厅,2023-11-06,2026-11-05\n", code(8));
    let Record::Honour(h) = one(RecordKind::Honours, &csv).unwrap() else { panic!() };
    assert_eq!((h.awarded_on, h.expires_on), (ymd(2023, 11, 6), Some(ymd(2026, 11, 5))));
    let backwards = format!("{head}{},A级纳税人,税务局,2023-11-06,2022-01-01\n", code(8));
    assert!(one(RecordKind::Honours, &backwards).unwrap_err().reason.contains("不能早于授予日期"));
}

#[test]
fn bad_uscc_is_reported_with_the_check_character_reason() {
    let mut bad = code(9);
    bad.replace_range(17.., if bad.ends_with('0') { "1" } else { "0" });
    let csv = format!("统一社会信用代码,年度,纳税信用等级,纳税额,营业收入\n{bad},2024,A,1,1\n");
    let error = one(RecordKind::Tax, &csv).unwrap_err();
    assert_eq!((error.row, error.field.as_str(), error.value.as_str()), (2, "统一社会信用代码", bad.as_str()));
    assert!(error.reason.contains("校验位不正确"));
}

#[test]
fn industries() {
    for (raw, letter) in [
        ("C", "C"),
        ("c", "C"),
        ("C3411", "C"),
        ("制造业", "C"),
        ("C 制造业", "C"),
        ("I-信息传输、软件和信息技术服务业", "I"),
    ] {
        assert_eq!(industry(raw), Ok(letter.to_string()), "{raw}");
    }
    for raw in ["Z", "CX", "制造", "D制造业", "", "C123456"] {
        assert!(industry(raw).is_err(), "{raw}");
    }
}

#[test]
fn vocabularies() {
    assert_eq!(size_class("中型"), Ok("medium".into()));
    assert_eq!(size_class("Small"), Ok("small".into()));
    assert!(size_class("大型企业").unwrap_err().contains("中小微"));
    assert_eq!(region("990106"), Ok("990106".into()));
    assert!(region("99010").is_err());
    assert!(region("012345").is_err());
    assert_eq!(tax_grade(" m "), Ok(TaxGrade::M));
    assert!(tax_grade("AA").is_err());
    assert_eq!(utility("水费"), Ok(Utility::Water));
    assert_eq!(utility("电"), Ok(Utility::Electricity));
    assert_eq!(utility("气"), Ok(Utility::Gas));
    assert_eq!(utility("Water"), Ok(Utility::Water));
    assert!(utility("暖气").is_err());
    assert_eq!(penalty_kind("被执行人"), Ok(PenaltyKind::CourtEnforcement));
    assert_eq!(penalty_kind("dishonest_debtor"), Ok(PenaltyKind::DishonestDebtor));
    assert_eq!(penalty_status("已履行"), Ok(PenaltyStatus::Repaired));
    assert_eq!(penalty_status("Active"), Ok(PenaltyStatus::Active));
    assert!(penalty_status("已撤销").is_err());
}
