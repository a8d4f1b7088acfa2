//! The credit office's outbox: mail that could not be sent, either given up
//! after the retry horizon or still failing, each with a button to send it again.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDateTime;

use crate::actions;
use crate::auth::SignedIn;
use crate::domain::Role;
use crate::email::Email;
use crate::error::{AppError, AppResult};
use crate::jobs::queue;
use crate::notify::{MAIL_RETRY_HORIZON, SEND_EMAIL};
use crate::state::AppState;
use crate::web::{Layout, NoticeQuery, notice};

/// The most mails each list shows.
const SHOWN: i64 = 200;

/// One mail that has not gone out.
pub struct MailLine {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub attempts: i32,
    pub last_error: String,
    pub created_at: NaiveDateTime,
    /// When the next attempt is due (None once given up).
    pub next_try: Option<NaiveDateTime>,
    /// A notice a deadline depends on: retried until it is sent.
    pub kept: bool,
}

impl MailLine {
    fn of(job: queue::Job) -> MailLine {
        let email: Option<Email> = serde_json::from_str(&job.payload).ok();
        let (to, subject) = email.map_or_else(|| (String::new(), String::new()), |e| (e.to, e.subject));
        MailLine {
            id: job.id,
            to,
            subject,
            attempts: job.attempts,
            last_error: job.last_error.unwrap_or_default(),
            created_at: job.created_at,
            next_try: (!job.failed).then_some(job.run_at),
            kept: job.retry_until.is_none(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/mail.html")]
pub struct MailPage {
    layout: Layout,
    notice: Option<&'static str>,
    failed: Vec<MailLine>,
    retrying: Vec<MailLine>,
    horizon_days: i64,
}

/// `GET /credit-office/mail`.
pub async fn outbox(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<MailPage> {
    signed.require(Role::CreditOffice)?;
    let jobs = state.db.query(|c| queue::troubled(c, SEND_EMAIL, SHOWN)).await?;
    let (failed, retrying) = jobs.into_iter().map(MailLine::of).partition(|line| line.next_try.is_none());
    Ok(MailPage {
        layout: signed.layout(),
        notice: notice(query.notice.as_deref()),
        failed,
        retrying,
        horizon_days: MAIL_RETRY_HORIZON.num_days(),
    })
}

/// `POST /credit-office/mail/{id}/resend`: sends it again now, with a fresh horizon.
pub async fn resend(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let ctx = signed.change(&state);
    state.db.query(move |c| actions::mail::resend(c, &ctx, id)).await?.map_err(|_| AppError::NotFound)?;
    Ok(Redirect::to("/credit-office/mail?notice=mail_resent").into_response())
}
