//! One module per resource; each handler authorises, parses, calls one action
//! (`crate::actions`) or loads a page, and responds.

pub mod account;
pub mod auth;
pub mod authorizations;
pub mod bank_admin;
pub mod catalogue;
pub mod choice;
pub mod claim;
pub mod claims;
pub mod credit_office;
pub mod dashboard;
pub mod disputes;
pub mod exports;
pub mod hall;
pub mod health;
pub mod home;
pub mod imports;
pub mod invitations;
pub mod lists;
pub mod mail;
pub mod market;
pub mod messages;
pub mod needs;
pub mod offers;
pub mod password_reset;
pub mod portfolio;
pub mod portrait;
pub mod products;
pub mod profile;
pub mod register;
pub mod schedules;
pub mod subscriptions;
pub mod terms;
