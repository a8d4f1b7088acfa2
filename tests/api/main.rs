//! The integration suite: the real router against a fresh database per test,
//! on SQLite by default or on PostgreSQL when TEST_DATABASE_URL is set.

mod access;
mod auth;
mod claims;
mod confirmations;
mod contact;
mod deadlines;
mod demo;
mod disputes;
mod error_pages;
mod exports;
mod grab_rule;
mod grabbing;
mod handlers_write_nothing;
mod health;
mod helpers;
mod holidays;
mod homes;
mod imports;
mod invitations;
mod jobs;
mod layers;
mod layout;
mod lists;
mod long_lists;
mod market;
mod market_setup;
mod messages;
mod migrations;
mod module_map;
mod password_reset;
mod portrait;
mod products;
mod proxy;
mod redirects;
#[path = "../common/repayment_reference.rs"]
mod reference;
mod registration;
mod rejections;
mod reliability;
mod repayment;
mod routes;
mod security;
mod sessions;
mod subscriptions;
