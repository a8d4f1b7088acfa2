//! One file per table or aggregate: row structs and the queries on them.

pub mod api_client;
pub mod audit;
pub mod authorization;
pub mod bulletin;
pub mod claim;
pub mod contact;
pub mod credit_record;
pub mod dispute;
pub mod email_verification;
pub mod enterprise;
pub mod fund;
pub mod hall;
pub mod holiday;
pub mod import_batch;
pub mod institution;
pub mod invitation;
pub mod loan;
pub mod message;
pub mod need;
pub mod offer;
pub mod page;
pub mod password_reset;
pub mod portrait_view;
pub mod product;
pub mod queue;
pub mod rate_limit;
pub mod region;
pub mod reminder;
pub mod server_secret;
pub mod session;
pub mod setting;
pub mod stats;
pub mod subscription;
pub mod subsidy;
pub mod user;
pub mod whitelist;

/// A random URL-safe token and the SHA-256 hex digest that is stored in its place,
/// so that a leaked database does not hand out live sessions or invitations.
pub fn new_token() -> (String, String) {
    let token = hex::encode(rand::random::<[u8; 16]>());
    let digest = token_digest(&token);
    (token, digest)
}

pub fn token_digest(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}
