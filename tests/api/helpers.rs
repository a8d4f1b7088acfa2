//! TestApp: the real router over a fresh database, the memory mailer and a
//! clock the test moves. Client: one browser's cookies, with CSRF handled as
//! a browser would (the token read from the page's form).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use http_body_util::BodyExt;
use std::sync::Mutex;
use tower::ServiceExt;
use xinyidai::clock::{Clock, TestClock};
use xinyidai::db::DbConn;
use xinyidai::domain::{Role, Uscc};
use xinyidai::email::{Email, Mailer};
use xinyidai::models::enterprise::NewEnterprise;
use xinyidai::models::institution::Institution;
use xinyidai::models::user::{NewUser, User};
use xinyidai::schema::{enterprises, jobs, regions};
use xinyidai::state::AppState;

#[path = "../common/mod.rs"]
mod common;
pub use common::TestDb;
pub use common::state as test_state;

pub const BASE_URL: &str = "http://xinyidai.test";
pub const PASSWORD: &str = "云海测试-Passw0rd";

/// Fails the test, when it ends without a panic, if a job it caused is left
/// due and unrun: every email must have gone through the worker
/// (`run_jobs`), every import must have run.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub clock: Arc<TestClock>,
    pub db: TestDb,
    /// Set by `leaves_jobs_unrun`, for a test whose point is a job left in the queue.
    jobs_may_wait: Cell<bool>,
}

pub fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(1, 30, 0).unwrap()
}

impl TestApp {
    pub fn new() -> TestApp {
        TestApp::with_mailer(Mailer::memory())
    }

    /// A TestApp whose mail goes through `mailer` (e.g. SMTP to a test server).
    pub fn with_mailer(mailer: Mailer) -> TestApp {
        let db = TestDb::new();
        let clock = Arc::new(TestClock::new(start()));
        let state = common::state(&db, clock.clone(), mailer, BASE_URL);
        let router = xinyidai::app(state.clone());
        let app = TestApp { state, router, clock, db, jobs_may_wait: Cell::new(false) };
        app.ensure_region(&mut app.conn());
        app
    }

    pub fn conn(&self) -> r2d2::PooledConnection<xinyidai::db::Manager> {
        self.state.db.get().expect("connection")
    }

    pub fn client(&self) -> Client<'_> {
        self.client_from("198.51.100.7")
    }

    /// A client whose requests come from `ip` (the app trusts X-Forwarded-For in tests).
    pub fn client_from(&self, ip: &str) -> Client<'_> {
        Client { app: self, cookies: Mutex::new(BTreeMap::new()), ip: ip.to_string(), bearer: None }
    }

    pub fn sent_emails(&self) -> Vec<Email> {
        self.state.mailer.sent()
    }

    pub async fn run_jobs(&self) -> usize {
        xinyidai::jobs::run_due(&self.state, "test-worker").await.expect("jobs run")
    }

    /// `run_jobs` for a test without a runtime of its own (a plain `#[test]`).
    pub fn run_jobs_blocking(&self) -> usize {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(self.run_jobs())
    }

    /// Lets this test end with jobs due and unrun; only for a test about a job
    /// left in the queue, with the reason in a comment where it is called.
    pub fn leaves_jobs_unrun(&self) {
        self.jobs_may_wait.set(true);
    }

    /// The jobs a worker would claim now: unfinished, due, not leased.
    pub fn due_jobs(&self) -> Vec<(i64, String, String)> {
        let now = self.clock.now();
        jobs::table
            .filter(jobs::finished_at.is_null())
            .filter(jobs::run_at.le(now))
            .filter(jobs::locked_until.is_null().or(jobs::locked_until.lt(now)))
            .order(jobs::id)
            .select((jobs::id, jobs::kind, jobs::payload))
            .load(&mut *self.conn())
            .expect("jobs read")
    }

    pub fn ensure_region(&self, conn: &mut DbConn) {
        let exists: i64 = regions::table.count().get_result(conn).unwrap();
        if exists == 0 {
            diesel::insert_into(regions::table)
                .values((regions::code.eq("990102"), regions::name.eq("东湖区")))
                .execute(conn)
                .unwrap();
        }
    }

    /// An enterprise on the credit office's record; returns its USCC and id.
    pub fn enterprise_on_record(&self, name: &str, legal_representative: &str) -> (String, i64) {
        let conn = &mut *self.conn();
        self.ensure_region(conn);
        let count: i64 = enterprises::table.count().get_result(conn).unwrap();
        let uscc = Uscc::with_check_character(&format!("91990102MA{:07}", count + 1)).unwrap().to_string();
        let id = diesel::insert_into(enterprises::table)
            .values(NewEnterprise {
                uscc: uscc.clone(),
                name: name.into(),
                legal_representative: legal_representative.into(),
                registered_capital_fen: 500_000_000,
                established_on: NaiveDate::from_ymd_opt(2015, 3, 1).unwrap(),
                region: "990102".into(),
                industry: "C".into(),
                size_class: "small".into(),
                address: "云海市东湖区测试路 1 号".into(),
                created_at: start(),
                updated_at: start(),
                ..NewEnterprise::default()
            })
            .returning(enterprises::id)
            .get_result(conn)
            .unwrap();
        (uscc, id)
    }

    pub fn institution(&self, name: &str) -> (i64, i64) {
        let conn = &mut *self.conn();
        self.ensure_region(conn);
        let count: i64 = xinyidai::schema::institutions::table.count().get_result(conn).unwrap();
        let uscc = Uscc::with_check_character(&format!("91990102MB{:07}", count + 1)).unwrap().to_string();
        Institution::create(conn, name, "bank", &uscc, "990102", start()).unwrap()
    }

    /// An account of `role` named `username` with the password PASSWORD.
    pub fn user(&self, role: Role, username: &str) -> i64 {
        let (enterprise_id, institution_id, branch_id) = match role {
            Role::Enterprise => (Some(self.enterprise_on_record(&format!("{username}有限公司"), "张三").1), None, None),
            Role::Officer | Role::BankAdmin => {
                let (institution, branch) = self.institution(&format!("{username}银行"));
                (None, Some(institution), Some(branch))
            }
            Role::CreditOffice => (None, None, None),
        };
        let hash = xinyidai::auth::password::hash(PASSWORD).unwrap();
        let email = format!("{username}@example.com");
        let conn = &mut *self.conn();
        let id = User::insert(
            conn,
            &NewUser {
                username,
                email: &email,
                display_name: username,
                password_hash: &hash,
                role,
                enterprise_id,
                institution_id,
                branch_id,
                must_change_password: false,
                created_at: start(),
            },
        )
        .unwrap();
        if role == Role::Enterprise {
            // An enterprise account made here has verified its email and proven control.
            User::verify_email(conn, id, start()).unwrap();
            let user = User::find(conn, id).unwrap();
            assert!(User::prove_control(conn, &user, "letter", start()).unwrap());
        }
        id
    }

    /// The emails sent so far to `to`, after running the due jobs.
    pub async fn emails_to(&self, to: &str) -> Vec<Email> {
        self.run_jobs().await;
        self.sent_emails().into_iter().filter(|e| e.to == to).collect()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() || self.jobs_may_wait.get() {
            return;
        }
        let due = self.due_jobs();
        assert!(due.is_empty(), "the test left jobs due and unrun (run the worker with app.run_jobs()): {due:?}");
    }
}

/// The first link in an email's text that starts with `prefix` (e.g. BASE_URL + "/verify-email/").
pub fn link_in(email: &Email, prefix: &str) -> String {
    let start = email.text.find(prefix).unwrap_or_else(|| panic!("no {prefix} link in {}", email.text));
    let link = email.text[start..].split_whitespace().next().unwrap();
    link.trim_start_matches(BASE_URL).to_string()
}

pub struct Page {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
    }

    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("page has a form with a csrf token") + marker.len();
        self.body[start..].split('"').next().unwrap().to_string()
    }
}

pub struct Client<'a> {
    pub app: &'a TestApp,
    /// Cookie name -> value, as a browser keeps them.
    cookies: Mutex<BTreeMap<String, String>>,
    ip: String,
    /// Sent as `Authorization: Bearer …` with every request (a bank's system).
    bearer: Option<String>,
}

impl Client<'_> {
    pub async fn get(&self, path: &str) -> Page {
        let request = self.request("GET", path).body(Body::empty()).unwrap();
        self.send(request).await
    }

    /// POSTs a form as a browser on our site would (Origin set, the cookie sent).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = self
            .request("POST", path)
            .header(header::ORIGIN, BASE_URL)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
            .unwrap();
        self.send(request).await
    }

    /// GETs `form_path`, then posts `fields` to `action` with the page's CSRF token.
    pub async fn submit(&self, form_path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.get(form_path).await.csrf();
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    pub async fn login(&self, login: &str, password: &str) -> Page {
        self.submit("/login", "/login", &[("login", login), ("password", password)]).await
    }

    /// Uploads a department file through the import form, as a browser would.
    pub async fn upload(&self, kind: &str, department: &str, as_of: &str, file_name: &str, bytes: &[u8]) -> Page {
        let token = self.get("/credit-office/imports").await.csrf();
        let boundary = "----xinyidai-test-boundary";
        let mut body = Vec::new();
        // The token first: the upload check reads only the first field.
        for (name, value) in [("csrf", token.as_str()), ("kind", kind), ("department", department), ("as_of", as_of)] {
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
            );
        }
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").bytes());
        let request = self
            .request("POST", "/credit-office/imports")
            .header(header::ORIGIN, BASE_URL)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// The Cookie header this client sends.
    pub fn cookie(&self) -> String {
        let cookies = self.cookies.lock().unwrap();
        cookies.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ")
    }

    /// The address its requests come from.
    pub fn ip(&self) -> &str {
        &self.ip
    }

    /// This client with a bearer token on every request.
    pub fn with_bearer(self, token: &str) -> Self {
        Client { bearer: Some(token.to_string()), ..self }
    }

    fn request(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let mut builder = Request::builder().method(method).uri(path).header("x-forwarded-for", &self.ip);
        if let Some(token) = &self.bearer {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        match self.cookie() {
            cookie if cookie.is_empty() => builder,
            cookie => builder.header(header::COOKIE, cookie),
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Page {
        let response = self.app.router.clone().oneshot(request).await.unwrap();
        for value in response.headers().get_all(header::SET_COOKIE) {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let mut cookies = self.cookies.lock().unwrap();
            if value.is_empty() {
                cookies.remove(name)
            } else {
                cookies.insert(name.into(), value.into())
            };
        }
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Page { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }
}
