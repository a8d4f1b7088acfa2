//! The bank API's credentials: a bank admin creates a client for its
//! institution (the secret shown once, stored as its Argon2id hash) and
//! revokes it; a client exchanges its id and secret for a bearer token valid
//! two hours; every call with a token is checked here (expiry, revocation,
//! IP ranges, the per-client rate limit, the operation's scope) and audited
//! with the client id. No secret or token ever reaches the audit log: the
//! object of every row is the client id.

use super::{Ctx, FieldRefusal, Outcome, Refusal, Stop, guarded, recorded, refuse};
use crate::db::DbConn;
use crate::domain::api::{CLIENT_ID_PREFIX, IpRanges, MAX_RANGES, NAME_MAX_CHARS, Scope, Scopes, TOKEN_SECONDS};
use crate::models::api_client::{self, ApiClient, NewApiClient, token};
use crate::models::audit::Actor;
use crate::models::{rate_limit, token_digest};

/// A client as the bank admin typed it, checked.
#[derive(Clone, Debug)]
pub struct NewClient {
    pub name: String,
    pub scopes: Scopes,
    pub ranges: IpRanges,
}

impl NewClient {
    /// The form's values, or each wrong one with the words to show beside it.
    pub fn parse(name: &str, scope_codes: &[String], ranges: &str) -> Result<NewClient, Refusal> {
        let mut wrong = Vec::new();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
            wrong.push(field("name", "invalid_name", format!("请填写名称（1 到 {NAME_MAX_CHARS} 个字）")));
        }
        let scopes = scope_codes.iter().map(|c| Scope::parse(c)).collect::<Option<Vec<_>>>().map(Scopes::new);
        let scopes = match scopes {
            Some(scopes) if !scopes.is_empty() => scopes,
            _ => {
                wrong.push(field("scopes", "invalid_scopes", "请至少选择一项权限".into()));
                Scopes::default()
            }
        };
        let ranges = match IpRanges::parse(ranges) {
            Ok(ranges) if ranges.len() <= MAX_RANGES => ranges,
            Ok(_) => {
                wrong.push(field("allowed_ips", "too_many_ranges", format!("最多填写 {MAX_RANGES} 个地址段")));
                IpRanges::default()
            }
            Err(entry) => {
                let words = format!("“{entry}”不是有效的 IP 地址或地址段（例如 203.0.113.0/24）");
                wrong.push(field("allowed_ips", "invalid_ip_range", words));
                IpRanges::default()
            }
        };
        if !wrong.is_empty() {
            return Err(Refusal::Fields(wrong));
        }
        Ok(NewClient { name: name.to_string(), scopes, ranges })
    }
}

fn field(field: &'static str, code: &'static str, message: String) -> FieldRefusal {
    FieldRefusal { field, code, message }
}

/// A new client id ("xyd_" and 16 hex digits) and secret (32 random bytes in hex).
pub fn new_credentials() -> (String, String) {
    let client_id = format!("{CLIENT_ID_PREFIX}{}", hex::encode(rand::random::<[u8; 8]>()));
    (client_id, hex::encode(rand::random::<[u8; 32]>()))
}

fn object(client_id: &str) -> String {
    format!("api_client:{client_id}")
}

/// Creates the client for the acting bank admin's institution, with the
/// credentials of `new_credentials` (the secret already hashed); returns its id.
pub fn create(conn: &mut DbConn, ctx: &Ctx, client: &NewClient, client_id: &str, secret_hash: &str) -> Outcome<i64> {
    let (Some(institution), Some(user)) = (ctx.actor.institution_id, ctx.actor.user_id) else {
        return Ok(Err(Refusal::NotFound("机构")));
    };
    guarded(conn, |c| {
        let new = NewApiClient {
            institution_id: institution,
            client_id,
            secret_hash,
            name: &client.name,
            scopes: &client.scopes,
            allowed_ips: &client.ranges,
            created_by: user,
        };
        let id = api_client::insert(c, &new, ctx.now)?;
        ctx.audit(c, "api_client_created", &object(client_id))?;
        Ok(id)
    })
}

/// Revokes the institution's client `id`: its tokens stop working at once.
pub fn revoke(conn: &mut DbConn, ctx: &Ctx, id: i64) -> Outcome<ApiClient> {
    let Some(institution) = ctx.actor.institution_id else { return Ok(Err(Refusal::NotFound("接口客户端"))) };
    guarded(conn, |c| {
        let Some(client) = api_client::find_own(c, institution, id)? else {
            return refuse(Refusal::NotFound("接口客户端"));
        };
        if !api_client::revoke(c, institution, id, ctx.now)? {
            return refuse(Refusal::rule("already_revoked", "该接口客户端已经停用"));
        }
        ctx.audit(c, "api_client_revoked", &object(&client.client_id))?;
        Ok(client)
    })
}

/// A token just issued: the token itself (shown once, stored as its SHA-256).
pub struct Issued {
    pub token: String,
    pub scopes: Scopes,
    pub expires_in: i64,
}

/// Why a client's credentials or token are refused: the API's problem codes.
pub const INVALID_CLIENT: &str = "invalid_client";
pub const CLIENT_REVOKED: &str = "client_revoked";
pub const IP_NOT_ALLOWED: &str = "ip_not_allowed";
pub const INVALID_TOKEN: &str = "invalid_token";
pub const TOKEN_EXPIRED: &str = "token_expired";
pub const INSUFFICIENT_SCOPE: &str = "insufficient_scope";

fn refusal(code: &'static str) -> Refusal {
    let words = match code {
        INVALID_CLIENT => "客户端编号或密钥不正确",
        CLIENT_REVOKED => "该接口客户端已被停用",
        IP_NOT_ALLOWED => "请求来自该客户端允许的 IP 地址段之外",
        TOKEN_EXPIRED => "访问令牌已过期，请重新获取",
        INSUFFICIENT_SCOPE => "该客户端没有此操作所需的权限",
        _ => "访问令牌无效",
    };
    Refusal::rule(code, words)
}

/// The actor of a client's calls: no user, the client's institution.
fn client_actor(client: &ApiClient, ip: Option<&str>) -> Actor {
    Actor {
        user_id: None,
        role: Some("api_client".into()),
        institution_id: Some(client.institution_id),
        ip: ip.map(str::to_string),
    }
}

/// Audits a refused use of `client` and refuses with `code`, keeping the audit row.
fn refused<T>(
    c: &mut DbConn,
    ctx: &Ctx,
    client: &ApiClient,
    event: &str,
    code: &'static str,
) -> Result<Result<T, Refusal>, Stop> {
    let actor = client_actor(client, ctx.actor.ip.as_deref());
    crate::models::audit::record(c, &actor, event, Some(&object(&client.client_id)), code, ctx.now)?;
    Ok(Err(refusal(code)))
}

/// Exchanges a client's credentials for a bearer token valid two hours.
/// `secret_ok` says whether the secret matched the hash `credentials` read
/// (checked before, outside the transaction: Argon2 is slow on purpose).
pub fn issue_token(conn: &mut DbConn, ctx: &Ctx, client_id: &str, secret_ok: bool) -> Outcome<Issued> {
    recorded(conn, |c| {
        let Some((client, _)) = api_client::credentials(c, client_id)?.filter(|_| secret_ok) else {
            // The typed id is not written: it may be a secret pasted by mistake.
            crate::models::audit::record(c, &ctx.actor, "api_token_refused", None, INVALID_CLIENT, ctx.now)?;
            return Ok(Err(refusal(INVALID_CLIENT)));
        };
        if client.is_revoked() {
            return refused(c, ctx, &client, "api_token_refused", CLIENT_REVOKED);
        }
        if !client.allowed_ips.allow(ctx.actor.ip.as_deref()) {
            return refused(c, ctx, &client, "api_token_refused", IP_NOT_ALLOWED);
        }
        let issued = hex::encode(rand::random::<[u8; 32]>());
        let expires_at = ctx.now + chrono::Duration::seconds(TOKEN_SECONDS);
        token::insert(c, client.id, &token_digest(&issued), expires_at, ctx.now)?;
        let actor = client_actor(&client, ctx.actor.ip.as_deref());
        crate::models::audit::record(c, &actor, "api_token_issued", Some(&object(&client.client_id)), "ok", ctx.now)?;
        Ok(Ok(Issued { token: issued, scopes: client.scopes, expires_in: TOKEN_SECONDS }))
    })
}

/// One call of the API with a bearer token: what it needs and where it comes from.
pub struct Call<'a> {
    pub token: &'a str,
    pub scope: Scope,
    /// "GET /api/v1/hall", for the audit log.
    pub route: &'a str,
}

/// The client a call acts for, and the context its actions run in.
pub struct Caller {
    pub client: ApiClient,
    pub ctx: Ctx,
}

/// Admits a call: a known, unexpired token of a live client, from one of its
/// IP ranges, within its rate limit, with the operation's scope. Every call
/// of a known client is audited with its client id, admitted or not.
/// `ctx` is the anonymous caller (its address and the time).
pub fn authenticate(conn: &mut DbConn, ctx: &Ctx, call: &Call) -> Outcome<Caller> {
    recorded(conn, |c| {
        let Some((client, expires_at)) = token::holder(c, &token_digest(call.token))? else {
            return Ok(Err(refusal(INVALID_TOKEN)));
        };
        if expires_at <= ctx.now {
            return refused(c, ctx, &client, "api_call_refused", TOKEN_EXPIRED);
        }
        if client.is_revoked() {
            return refused(c, ctx, &client, "api_call_refused", CLIENT_REVOKED);
        }
        if !client.allowed_ips.allow(ctx.actor.ip.as_deref()) {
            return refused(c, ctx, &client, "api_call_refused", IP_NOT_ALLOWED);
        }
        let key = format!("api:{}", client.client_id);
        if let Err(retry_after_secs) = rate_limit::hit(c, &key, rate_limit::API_CALLS, ctx.now)? {
            let actor = client_actor(&client, ctx.actor.ip.as_deref());
            let what = format!("{} {}", object(&client.client_id), call.route);
            crate::models::audit::record(c, &actor, "api_call_refused", Some(&what), "rate_limited", ctx.now)?;
            return Ok(Err(Refusal::TooMany { retry_after_secs }));
        }
        if !client.scopes.contains(call.scope) {
            return refused(c, ctx, &client, "api_call_refused", INSUFFICIENT_SCOPE);
        }
        api_client::touch(c, client.id, ctx.now)?;
        let actor = client_actor(&client, ctx.actor.ip.as_deref());
        let what = format!("{} {}", object(&client.client_id), call.route);
        crate::models::audit::record(c, &actor, "api_call", Some(&what), "ok", ctx.now)?;
        let ctx = Ctx { actor, now: ctx.now, base_url: ctx.base_url.clone() };
        Ok(Ok(Caller { client, ctx }))
    })
}
