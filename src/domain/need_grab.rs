//! The grab rule (抢单): what it looks at in a need seen by one institution,
//! and why an institution may not grab it, in the order that tells the
//! officer most.

use chrono::NaiveDateTime;

use super::NeedStatus;

/// What the grab rule looks at in a need, seen by one institution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GrabState {
    pub status: NeedStatus,
    pub slots: i32,
    pub slots_taken: i32,
    pub deadline: NaiveDateTime,
    pub institution_already_offered: bool,
    /// Set when the need was aimed at one product: only its institution may take it.
    pub targeted_institution: Option<i64>,
    /// Whether one of the institution's published products fits the need (the
    /// hall's fit: amount range, region, industry, minimum grade).
    pub fits_a_product: bool,
}

/// Why an institution cannot grab a need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GrabRefusal {
    #[error("该需求已不在抢单中")]
    NotOpen,
    #[error("抢单已截止")]
    WindowClosed,
    #[error("该需求仅限指定机构")]
    NotForYou,
    #[error("贵机构已报价")]
    AlreadyOffered,
    #[error("贵机构没有适合该需求的已发布产品")]
    NoFittingProduct,
    #[error("名额已满")]
    Full,
}

impl GrabRefusal {
    /// The stable machine code of the refusal (the API's `code`).
    pub fn code(self) -> &'static str {
        match self {
            GrabRefusal::NotOpen => "not_open",
            GrabRefusal::WindowClosed => "window_closed",
            GrabRefusal::NotForYou => "not_for_you",
            GrabRefusal::AlreadyOffered => "already_offered",
            GrabRefusal::NoFittingProduct => "no_fitting_product",
            GrabRefusal::Full => "full",
        }
    }
}

/// The grab rule, mirroring the database's guarded update (which is what
/// enforces it under concurrency): used by the grab page to say whether an
/// officer may grab, and to tell an officer why a grab failed. The window is
/// closed from the deadline itself on. Refusals are checked in the order that
/// tells the officer most: the need's state, whether it is theirs to take
/// (meant for another bank, already offered on, fitting none of their
/// products), then the slots (a bank that filled the last slot itself hears
/// that it already offered).
pub fn can_grab(need: &GrabState, institution: i64, now: NaiveDateTime) -> Result<(), GrabRefusal> {
    if need.status != NeedStatus::Open {
        Err(GrabRefusal::NotOpen)
    } else if now >= need.deadline {
        Err(GrabRefusal::WindowClosed)
    } else if need.targeted_institution.is_some_and(|target| target != institution) {
        Err(GrabRefusal::NotForYou)
    } else if need.institution_already_offered {
        Err(GrabRefusal::AlreadyOffered)
    } else if !need.fits_a_product {
        Err(GrabRefusal::NoFittingProduct)
    } else if need.slots_taken >= need.slots {
        Err(GrabRefusal::Full)
    } else {
        Ok(())
    }
}
