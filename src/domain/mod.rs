//! Pure types and rules, no I/O: parsed values and the platform's vocabulary.

pub mod api;
pub mod authorization;
pub mod calendar;
pub mod claim;
pub mod code;
pub mod code_list;
pub mod contact;
pub mod credit;
pub mod dispute;
pub mod fund;
pub mod import;
pub mod industry;
pub mod institution;
pub mod loan;
pub mod loan_standing;
pub mod money;
pub mod need;
pub mod password;
pub mod product;
pub mod rate;
pub mod records;
pub mod repayment;
pub mod role;
pub mod stats;
pub mod subsidy;
pub mod terms;
pub mod uscc;
pub mod whitelist;
pub mod work;

pub use code::Tone;
pub use money::Money;
pub use product::Guarantee;
pub use rate::Rate;
pub use role::Role;
pub use uscc::Uscc;
