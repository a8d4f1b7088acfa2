//! The integration suite: the real router against a fresh database per test,
//! on SQLite by default or on PostgreSQL when TEST_DATABASE_URL is set.

mod helpers;

mod access;
mod auth;
mod deadlines;
mod grabbing;
mod health;
mod imports;
mod invitations;
mod jobs;
mod lists;
mod long_lists;
mod market;
mod portrait;
mod products;
mod proxy;
mod redirects;
mod registration;
mod rejections;
mod security;
mod sessions;
mod subscriptions;
