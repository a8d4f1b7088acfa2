//! Who may use a route. Every route belongs to one `Audience`, and the `guard`
//! layer in front of its group refuses everyone else before the handler runs,
//! the way `SignedIn::require` refuses: an anonymous visitor is sent to sign in
//! (and back), another role gets the 403 page (audited by the session layer),
//! and an enterprise account that has not proven control of its enterprise is
//! sent to the claim page. Handlers keep their own checks as a second line.
//! `docs/routes.md` lists every route with its audience, for review.

use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::SignedIn;
use crate::domain::Role;
use crate::error::{AppError, AppResult};

/// The visitors a route is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Audience {
    /// Anyone, signed in or not.
    Public,
    /// Every signed-in role.
    SignedIn,
    /// An enterprise account that has proven control of its enterprise.
    Enterprise,
    /// An enterprise account, before or after proving control: the claim pages.
    EnterpriseAccount,
    Officer,
    BankAdmin,
    CreditOffice,
    /// The two sides of an offer: the enterprise, or the bank's officer or admin.
    EnterpriseOrBank,
    /// The credit office, or a bank's officer or admin (under an authorization).
    CreditOfficeOrBank,
    /// A bank's system calling the JSON API with a bearer token
    /// (`handlers::api::bearer`); no session role is admitted.
    ApiClient,
}

impl Audience {
    pub const ALL: [Audience; 10] = [
        Audience::Public,
        Audience::SignedIn,
        Audience::Enterprise,
        Audience::EnterpriseAccount,
        Audience::Officer,
        Audience::BankAdmin,
        Audience::CreditOffice,
        Audience::EnterpriseOrBank,
        Audience::CreditOfficeOrBank,
        Audience::ApiClient,
    ];

    /// The name `docs/routes.md` uses.
    pub fn name(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::SignedIn => "signed-in",
            Audience::Enterprise => "enterprise",
            Audience::EnterpriseAccount => "enterprise account",
            Audience::Officer => "officer",
            Audience::BankAdmin => "bank admin",
            Audience::CreditOffice => "credit office",
            Audience::EnterpriseOrBank => "enterprise or bank",
            Audience::CreditOfficeOrBank => "credit office or bank",
            Audience::ApiClient => "api client",
        }
    }

    /// The signed-in roles it admits (a public route admits anonymous visitors too).
    pub fn roles(self) -> &'static [Role] {
        match self {
            Audience::Public | Audience::SignedIn => &Role::ALL,
            Audience::Enterprise | Audience::EnterpriseAccount => &[Role::Enterprise],
            Audience::Officer => &[Role::Officer],
            Audience::BankAdmin => &[Role::BankAdmin],
            Audience::CreditOffice => &[Role::CreditOffice],
            Audience::EnterpriseOrBank => &[Role::Enterprise, Role::Officer, Role::BankAdmin],
            Audience::CreditOfficeOrBank => &[Role::CreditOffice, Role::Officer, Role::BankAdmin],
            Audience::ApiClient => &[],
        }
    }

    /// Allows the signed-in user or refuses them as `SignedIn::require` does.
    /// An offer's schedule refuses another role with the 404 that everyone but
    /// the offer's two sides gets, so the answer never tells that it exists.
    pub fn admits(self, signed: &SignedIn) -> AppResult<()> {
        let role = signed.user.role();
        if !self.roles().contains(&role) {
            tracing::info!(user = signed.user.id, wanted = self.name(), "access denied");
            return Err(match self {
                Audience::EnterpriseOrBank => AppError::NotFound,
                _ => AppError::Forbidden,
            });
        }
        match (role, self) {
            (Role::Enterprise, Audience::Enterprise | Audience::EnterpriseOrBank) => signed.require(Role::Enterprise),
            _ => Ok(()),
        }
    }
}

/// The layer in front of each group of routes: lets the request through only
/// for the group's audience. An API route checks its bearer token in the
/// handler, with the scope the operation needs (`handlers::api::bearer`).
pub async fn guard(State(audience): State<Audience>, request: Request, next: Next) -> Response {
    if matches!(audience, Audience::Public | Audience::ApiClient) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let admitted = match SignedIn::from_request_parts(&mut parts, &()).await {
        Ok(signed) => audience.admits(&signed),
        Err(refusal) => Err(refusal),
    };
    match admitted {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(refusal) => refusal.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audience_names_are_distinct() {
        let names: std::collections::BTreeSet<_> = Audience::ALL.iter().map(|a| a.name()).collect();
        assert_eq!(names.len(), Audience::ALL.len());
    }
}
