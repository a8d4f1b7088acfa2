//! What every handler and job shares: the database, the mailer, the clock and the configuration.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::email::Mailer;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub mailer: Mailer,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
}
