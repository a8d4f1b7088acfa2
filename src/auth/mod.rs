//! Who is asking: passwords, sessions, the CSRF and Origin checks, and the
//! extractors handlers use to require a signed-in user of a role.

pub mod csrf;
pub mod password;
pub mod session;

pub use session::{Session, SignedIn, Visitor};
