//! Credit records as the departments deliver them, after parsing and
//! validation: one type per kind, each with its natural key. The import parser
//! produces these; the credit model reads them; the models store them.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Money, Uscc};

/// The kinds of department file the credit office imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Registry,
    Tax,
    Utilities,
    Property,
    SocialSecurity,
    Penalties,
    Honours,
}

crate::stored_as_text!(RecordKind);

impl RecordKind {
    pub const ALL: [RecordKind; 7] = [
        RecordKind::Registry,
        RecordKind::Tax,
        RecordKind::Utilities,
        RecordKind::Property,
        RecordKind::SocialSecurity,
        RecordKind::Penalties,
        RecordKind::Honours,
    ];

    /// The name in URLs, on the command line and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Registry => "registry",
            RecordKind::Tax => "tax",
            RecordKind::Utilities => "utilities",
            RecordKind::Property => "property",
            RecordKind::SocialSecurity => "social_security",
            RecordKind::Penalties => "penalties",
            RecordKind::Honours => "honours",
        }
    }

    pub fn parse(text: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The name users see.
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Registry => "企业登记信息",
            RecordKind::Tax => "纳税信息",
            RecordKind::Utilities => "水电气缴费信息",
            RecordKind::Property => "不动产信息",
            RecordKind::SocialSecurity => "社保缴纳信息",
            RecordKind::Penalties => "行政处罚与司法信息",
            RecordKind::Honours => "荣誉信息",
        }
    }

    /// The department that usually delivers this kind (a default for the import form).
    pub fn default_department(self) -> &'static str {
        match self {
            RecordKind::Registry => "市场监督管理局",
            RecordKind::Tax => "税务局",
            RecordKind::Utilities => "供水、供电、燃气公司",
            RecordKind::Property => "自然资源和规划局",
            RecordKind::SocialSecurity => "人力资源和社会保障局",
            RecordKind::Penalties => "执法部门与人民法院",
            RecordKind::Honours => "相关主管部门",
        }
    }
}

/// 纳税信用等级.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaxGrade {
    A,
    B,
    M,
    C,
    D,
}

impl TaxGrade {
    pub fn as_str(self) -> &'static str {
        match self {
            TaxGrade::A => "A",
            TaxGrade::B => "B",
            TaxGrade::M => "M",
            TaxGrade::C => "C",
            TaxGrade::D => "D",
        }
    }

    pub fn parse(text: &str) -> Option<TaxGrade> {
        [TaxGrade::A, TaxGrade::B, TaxGrade::M, TaxGrade::C, TaxGrade::D]
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Utility {
    Water,
    Electricity,
    Gas,
}

impl Utility {
    pub fn as_str(self) -> &'static str {
        match self {
            Utility::Water => "water",
            Utility::Electricity => "electricity",
            Utility::Gas => "gas",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Utility::Water => "水",
            Utility::Electricity => "电",
            Utility::Gas => "气",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PenaltyKind {
    /// 行政处罚
    AdministrativePenalty,
    /// 失信被执行人: puts the enterprise on the dishonest list while active.
    DishonestDebtor,
    /// 被执行人 / other court enforcement record
    CourtEnforcement,
}

impl PenaltyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PenaltyKind::AdministrativePenalty => "administrative_penalty",
            PenaltyKind::DishonestDebtor => "dishonest_debtor",
            PenaltyKind::CourtEnforcement => "court_enforcement",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PenaltyKind::AdministrativePenalty => "行政处罚",
            PenaltyKind::DishonestDebtor => "失信被执行人",
            PenaltyKind::CourtEnforcement => "被执行人",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PenaltyStatus {
    Active,
    /// 已修复 (credit repair) or performed.
    Repaired,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RegistryRecord {
    pub uscc: Uscc,
    pub name: String,
    pub legal_representative: String,
    pub registered_capital: Money,
    pub established_on: NaiveDate,
    /// GB/T 2260 six-digit code.
    pub region: String,
    /// GB/T 4754 section letter A–T.
    pub industry: String,
    /// micro / small / medium
    pub size_class: String,
    pub address: String,
    /// The enterprise's contact as registered, where a code proving control
    /// of the enterprise is sent (optional columns).
    pub contact_email: Option<String>,
    /// Eleven digits.
    pub contact_mobile: Option<String>,
}

/// Key: (uscc, year).
#[derive(Clone, Debug, PartialEq)]
pub struct TaxRecord {
    pub uscc: Uscc,
    pub year: i32,
    pub tax_grade: TaxGrade,
    pub tax_paid: Money,
    pub revenue: Money,
}

/// Key: (uscc, month, utility). `month` is the first day of the month.
#[derive(Clone, Debug, PartialEq)]
pub struct UtilityRecord {
    pub uscc: Uscc,
    pub month: NaiveDate,
    pub utility: Utility,
    /// kWh, tonnes of water or cubic metres of gas, up to two decimals.
    pub usage: Decimal,
    pub billed: Money,
    pub arrears: Money,
}

/// Key: certificate_no.
#[derive(Clone, Debug, PartialEq)]
pub struct PropertyRecord {
    pub uscc: Uscc,
    pub certificate_no: String,
    /// e.g. 工业用地, 厂房, 办公用房
    pub kind: String,
    /// Square metres, up to two decimals.
    pub area: Decimal,
    pub assessed_value: Money,
    pub mortgaged: bool,
}

/// Key: (uscc, month). `month` is the first day of the month.
#[derive(Clone, Debug, PartialEq)]
pub struct SocialSecurityRecord {
    pub uscc: Uscc,
    pub month: NaiveDate,
    pub insured: i32,
    pub arrears: Money,
}

/// Key: (authority, case_no).
#[derive(Clone, Debug, PartialEq)]
pub struct PenaltyRecord {
    pub uscc: Uscc,
    pub case_no: String,
    pub decided_on: NaiveDate,
    pub authority: String,
    pub kind: PenaltyKind,
    pub amount: Money,
    pub status: PenaltyStatus,
    /// When it was repaired or performed, if it was.
    pub ended_on: Option<NaiveDate>,
}

/// Key: (uscc, honour, awarded_on).
#[derive(Clone, Debug, PartialEq)]
pub struct HonourRecord {
    pub uscc: Uscc,
    /// e.g. A级纳税人, 高新技术企业, 海关AEO高级认证
    pub honour: String,
    pub issuer: String,
    pub awarded_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

/// One valid row of a department file.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    Registry(RegistryRecord),
    Tax(TaxRecord),
    Utility(UtilityRecord),
    Property(PropertyRecord),
    SocialSecurity(SocialSecurityRecord),
    Penalty(PenaltyRecord),
    Honour(HonourRecord),
}
