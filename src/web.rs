//! What every page shares: the layout context (who is signed in, the menu
//! (`menu`), the CSRF token), form errors, the security headers on every response, and the
//! static files compiled into the binary.

pub mod choices;
mod csv_file;
mod menu;
mod request;
pub mod xlsx;

pub use crate::models::page::{Pager, empty_as_none};
pub use csv_file::{attachment, csv_bytes, csv_cell, csv_export, csv_response};
pub use menu::{BANK_FUND_PAGES, FUND_PAGES, STATISTICS_PAGES};
pub use request::{client_ip, safe_next};

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::domain::Role;
use crate::error::{AppError, ErrorPage};
use crate::models::rate_limit::{self, Limit};
use crate::models::user::User;
use crate::state::AppState;

/// The top bar: the platform name, the signed-in person and their role's menu.
pub struct Layout {
    pub user_name: Option<String>,
    pub role: Option<Role>,
    pub csrf: String,
    /// The site runs on the demo city: every page says 演示数据.
    pub demo: bool,
    /// An enterprise account that has not yet proven control of its enterprise.
    pub claiming: bool,
    /// The signed-in user's unread messages (消息中心), beside the name in the top bar.
    pub unread: i64,
    /// The path of the page shown, to mark its menu entry.
    pub path: String,
}

impl Layout {
    pub fn new(user: Option<&User>, csrf: &str) -> Layout {
        Layout {
            user_name: user.map(|u| u.display_name.clone()),
            role: user.map(User::role),
            csrf: csrf.to_string(),
            demo: is_demo_site(),
            claiming: user.is_some_and(|u| u.role() == Role::Enterprise && u.controlled_enterprise().is_none()),
            unread: 0,
            path: REQUEST_PATH.try_with(String::clone).unwrap_or_default(),
        }
    }

    /// The top bar's unread count: "99+" beyond 99.
    pub fn unread_text(&self) -> String {
        if self.unread > 99 { "99+".to_string() } else { self.unread.to_string() }
    }

    /// The layout with the count of unread messages the session layer found.
    pub fn with_unread(mut self, unread: i64) -> Layout {
        self.unread = unread;
        self
    }

    pub fn role_label(&self) -> &'static str {
        self.role.map_or("", Role::label)
    }
}

/// Field name -> message, shown in red beside the field.
#[derive(Default, Debug)]
pub struct FormErrors(BTreeMap<&'static str, String>);

impl FormErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    /// A loan amount typed in 万元 (above 0, at most 10 亿元, two decimals), or
    /// "请填写{what}（万元…）" beside the field.
    pub fn loan_amount(&mut self, field: &'static str, text: &str, what: &str) -> Option<crate::domain::Money> {
        let amount = crate::domain::Money::parse_wan(text).filter(|a| *a <= crate::domain::Money::MAX_LOAN);
        if amount.is_none() {
            self.add(field, format!("请填写{what}（万元，大于 0，最多两位小数）"));
        }
        amount
    }

    /// A loan term in months, 1 to 360.
    pub fn term_months(&mut self, field: &'static str, text: &str) -> Option<i32> {
        let term = text.trim().parse::<i32>().ok().filter(|t| (1..=360).contains(t));
        if term.is_none() {
            self.add(field, "请填写期限（1 到 360 个月）");
        }
        term
    }

    /// A refusal of values as typed, each beside its field; None for a refusal of another kind.
    pub fn from_refusal(refusal: &crate::actions::Refusal) -> Option<FormErrors> {
        let crate::actions::Refusal::Fields(fields) = refusal else { return None };
        let mut errors = FormErrors::default();
        for f in fields {
            errors.add(f.field, f.message.clone());
        }
        Some(errors)
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
}

pub fn url_encode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)]).map(|s| s[1..].to_string()).unwrap_or_default()
}

tokio::task_local! {
    /// Whether the request being answered belongs to a demo site (see `demo_site`).
    static DEMO_SITE: bool;
    /// The path of the request being answered, for the menu's current entry.
    static REQUEST_PATH: String;
}

/// Whether the page being rendered belongs to a demo site.
pub fn is_demo_site() -> bool {
    DEMO_SITE.try_with(|demo| *demo).unwrap_or(false)
}

/// What one router knows of the settings row that marks a demo site: once
/// seen it stays (the demo is never unloaded); until then it is read again at
/// most every ten seconds, so a site seeded by another instance soon says so.
#[derive(Clone, Default)]
pub struct DemoFlag(Arc<(AtomicBool, Mutex<Option<Instant>>)>);

const DEMO_RECHECK: Duration = Duration::from_secs(10);

impl DemoFlag {
    async fn get(&self, state: &AppState) -> bool {
        let (known, checked) = &*self.0;
        if known.load(Ordering::Relaxed) {
            return true;
        }
        {
            let mut checked = checked.lock().unwrap_or_else(|e| e.into_inner());
            if checked.is_some_and(|at| at.elapsed() < DEMO_RECHECK) {
                return false;
            }
            *checked = Some(Instant::now());
        }
        let demo = state.db.query(crate::models::setting::is_demo).await.unwrap_or(false);
        known.store(demo, Ordering::Relaxed);
        demo
    }
}

/// Answers the request knowing whether the site is a demo, so that every
/// page's layout (errors included) shows the 演示数据 banner there.
pub async fn demo_site(State((state, flag)): State<(AppState, DemoFlag)>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with("/static/") || path == "/healthz" {
        return next.run(request).await;
    }
    let demo = flag.get(&state).await;
    let path = path.to_string();
    DEMO_SITE.scope(demo, REQUEST_PATH.scope(path, next.run(request))).await
}

/// Counts a hit of `action` from `ip` (`models::rate_limit`); a 429 with
/// Retry-After once the allowance is spent.
pub async fn check_rate_limit(state: &AppState, action: &str, ip: Option<&str>, limit: Limit) -> Result<(), AppError> {
    let (action, ip, now) = (action.to_string(), ip.map(str::to_string), state.clock.now());
    state
        .db
        .query(move |c| rate_limit::count(c, &action, ip.as_deref(), limit, now))
        .await?
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Adds the security headers to every response, errors included.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CSP);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    if !is_static {
        set(header::CACHE_CONTROL, "no-store");
    }
    response
}

/// The stylesheet and icons, compiled in so the binary needs no files beside it.
pub async fn static_file(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (body, content_type): (&'static [u8], &str) = match name.as_str() {
        "app.css" => (include_bytes!("../static/app.css"), "text/css; charset=utf-8"),
        "logo.svg" => (include_bytes!("../static/logo.svg"), "image/svg+xml"),
        "countdown.js" => (include_bytes!("../static/countdown.js"), "text/javascript; charset=utf-8"),
        _ => return not_found().await,
    };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

pub async fn not_found() -> Response {
    ErrorPage::not_found().into_response_with()
}

/// Messages shown once after a redirect (`?notice=key`); fixed texts, never echoed input.
pub fn notice(key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "registered" => "注册成功，欢迎使用信易贷。",
        "verification_sent" => "验证邮件已重新发送，请查收。",
        "verification_wait" => "验证邮件刚刚发出，请稍等一分钟再重新发送。",
        "code_sent" => "验证码已发送到企业登记的联系邮箱，15 分钟内有效。",
        "letter_sent" => "授权书已提交，信用办审核后将通过邮件通知您。",
        "claimed" => "认证成功：您已代表本企业，可以查看信用画像、发布融资需求。",
        "claim_decided" => "已处理该授权书，企业将收到邮件通知。",
        "unbound" => "账号已解绑并停用，其授权已终止；该企业现在可以重新注册。",
        "password_changed" => "密码已修改，其他设备上的登录已退出。",
        "password_reset" => "密码已重置，请用新密码登录。所有设备上的登录均已退出。",
        "messages_read" => "全部消息已标为已读。",
        "invited" => "邀请邮件已发出，链接 72 小时内有效。",
        "institution_created" => "金融机构已创建，邀请邮件已发给其机构管理员。",
        "welcome" => "账号已开通，欢迎加入信易贷。",
        "authorized" => "授权已生效。",
        "revoked" => "授权已撤回，该机构已无法查看您的信用画像。",
        "dispute_opened" => "异议已提交，信用办将在 20 日内答复，结果会通过邮件通知您。",
        "dispute_pending" => {
            "该记录已有一项正在处理的异议（见下方标出的一条），无需重复提交，信用办将在答复期限内答复。"
        }
        "dispute_answered" => "已答复异议，企业将收到邮件通知。",
        "receipt_confirmed" => "已确认到账，放款银行将在贷款页面看到您的确认。",
        "drawdown_disputed" => "异议已提交，信用办将在 20 日内核实并答复，放款银行也已收到通知。",
        "branch_added" => "支行已添加。",
        "subscribed" => "订阅已保存，有符合条件的新需求时将邮件提醒您。",
        "unsubscribed" => "订阅已删除。",
        "officer_changed" => "已更新客户经理信息；停用的账号已立即退出登录。",
        "product_saved" => "产品已保存。",
        "product_published" => "产品已发布，企业可在金融超市中看到。",
        "product_withdrawn" => "产品已下架，不再接受新的申请。",
        "need_published" => "融资需求已发布，银行将在限定时间内抢单报价。",
        "grabbed" => "抢单成功，报价已送达企业。请在联系时限内联系企业并记录，否则名额将被释放。",
        "contacted" => "已记录联系。",
        "contact_saved" => "联系方式已保存，抢单银行的客户经理将看到新的联系方式。",
        "profile_saved" => "个人资料已保存，企业在报价旁将看到您的姓名和电话。",
        "decided" => "授信决定已录入，企业将收到邮件通知。",
        "loan_classified" => "五级分类已调整，原分类、认定日期和原因已记入变更记录。",
        "loan_written_off" => "贷款已核销。核销后不能再放款、录入还款或调整五级分类。",
        "loan_corrected" => "合同信息已更正，原值和更正原因已记入变更记录。",
        "accepted" => "已接受报价，银行将在 10 个工作日内作出授信决定。",
        "cancelled" => "融资需求已撤销，银行的报价已关闭。",
        "republished" => "已重新发布，所有银行均可抢单。",
        "holiday_saved" => "节假日设置已保存，之后的工作日时限按新日历计算。",
        "holiday_schedule_imported" => "放假安排已导入，该年的日期已按通知替换，之后的工作日时限按新日历计算。",
        "whitelist_rule" => "白名单规则已更新，名单已按新规则重新生成。",
        "whitelist_changed" => "白名单已调整，理由已记录。",
        "mail_resent" => "邮件已重新排队，将立即发送。",
        "api_client_revoked" => "接口客户端已停用，其访问令牌已立即失效。",
        _ => return None,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    pub page: Option<i64>,
}

/// The form again after a confirmation step's POST that did not confirm:
/// filled and without errors when 返回修改 brought it back (`intent=edit`),
/// otherwise with the errors the check found (422).
pub fn form_again<T>(checked: Result<T, FormErrors>, intent: &str) -> (axum::http::StatusCode, FormErrors) {
    match checked {
        Err(errors) if intent != "edit" => (axum::http::StatusCode::UNPROCESSABLE_ENTITY, errors),
        _ => (axum::http::StatusCode::OK, FormErrors::default()),
    }
}

/// A typed form's fields as (name, value) pairs, without `intent` (which button was pressed).
pub fn form_fields<T: serde::Serialize>(form: &T) -> Vec<(String, String)> {
    let encoded = serde_urlencoded::to_string(form).unwrap_or_default();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&encoded).unwrap_or_default();
    pairs.into_iter().filter(|(name, _)| name != "intent").collect()
}

/// A confirmation step before anything that cannot be undone.
#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    pub title: String,
    pub message: String,
    /// Where the confirming POST goes.
    pub action: String,
    pub button: String,
    pub back: String,
    pub danger: bool,
    /// What will be done, line by line (label, value), when there is more than a sentence.
    pub summary: Vec<(String, String)>,
    /// The values typed in the form, carried in hidden fields to the confirming POST.
    pub carry: Vec<(String, String)>,
    /// Where 返回修改 posts the carried values (with `intent=edit`) to get the
    /// form back filled; without it, 返回 is a link to `back`.
    pub edit: Option<String>,
}

impl ConfirmPage {
    /// A confirmation of a typed form: its summary, its values carried, and 返回修改 to `edit`.
    pub fn typed(layout: Layout, title: &str, action: String, button: &str, edit: String) -> ConfirmPage {
        ConfirmPage {
            layout,
            title: title.into(),
            message: String::new(),
            action,
            button: button.into(),
            back: String::new(),
            danger: false,
            summary: Vec::new(),
            carry: Vec::new(),
            edit: Some(edit),
        }
    }

    /// Carries the typed form's values (all but `intent`) to the confirming POST.
    pub fn carrying<T: serde::Serialize>(mut self, form: &T) -> ConfirmPage {
        self.carry = form_fields(form);
        self
    }

    /// Adds a line to the summary.
    pub fn line(mut self, label: &str, value: impl Into<String>) -> ConfirmPage {
        self.summary.push((label.into(), value.into()));
        self
    }
}
