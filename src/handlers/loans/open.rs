//! Recording the contract on an approved offer (录入贷款合同): the form starts
//! from the approval (its line, rate, term and date) and the offer (its
//! method and guarantee); every wrong field is shown beside itself at once,
//! and what was typed stays. The recorded loan opens on its own page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use crate::actions::loan::open_loan as open;
use crate::actions::offer::OwnOffer;
use crate::auth::SignedIn;
use crate::domain::need::OfferStatus;
use crate::domain::{Money, Rate};
use crate::error::{AppError, AppResult};
use crate::handlers::loan_terms::LoanTermsForm;
use crate::models::enterprise::Enterprise;
use crate::models::institution::Institution;
use crate::models::loan::Loan;
use crate::models::need::Need;
use crate::models::offer::Offer;
use crate::state::AppState;
use crate::web::{FormErrors, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "loans/open.html")]
pub struct LoanFormPage {
    layout: Layout,
    offer: Offer,
    enterprise: String,
    /// "额度 200.00 万元，年化 4.00%，…" of the approval.
    approval: String,
    form: LoanTermsForm,
    errors: FormErrors,
    refusal: Option<String>,
    /// The enterprise's earlier loans on the platform, as the renewal select lists them.
    renewable: Vec<(String, String)>,
}

/// The institution's approved offer, its enterprise and the enterprise's loans;
/// a loan already recorded on it is returned instead, to be opened.
struct Approved {
    offer: Offer,
    enterprise: Enterprise,
    loans: Vec<(Loan, String)>,
}

async fn approved(state: &AppState, signed: &SignedIn, id: i64) -> AppResult<Result<Approved, i64>> {
    let institution = signed.officer_institution()?;
    state
        .db
        .run(move |c| {
            let offer = Offer::find(c, id)?.filter(|o| o.institution_id == institution).ok_or(AppError::NotFound)?;
            if let Some(loan) = Loan::of_offer(c, offer.id)? {
                return Ok(Err(loan.id));
            }
            let approved = offer.status == OfferStatus::Accepted && offer.decision.as_deref() == Some("approved");
            if !approved || offer.approved_on.is_none() {
                return Err(AppError::NotFound);
            }
            let need = Need::find(c, offer.need_id)?.ok_or(AppError::NotFound)?;
            let enterprise = Enterprise::find(c, need.enterprise_id)?;
            let mut loans = Vec::new();
            for loan in Loan::all_of_enterprise(c, enterprise.id)? {
                let lender = Institution::find(c, loan.institution_id)?.name;
                loans.push((loan, lender));
            }
            Ok(Ok(Approved { offer, enterprise, loans }))
        })
        .await
}

impl Approved {
    /// The form as the approval and the offer fill it.
    fn form(&self) -> LoanTermsForm {
        let offer = &self.offer;
        LoanTermsForm {
            line: Money::from_fen(offer.approved_amount_fen.unwrap_or_default()).wan_input(),
            rate: Rate::from_units(offer.approved_rate.unwrap_or(offer.rate.units())).input_text(),
            term: offer.approved_term_months.unwrap_or(offer.term_months).to_string(),
            signed_on: offer.approved_on.map(|d| d.to_string()).unwrap_or_default(),
            repayment_method: offer.method().code().to_string(),
            guarantees: vec![offer.guarantee.as_str().to_string()],
            ..LoanTermsForm::default()
        }
    }

    /// The renewal select: "not on the platform", then the enterprise's loans
    /// (another institution's only as 他行贷款 with its signing month: its
    /// number, line and status are that bank's business).
    fn renewable(&self) -> Vec<(String, String)> {
        let own = self.offer.institution_id;
        let mut options = vec![(String::new(), "不在平台上（或不是续贷）".to_string())];
        for (loan, _) in &self.loans {
            let text = if loan.institution_id == own {
                let terms = format!("{} 签约，{}，{}", loan.signed_on, loan.line.wan_text(), loan.status.label());
                format!("本机构合同 {}（{terms}）", loan.contract_no)
            } else {
                format!("他行贷款（{} 签约）", loan.signed_on.format("%Y-%m"))
            };
            options.push((loan.id.to_string(), text));
        }
        options
    }

    fn page(self, signed: &SignedIn, form: LoanTermsForm, errors: FormErrors, refusal: Option<String>) -> LoanFormPage {
        LoanFormPage {
            layout: signed.layout(),
            approval: self.offer.approval_text().unwrap_or_default(),
            renewable: self.renewable(),
            enterprise: self.enterprise.name.clone(),
            offer: self.offer,
            form,
            errors,
            refusal,
        }
    }
}

fn to_loan(loan: i64) -> Response {
    Redirect::to(&format!("/officer/loans/{loan}")).into_response()
}

/// `GET /officer/offers/{id}/loan`: the contract form, filled from the approval.
pub async fn loan_form(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    Ok(match approved(&state, &signed, id).await? {
        Ok(approved) => {
            let form = approved.form();
            approved.page(&signed, form, FormErrors::default(), None).into_response()
        }
        Err(loan) => to_loan(loan),
    })
}

/// `POST /officer/offers/{id}/loan`: records the contract and opens the loan's page.
pub async fn open_loan(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<LoanTermsForm>,
) -> AppResult<Response> {
    let approved = match approved(&state, &signed, id).await? {
        Ok(approved) => approved,
        Err(loan) => return Ok(to_loan(loan)),
    };
    let terms = match form.validate() {
        Ok(terms) => terms,
        Err(errors) => {
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, approved.page(&signed, form, errors, None)).into_response());
        }
    };
    let (ctx, offer) =
        (signed.change(&state), OwnOffer { institution_id: approved.offer.institution_id, offer_id: id });
    match state.db.query(move |c| open(c, &ctx, offer, terms)).await? {
        Ok(loan) => Ok(Redirect::to(&format!("/officer/loans/{loan}?notice=opened")).into_response()),
        Err(refusal) => {
            let (status, errors, alert) = super::refused(&refusal);
            Ok((status, approved.page(&signed, form, errors, alert)).into_response())
        }
    }
}
