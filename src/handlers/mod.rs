//! One module per resource; each handler authorises, loads, calls the domain,
//! writes in one transaction and responds.

pub mod account;
pub mod account_email;
pub mod auth;
pub mod bank_admin;
pub mod catalogue;
pub mod choice;
pub mod claim;
pub mod claims;
pub mod consents;
pub mod credit_office;
pub mod dashboard;
pub mod disputes;
pub mod hall;
pub mod health;
pub mod home;
pub mod imports;
pub mod invitations;
pub mod lists;
pub mod mail;
pub mod market;
pub mod needs;
pub mod offers;
pub mod portrait;
pub mod products;
pub mod register;
pub mod schedules;
pub mod subscriptions;
