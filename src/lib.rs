//! 信易贷 (xinyidai): a marketplace where small enterprises get bank credit on
//! the strength of their public credit record.
//!
//! - `config`: typed configuration from the environment
//! - `db`, `schema`: one diesel codebase over SQLite or PostgreSQL
//! - `domain`: pure rules and values (USCC, money, roles, password policy)
//! - `models`: table rows and their queries
//! - `auth`: passwords, sessions, CSRF, role extractors
//! - `handlers`, `router`, `web`: the pages; `templates/` mirrors the URLs
//! - `charts`: SVG charts rendered on the server for the credit portrait
//! - `imports`: streaming parser for department data files (CSV, UTF-8/GBK)
//! - `jobs`, `email`, `notify`: the durable job queue, the mail it sends, and
//!   the notices about needs and offers
//! - `seed`: the demo city

pub mod actions;
pub mod auth;
pub mod charts;
pub mod clock;
pub mod config;
pub mod credit;
pub mod db;
pub mod domain;
pub mod email;
pub mod error;
pub mod handlers;
pub mod imports;
pub mod jobs;
pub mod models;
pub mod notify;
pub mod router;
pub mod schema;
pub mod seed;
pub mod state;
pub mod web;

pub use router::router as app;
