//! Every URL of the site in one table, grouped by audience. Each group sits
//! behind the one layer that admits only its audience (`auth::access::guard`),
//! and `routes()` lists what the router is built from (method, path, audience),
//! so the route table test (`tests/api/routes.rs`) walks the real routes
//! against `docs/routes.md`.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::MethodRouter;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::auth::{Audience, access, session};
use crate::handlers::bulletins::{self, office as bulletin_office, subscriptions as bulletin_links};
use crate::handlers::enterprise_loans;
use crate::handlers::fund_claims::bank as bank_claims;
use crate::handlers::fund_claims::office as fund_claims_office;
use crate::handlers::funds;
use crate::handlers::scoreboard;
use crate::handlers::subsidies::{self, batch as subsidy_batch};
use crate::handlers::{
    account, api, api_clients, auth, authorizations, bank_admin, catalogue, choice, claim, claims, credit_office,
    dashboard, disputes, exports, hall, health, home, imports, invitations, lists, loan_edits, loans, mail, market,
    messages, needs, offers, open_data, password_reset, portfolio, portrait, products, profile, register, report,
    schedules, statistics, subscriptions, terms,
};
use crate::state::AppState;
use crate::web;

/// One method of one path, and who may use it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub audience: Audience,
}

fn pages() -> Vec<Group> {
    let public = Group::new(Audience::Public)
        .route("/", get(home::home))
        .route("/scoreboard", get(scoreboard::scoreboard_page))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/password-reset", get(password_reset::request_form).post(password_reset::request_reset))
        .route("/password-reset/{token}", get(password_reset::reset_form).post(password_reset::reset_password))
        .route("/register", get(register::register_form).post(register::register))
        .route("/terms", get(terms::terms))
        .route("/privacy", get(terms::privacy))
        .route("/invitations/{token}", get(invitations::accept_form).post(invitations::accept))
        .route("/verify-email/{token}", get(claim::verify_email))
        .route("/products", get(catalogue::catalogue))
        .route("/products/{id}", get(catalogue::product))
        .route("/bulletins", get(bulletins::list))
        .route("/bulletins/subscribe", post(bulletins::subscribe))
        .route("/bulletins/{period}", get(bulletins::bulletin))
        .route(
            "/bulletins/subscriptions/{token}/confirm",
            get(bulletin_links::confirm_form).post(bulletin_links::confirm),
        )
        .route(
            "/bulletins/subscriptions/{token}/unsubscribe",
            get(bulletin_links::unsubscribe_form).post(bulletin_links::unsubscribe),
        )
        .route("/open-data", get(open_data::open_data))
        .route("/open-data/bulletins.json", get(open_data::bulletins_json))
        .route("/open-data/indicators.csv", get(open_data::indicators_csv))
        .route("/open-data/indicators.json", get(open_data::indicators_json));
    let signed_in = Group::new(Audience::SignedIn)
        .route("/dashboard", get(dashboard::dashboard))
        .route("/account/password", get(account::password_form).post(account::change_password))
        .route("/messages", get(messages::messages))
        .route("/messages/read", post(messages::read_all))
        .route("/messages/{id}", get(messages::message))
        .route("/messages/{id}/read", post(messages::read));
    // An enterprise account proving control of its enterprise.
    let claimant = Group::new(Audience::EnterpriseAccount)
        .route("/enterprise/claim", get(claim::claim_page))
        .route("/enterprise/claim/verification", post(claim::resend_verification))
        .route("/enterprise/claim/code", post(claim::send_code))
        .route("/enterprise/claim/code/verify", post(claim::verify_code))
        .route(
            "/enterprise/claim/letter",
            post(claim::upload_letter).body_limit(crate::domain::claim::LETTER_MAX_BYTES + 64 * 1024),
        );
    let enterprise = Group::new(Audience::Enterprise)
        .route("/enterprise", get(dashboard::enterprise_home))
        .route("/enterprise/portrait", get(portrait::own_portrait))
        .route("/enterprise/estimate", get(catalogue::estimates))
        .route("/enterprise/contact", get(profile::contact_form).post(profile::save_contact))
        .route("/enterprise/needs", get(needs::needs).post(needs::review_need))
        .route("/enterprise/needs/new", get(needs::new_need))
        .route("/enterprise/needs/review", get(needs::review_page))
        .route("/enterprise/needs/publish", post(needs::publish_need))
        .route("/enterprise/needs/{id}", get(choice::need))
        .route("/enterprise/needs/{id}/offers/{offer}/accept", get(choice::confirm_accept).post(choice::accept_offer))
        .route("/enterprise/needs/{id}/cancel", get(choice::confirm_cancel).post(choice::cancel_need))
        .route("/enterprise/needs/{id}/republish", post(choice::republish_need))
        .route("/enterprise/authorizations", get(authorizations::authorizations).post(authorizations::grant))
        .route(
            "/enterprise/authorizations/{id}/revoke",
            get(authorizations::confirm_revoke).post(authorizations::revoke),
        )
        .route("/enterprise/disputes/new", get(disputes::new_dispute))
        .route("/enterprise/disputes", post(disputes::open_dispute))
        .route("/enterprise/loans", get(enterprise_loans::loans))
        .route("/enterprise/loans/{id}", get(enterprise_loans::loan))
        .route("/enterprise/loans/{id}/drawdowns/{drawdown}/receipt", post(enterprise_loans::confirm_receipt))
        .route(
            "/enterprise/loans/{id}/drawdowns/{drawdown}/dispute",
            get(enterprise_loans::dispute_form).post(enterprise_loans::report_drawdown),
        );
    // Credit office and banks (a bank under an authorization).
    let portraits = Group::new(Audience::CreditOfficeOrBank).route("/portraits/{id}", get(portrait::portrait));
    // The two sides of an offer: the enterprise and the bank.
    let offer_sides = Group::new(Audience::EnterpriseOrBank)
        .route("/offers/{id}/schedule", get(schedules::schedule))
        .route("/offers/{id}/schedule.csv", get(schedules::schedule_csv));
    let officer = Group::new(Audience::Officer)
        .route("/officer", get(dashboard::officer_home))
        .route("/officer/hall", get(hall::hall_page))
        .route("/officer/hall/{id}", get(hall::grab_form).post(hall::grab_need))
        .route("/officer/hall/{id}/confirm", post(hall::confirm_grab))
        .route("/officer/profile", get(profile::profile_form).post(profile::save_profile))
        .route("/officer/offers", get(offers::offers))
        .route("/officer/offers/{id}", get(offers::offer))
        .route("/officer/offers/{id}/contact", post(offers::record_contact))
        .route("/officer/offers/{id}/decision", post(offers::record_decision))
        .route("/officer/offers/{id}/decision/confirm", post(offers::confirm_decision))
        .route("/officer/offers/{id}/loan", get(loans::loan_form).post(loans::open_loan))
        .route("/officer/loans/{id}", get(loans::officer_loan))
        .route("/officer/loans/{id}/drawdowns", get(loans::drawdown_form).post(loans::record_drawdown))
        .route("/officer/loans/{id}/repayments", get(loans::repayment_form).post(loans::record_repayment))
        .route("/officer/loans/{id}/drawdowns/{drawdown}/schedule", get(loans::officer_schedule))
        .route("/officer/loans/{id}/drawdowns/{drawdown}/schedule.csv", get(loans::officer_schedule_csv))
        // The officer's edits of a loan, each on its own page linked from the loan page.
        .route("/officer/loans/{id}/classification", get(loan_edits::classification_form).post(loan_edits::classify))
        .route("/officer/loans/{id}/write-off", get(loan_edits::write_off_form).post(loan_edits::write_off))
        .route("/officer/loans/{id}/write-off/confirm", post(loan_edits::confirm_write_off))
        .route("/officer/loans/{id}/correction", get(loan_edits::correction_form).post(loan_edits::correct))
        .route("/officer/subscriptions", get(subscriptions::subscriptions).post(subscriptions::subscribe))
        .route("/officer/subscriptions/{id}/delete", post(subscriptions::unsubscribe))
        .route("/officer/loans", get(portfolio::officer_loans))
        .route("/officer/loans.csv", get(portfolio::officer_loans_csv));
    let bank_admin = Group::new(Audience::BankAdmin)
        .route("/bank-admin", get(bank_admin::bank_admin_home))
        .route("/bank-admin/invitations", post(bank_admin::invite_officer))
        .route("/bank-admin/officers/{id}", post(bank_admin::change_officer))
        .route("/bank-admin/officers/{id}/disable", get(bank_admin::confirm_disable))
        .route("/bank-admin/branches", post(bank_admin::add_branch))
        .route("/bank-admin/products", get(products::products).post(products::create_product))
        .route("/bank-admin/products/new", get(products::new_product))
        .route("/bank-admin/products/{id}", get(products::edit_product).post(products::update_product))
        .route("/bank-admin/products/{id}/publish", post(products::publish_product))
        .route("/bank-admin/products/{id}/withdraw", post(products::withdraw_product))
        .route("/bank-admin/loans/{id}", get(loans::admin_loan))
        .route("/bank-admin/loans/{id}/drawdowns/{drawdown}/schedule", get(loans::admin_schedule))
        .route("/bank-admin/loans/{id}/drawdowns/{drawdown}/schedule.csv", get(loans::admin_schedule_csv))
        .route("/bank-admin/loans", get(portfolio::bank_admin_loans))
        .route("/bank-admin/loans.csv", get(portfolio::bank_admin_loans_csv))
        // 风险补偿 · 入库贷款: the bank's registered drawdowns (handlers::funds::coverage).
        .route("/bank/fund", get(funds::coverage::coverage))
        // 风险补偿 · 补偿申请: the bank's claims (handlers::fund_claims::bank).
        .route("/bank/claims", get(bank_claims::list).post(bank_claims::new::submit))
        .route("/bank/claims/new", get(bank_claims::new::new_claim))
        .route("/bank/claims/preview", post(bank_claims::new::preview))
        .route("/bank/claims/{id}", get(bank_claims::show))
        .route(
            "/bank/claims/{id}/files",
            post(bank_claims::dossier::upload).body_limit(bank_claims::dossier::UPLOAD_LIMIT),
        )
        .route("/bank/claims/{id}/files/{file}", get(bank_claims::download))
        .route("/bank/claims/{id}/resubmit", post(bank_claims::after::resubmit_claim))
        .route("/bank/claims/{id}/recoveries/confirm", post(bank_claims::after::confirm_recovery))
        .route("/bank/claims/{id}/recoveries", post(bank_claims::after::record_recovery))
        // 系统对接: the bank API's clients (handlers::api_clients).
        .route("/bank/api-clients", get(api_clients::list))
        .route("/bank/api-clients/new", get(api_clients::new_form).post(api_clients::create))
        .route("/bank/api-clients/{id}/revoke", get(api_clients::confirm_revoke).post(api_clients::revoke));
    let credit_office = Group::new(Audience::CreditOffice)
        .route("/credit-office", get(credit_office::credit_office_home))
        .route("/credit-office/institutions", get(credit_office::institutions).post(credit_office::create_institution))
        .route("/credit-office/institutions/new", get(credit_office::new_institution))
        .route("/credit-office/imports", get(imports::imports).post(imports::upload).body_limit(imports::UPLOAD_LIMIT))
        .route("/credit-office/imports/{id}", get(imports::import))
        .route("/credit-office/imports/{id}/rerun", post(imports::rerun))
        .route("/credit-office/mail", get(mail::outbox))
        .route("/credit-office/mail/{id}/resend", post(mail::resend))
        .route("/credit-office/enterprises", get(lists::enterprises))
        .route("/credit-office/needs", get(market::needs))
        .route("/credit-office/scoreboard", get(scoreboard::office_scoreboard))
        .route("/credit-office/holidays", get(market::holidays).post(market::set_holiday))
        .route("/credit-office/holidays/import", post(market::import_holidays))
        .route("/credit-office/holidays/{day}/delete", post(market::remove_holiday))
        .route("/credit-office/whitelist", get(lists::whitelist))
        .route("/credit-office/whitelist/rule", post(lists::set_rule))
        .route("/credit-office/whitelist/rule/confirm", post(lists::confirm_rule))
        .route("/credit-office/whitelist/changes", post(lists::change))
        .route("/credit-office/claims", get(claims::claims))
        .route("/credit-office/claims/{id}", post(claims::decide_letter))
        .route("/credit-office/claims/{id}/letter", get(claims::letter_file))
        .route("/credit-office/accounts/{id}/unbind", post(claims::unbind_account))
        .route("/credit-office/disputes", get(disputes::disputes))
        .route("/credit-office/disputes/{id}", get(disputes::dispute).post(disputes::answer_dispute))
        .route("/credit-office/disputes/{id}/confirm", post(disputes::confirm_answer))
        .route("/credit-office/imports/{id}/errors.csv", get(imports::import_errors_csv))
        .route("/credit-office/imports/templates/{kind}", get(imports::import_template))
        // The lists above as CSV, under the same filters as their pages.
        .route("/credit-office/enterprises.csv", get(exports::enterprises_csv))
        .route("/credit-office/whitelist.csv", get(exports::whitelist_csv))
        .route("/credit-office/needs.csv", get(exports::needs_csv))
        .route("/credit-office/disputes.csv", get(exports::disputes_csv))
        .route("/credit-office/institutions.csv", get(exports::institutions_csv))
        .route("/credit-office/imports.csv", get(exports::imports_csv))
        .route("/credit-office/loans/{id}", get(loans::office_loan))
        .route("/credit-office/loans/{id}/drawdowns/{drawdown}/schedule", get(loans::office_schedule))
        .route("/credit-office/loans/{id}/drawdowns/{drawdown}/schedule.csv", get(loans::office_schedule_csv))
        .route("/credit-office/loans", get(portfolio::credit_office_loans))
        .route("/credit-office/loans.csv", get(portfolio::credit_office_loans_csv))
        .route("/credit-office/statistics", get(statistics::statistics))
        .route("/credit-office/statistics.csv", get(statistics::statistics_csv))
        .route("/credit-office/statistics.xlsx", get(statistics::statistics_xlsx))
        .route("/credit-office/statistics/{file}", get(statistics::statistics_table))
        // 统计公报: compose, preview, publish (handlers::bulletins::office).
        .route("/credit-office/bulletins", get(bulletin_office::list).post(bulletin_office::create))
        .route("/credit-office/bulletins/new", get(bulletin_office::new_form))
        .route("/credit-office/bulletins/{id}", get(bulletin_office::show).post(bulletin_office::update))
        .route(
            "/credit-office/bulletins/{id}/publish",
            get(bulletin_office::confirm_publish).post(bulletin_office::publish),
        )
        .route(
            "/credit-office/bulletins/{id}/delete",
            get(bulletin_office::confirm_delete).post(bulletin_office::delete),
        )
        // 风险补偿 · 资金池: the funds, their rules and use (handlers::funds).
        .route("/credit-office/funds", get(funds::funds).post(funds::create_fund))
        .route("/credit-office/funds/new", get(funds::new_fund))
        .route("/credit-office/funds/{id}", get(funds::fund_page))
        .route("/credit-office/funds/{id}/rules", get(funds::rules::rules_form).post(funds::rules::change_rules))
        .route("/credit-office/funds/{id}/rules/confirm", post(funds::rules::confirm_rules))
        // 风险补偿 · 补偿审核: every bank's claims, the decision and the payment (handlers::fund_claims::office).
        .route("/credit-office/fund-claims", get(fund_claims_office::list))
        .route("/credit-office/fund-claims.csv", get(fund_claims_office::list_csv))
        .route("/credit-office/fund-claims/{id}", get(fund_claims_office::show))
        .route("/credit-office/fund-claims/{id}/decision", post(fund_claims_office::decide::decide))
        .route("/credit-office/fund-claims/{id}/decision/confirm", post(fund_claims_office::decide::confirm_decision))
        .route("/credit-office/fund-claims/{id}/pay", post(fund_claims_office::decide::pay))
        .route("/credit-office/fund-claims/{id}/pay/confirm", post(fund_claims_office::decide::confirm_pay))
        .route("/credit-office/fund-claims/{id}/files/{file}", get(fund_claims_office::claim_file))
        // 贴息: programmes, the quarterly batch, its review and approval (handlers::subsidies).
        .route("/credit-office/subsidies", get(subsidies::list).post(subsidies::create))
        .route("/credit-office/subsidies/new", get(subsidies::new_form))
        .route("/credit-office/subsidies/{id}", get(subsidy_batch::show).post(subsidies::update))
        .route("/credit-office/subsidies/{id}/edit", get(subsidies::edit_form))
        .route("/credit-office/subsidies/{id}/compute", post(subsidy_batch::compute))
        .route("/credit-office/subsidies/{id}/batches/{batch}", get(subsidy_batch::batch))
        .route("/credit-office/subsidies/{id}/batches/{batch}/lines.csv", get(subsidy_batch::lines_csv))
        .route(
            "/credit-office/subsidies/{id}/batches/{batch}/approve",
            get(subsidy_batch::confirm_approve).post(subsidy_batch::approve),
        )
        .route("/credit-office/reports", get(report::reports))
        .route("/credit-office/reports/{month}", get(report::report))
        .route("/credit-office/reports/{month}/platform.csv", get(report::platform_csv))
        .route("/credit-office/reports/{month}/institutions.csv", get(report::institutions_csv));
    vec![public, signed_in, claimant, enterprise, portraits, offer_sides, officer, bank_admin, credit_office]
}

/// The bank API: bearer tokens, no session, no cookie (`handlers::api`).
fn api() -> Vec<Group> {
    let open = Group::new(Audience::Public)
        .route("/api/v1/token", post(api::token::token))
        .route("/api/v1/openapi.json", get(api::openapi::document))
        .route("/api/docs", get(api::docs));
    let clients = Group::new(Audience::ApiClient).route("/api/v1/hall", get(api::hall::hall));
    vec![open, clients]
}

/// What answers without a session: the probe and the compiled-in files.
fn bare() -> Group {
    Group::new(Audience::Public).route("/healthz", get(health::healthz)).route("/static/{name}", get(web::static_file))
}

/// Every route of the router: each method of each path, with its audience.
pub fn routes() -> Vec<Route> {
    pages().into_iter().chain([bare()]).chain(api()).flat_map(|group| group.routes).collect()
}

pub fn router(state: AppState) -> Router {
    let pages = pages()
        .into_iter()
        .fold(Router::new(), |pages, group| pages.merge(group.into_router()))
        // Inside the session layer, so that a signed-in user's 404 shows their menu.
        .fallback(web::not_found)
        .layer(from_fn_with_state(state.clone(), session::layer));

    Router::new()
        .merge(pages)
        .merge(bare().into_router())
        .merge(
            api()
                .into_iter()
                .fold(Router::new(), |api, group| api.merge(group.into_router()))
                .layer(from_fn_with_state(state.clone(), api::layer)),
        )
        .layer(RequestBodyLimitLayer::new(imports::UPLOAD_LIMIT + 64 * 1024))
        .layer(from_fn(crate::error::framework_rejections))
        .layer(from_fn_with_state((state.clone(), web::DemoFlag::default()), web::demo_site))
        .layer(from_fn(web::security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The routes of one audience, and the list of what they are.
struct Group {
    audience: Audience,
    router: Router<AppState>,
    routes: Vec<Route>,
}

impl Group {
    fn new(audience: Audience) -> Group {
        Group { audience, router: Router::new(), routes: Vec::new() }
    }

    fn route(mut self, path: &'static str, methods: Methods) -> Group {
        let audience = self.audience;
        self.routes.extend(methods.names.iter().map(|&method| Route { method, path, audience }));
        self.router = self.router.route(path, methods.router);
        self
    }

    /// The group's router behind the layer that admits only its audience.
    fn into_router(self) -> Router<AppState> {
        self.router.route_layer(from_fn_with_state(self.audience, access::guard))
    }
}

/// A path's handlers by method, with the methods' names kept for `routes()`.
struct Methods {
    names: Vec<&'static str>,
    router: MethodRouter<AppState>,
}

fn get<H: Handler<T, AppState>, T: 'static>(handler: H) -> Methods {
    Methods { names: vec!["GET"], router: axum::routing::get(handler) }
}

fn post<H: Handler<T, AppState>, T: 'static>(handler: H) -> Methods {
    Methods { names: vec!["POST"], router: axum::routing::post(handler) }
}

impl Methods {
    fn post<H: Handler<T, AppState>, T: 'static>(mut self, handler: H) -> Methods {
        self.names.push("POST");
        self.router = self.router.post(handler);
        self
    }

    /// Accepts bodies up to `bytes` (an upload) on every method of the path.
    fn body_limit(mut self, bytes: usize) -> Methods {
        self.router = self.router.layer(DefaultBodyLimit::max(bytes));
        self
    }
}
