//! 信易贷 (xinyidai): a marketplace where small enterprises get bank credit on
//! the strength of their public credit record.
//!
//! - `config`: typed configuration from the environment
//! - `state`, `clock`: the `AppState` every handler and job shares; the
//!   injectable clock (UTC inside, Beijing time shown)
//! - `db`, `schema`: one diesel codebase over SQLite or PostgreSQL, embedded
//!   migrations per backend; `locks`: the PostgreSQL advisory lock ids
//! - `domain`: pure rules and values (USCC, money, rates, roles, the password
//!   policy, claims, the credit model, need states, repayment schedules)
//! - `models`: table rows and their queries
//! - `actions`: every state change, one guarded transaction each (rule,
//!   write, audit, notices), called alike by pages, jobs and the command line
//! - `credit`: an enterprise's evaluation as a service (load, score, store)
//! - `auth`: passwords, sessions, CSRF, the `Visitor` / `SignedIn` extractors
//!   and the audiences that guard the routes
//! - `router`: every route with its audience; `handlers`: the pages;
//!   `web`: layout, menu, security headers, static files; `error`: the one
//!   error type and the Chinese error page; `templates/` mirrors the URLs
//! - `charts`: SVG charts rendered on the server for the credit portrait
//! - `imports`: streaming parser for department data files (CSV, UTF-8/GBK/UTF-16)
//!   and the holiday schedules
//! - `jobs`, `email`, `notify`: the durable job queue and its worker, the mail
//!   it sends, and the notices about needs and offers
//! - `seed`: the demo city and `create-admin`

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
pub mod locks;
pub mod models;
pub mod notify;
pub mod router;
pub mod schema;
pub mod seed;
pub mod state;
pub mod web;

pub use router::router as app;
