//! The 消息中心: every email the platform sent to the signed-in user, newest
//! first. Opening a message (a POST) marks it read and goes to what it is
//! about; a message is visible to its own user only (404 for anyone else).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions;
use crate::auth::SignedIn;
use crate::error::{AppError, AppResult};
use crate::models::message::{self, Message};
use crate::state::AppState;
use crate::web::{Layout, Pager, notice};

const PER_PAGE: i64 = 20;

#[derive(Template, WebTemplate)]
#[template(path = "messages/list.html")]
pub struct MessagesPage {
    layout: Layout,
    notice: Option<&'static str>,
    messages: Vec<Message>,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct MessagesQuery {
    #[serde(default, deserialize_with = "crate::web::empty_as_none")]
    page: Option<i64>,
    notice: Option<String>,
}

/// `GET /messages`: the user's messages a page at a time, unread in bold.
pub async fn messages(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<MessagesQuery>,
) -> AppResult<MessagesPage> {
    let user_id = signed.user.id;
    let (messages, pager) = state
        .db
        .query(move |c| {
            let pager = Pager::new(query.page, PER_PAGE, message::count(c, user_id)?);
            Ok((message::page(c, user_id, &pager)?, pager))
        })
        .await?;
    Ok(MessagesPage { layout: signed.layout(), notice: notice(query.notice.as_deref()), messages, pager })
}

#[derive(Template, WebTemplate)]
#[template(path = "messages/show.html")]
pub struct MessagePage {
    layout: Layout,
    message: Message,
}

/// `GET /messages/{id}`: the whole message; reading it here changes nothing.
pub async fn message(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<MessagePage> {
    let user_id = signed.user.id;
    let found = state.db.query(move |c| message::find_own(c, user_id, id)).await?;
    Ok(MessagePage { layout: signed.layout(), message: found.ok_or(AppError::NotFound)? })
}

/// `POST /messages/{id}/read`: marks the message read and opens what it is
/// about (the message itself when it links nowhere).
pub async fn read(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    let ctx = signed.change(&state);
    let opened = state.db.query(move |c| actions::message::read(c, &ctx, id)).await?;
    let opened = opened.map_err(|_| AppError::NotFound)?;
    let target = opened.link.unwrap_or_else(|| format!("/messages/{id}"));
    Ok(Redirect::to(&target).into_response())
}

/// `POST /messages/read`: 全部标为已读.
pub async fn read_all(State(state): State<AppState>, signed: SignedIn) -> AppResult<Response> {
    let ctx = signed.change(&state);
    state.db.query(move |c| actions::message::read_all(c, &ctx)).await?.map_err(|_| AppError::NotFound)?;
    Ok(Redirect::to("/messages?notice=messages_read").into_response())
}
