//! One file per [`Area`](super::cases::Area), each holding the procedures of that area's rows:
//! what to send and in which order. What an answer must be comes from the row's
//! [`Expect`](super::cases::Expect) and is checked by the one checker (`checker.rs`).

mod auth;
mod body;
mod existing;
mod hdr;
mod invalid;
mod links;
mod method;
mod path;
mod privilege;
mod read;
mod side;
mod token;
mod user;

pub use links::redact;

use super::cases::Kind;
use super::ctx::{CaseCtx, Step};

impl CaseCtx {
    /// Perform the case's [`Kind`].
    pub(super) async fn perform(&mut self) -> Step<()> {
        match self.case.kind {
            Kind::SetValues(values) => self.set_values(values).await,
            Kind::ExtraProperty => self.extra_property().await,
            Kind::LinksRoundTrip => self.links_round_trip().await,
            Kind::Read => self.read().await,
            Kind::Links(via) => self.links(via).await,
            Kind::InvalidBody {
                body,
                content_type,
                baseline,
            } => self.invalid_body(body, content_type, baseline).await,
            Kind::WrongContentType(ct) => self.wrong_content_type(ct).await,
            Kind::CharsetParameter => self.charset_parameter().await,
            Kind::Unauthorized(bad, via) => self.unauthorized(bad, via).await,
            Kind::UnknownUser(via) => self.unknown_user(via).await,
            Kind::NonUuidUser => self.non_uuid_user().await,
            Kind::ForeignEnvironment => self.foreign_environment().await,
            Kind::UnsupportedMethod { method, baseline } => {
                self.unsupported_method(method, baseline).await
            }
            Kind::CreateUser { content, mfa } => self.create_user_case(content, mfa).await,
            Kind::UpdateUserIgnoresMfa { method } => self.update_user(method).await,
            Kind::ExistingUser => self.existing_user().await,
            Kind::Fuzz => self.fuzz().await,
            Kind::Token(probe) => self.token(probe).await,
            Kind::SideEffects(probe) => self.side_effects(probe).await,
            Kind::Readonly(probe) => self.readonly(probe).await,
        }
    }
}
