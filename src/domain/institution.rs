//! The kinds of institution (金融机构) the credit office onboards.

/// The strings are stored in `institutions.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InstitutionKind {
    Bank,
    RuralCredit,
    Microlender,
    Guarantor,
}

crate::stored_as_text!(InstitutionKind);

impl InstitutionKind {
    pub const ALL: [InstitutionKind; 4] =
        [InstitutionKind::Bank, InstitutionKind::RuralCredit, InstitutionKind::Microlender, InstitutionKind::Guarantor];

    pub fn as_str(self) -> &'static str {
        match self {
            InstitutionKind::Bank => "bank",
            InstitutionKind::RuralCredit => "rural_credit",
            InstitutionKind::Microlender => "microlender",
            InstitutionKind::Guarantor => "guarantor",
        }
    }

    pub fn parse(text: &str) -> Option<InstitutionKind> {
        InstitutionKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            InstitutionKind::Bank => "银行",
            InstitutionKind::RuralCredit => "农村信用社",
            InstitutionKind::Microlender => "小额贷款公司",
            InstitutionKind::Guarantor => "融资担保公司",
        }
    }
}
