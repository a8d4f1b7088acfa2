//! One module per resource; each handler authorises, loads, calls the domain,
//! writes in one transaction and responds.

pub mod account;
pub mod auth;
pub mod bank_admin;
pub mod credit_office;
pub mod dashboard;
pub mod health;
pub mod home;
pub mod imports;
pub mod invitations;
pub mod register;
