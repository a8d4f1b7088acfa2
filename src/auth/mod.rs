//! Who is asking: passwords, sessions, the CSRF and Origin checks, the
//! extractors handlers use to require a signed-in user of a role, and the
//! audience each route is for.

pub mod access;
pub mod csrf;
pub mod password;
pub mod session;

pub use access::Audience;
pub use session::{Session, SignedIn, Visitor};
