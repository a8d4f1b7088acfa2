//! Parsed records (`domain::records`) to stored rows, with their provenance.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use super::Provenance;
use super::rows::{HonourRow, PenaltyRow, PropertyRow, SocialSecurityRow, TaxRow, UtilityRow};
use crate::domain::records::{
    HonourRecord, PenaltyRecord, PenaltyStatus, PropertyRecord, RegistryRecord, SocialSecurityRecord, TaxRecord,
    UtilityRecord,
};
use crate::models::enterprise::NewEnterprise;

/// Hundredths as an integer (usage, area): exact, like money.
pub fn centi(value: Decimal) -> i64 {
    (value * Decimal::ONE_HUNDRED).round().try_into().unwrap_or(i64::MAX)
}

pub(super) fn tax_row(r: &TaxRecord, from: &Provenance) -> TaxRow {
    TaxRow {
        uscc: r.uscc.to_string(),
        year: r.year,
        tax_grade: r.tax_grade.as_str().into(),
        tax_paid_fen: r.tax_paid.fen(),
        revenue_fen: r.revenue.fen(),
        department: from.department.clone(),
        as_of: from.as_of,
        batch_id: Some(from.batch_id),
    }
}

pub(super) fn utility_row(r: &UtilityRecord, from: &Provenance) -> UtilityRow {
    UtilityRow {
        uscc: r.uscc.to_string(),
        month: r.month,
        utility: r.utility.as_str().into(),
        usage_centi: centi(r.usage),
        billed_fen: r.billed.fen(),
        arrears_fen: r.arrears.fen(),
        department: from.department.clone(),
        as_of: from.as_of,
        batch_id: Some(from.batch_id),
    }
}

pub(super) fn property_row(r: &PropertyRecord, from: &Provenance) -> PropertyRow {
    PropertyRow {
        certificate_no: r.certificate_no.clone(),
        uscc: r.uscc.to_string(),
        kind: r.kind.clone(),
        area_centi: centi(r.area),
        assessed_value_fen: r.assessed_value.fen(),
        mortgaged: r.mortgaged,
        department: from.department.clone(),
        as_of: from.as_of,
        batch_id: Some(from.batch_id),
    }
}

pub(super) fn social_security_row(r: &SocialSecurityRecord, from: &Provenance) -> SocialSecurityRow {
    SocialSecurityRow {
        uscc: r.uscc.to_string(),
        month: r.month,
        insured: r.insured,
        arrears_fen: r.arrears.fen(),
        department: from.department.clone(),
        as_of: from.as_of,
        batch_id: Some(from.batch_id),
    }
}

pub(super) fn penalty_row(r: &PenaltyRecord, from: &Provenance) -> PenaltyRow {
    PenaltyRow {
        authority: r.authority.clone(),
        case_no: r.case_no.clone(),
        uscc: r.uscc.to_string(),
        decided_on: r.decided_on,
        kind: r.kind.as_str().into(),
        amount_fen: r.amount.fen(),
        status: match r.status {
            PenaltyStatus::Active => "active",
            PenaltyStatus::Repaired => "repaired",
        }
        .into(),
        ended_on: r.ended_on,
        department: from.department.clone(),
        as_of: from.as_of,
        batch_id: Some(from.batch_id),
    }
}

pub(super) fn honour_row(r: &HonourRecord, from: &Provenance) -> HonourRow {
    HonourRow {
        uscc: r.uscc.to_string(),
        honour: r.honour.clone(),
        awarded_on: r.awarded_on,
        issuer: r.issuer.clone(),
        expires_on: r.expires_on,
        department: from.department.clone(),
        as_of: from.as_of,
        batch_id: Some(from.batch_id),
    }
}

/// The registry's parsed record stays the import's own value (a checked
/// `Uscc`, `Money`, no provenance or timestamps: what a department file says);
/// this is the one place it becomes the enterprise's row.
pub(super) fn registry_row(r: &RegistryRecord, from: &Provenance, now: NaiveDateTime) -> NewEnterprise {
    NewEnterprise {
        uscc: r.uscc.to_string(),
        name: r.name.clone(),
        legal_representative: r.legal_representative.clone(),
        registered_capital_fen: r.registered_capital.fen(),
        established_on: r.established_on,
        region: r.region.clone(),
        industry: r.industry.clone(),
        size_class: r.size_class.clone(),
        address: r.address.clone(),
        contact_email: r.contact_email.clone(),
        contact_mobile: r.contact_mobile.clone(),
        department: Some(from.department.clone()),
        as_of: Some(from.as_of),
        batch_id: Some(from.batch_id),
        created_at: now,
        updated_at: now,
    }
}
