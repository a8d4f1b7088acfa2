//! `GET /healthz`: status, backend and migration version as JSON; 503 while the database is down.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::db::migration_version;
use crate::error::AppError;
use crate::state::AppState;

pub async fn healthz(State(state): State<AppState>) -> Response {
    let backend = state.db.backend.name();
    let version = state.db.run(|conn| migration_version(conn).map_err(|e| AppError::Unavailable(e.to_string()))).await;
    match version {
        Ok(migration) => Json(json!({ "status": "ok", "database": backend, "migration": migration })).into_response(),
        Err(error) => {
            // The outage is logged once where it starts; each probe of it only at debug.
            tracing::debug!(error = %error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": backend })))
                .into_response()
        }
    }
}
