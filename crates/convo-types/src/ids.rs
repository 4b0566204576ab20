use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! define_id {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new time-ordered id (UUIDv7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    )+};
}

define_id!(
    /// An organization (a tenant).
    OrganizationId,
    /// A business unit inside an organization.
    BusinessUnitId,
    /// A team member or AI agent.
    UserId,
    /// An API key.
    ApiKeyId,
    /// A channel (web site, phone number, LINE account, ...).
    ChannelId,
    /// A contact (customer).
    ContactId,
    /// A conversation.
    ConversationId,
    /// A message.
    MessageId,
    /// A video call.
    VideoCallId,
    /// A webhook endpoint.
    WebhookId,
    /// One event on its way to one webhook.
    DeliveryId,
    /// A label.
    LabelId,
    /// A person's signed-in session.
    SessionId,
    /// One entry of the audit log.
    AuditEntryId,
    /// An invitation to join an organization.
    InvitationId,
    /// A stored file (`POST /v1/attachments`).
    AttachmentId,
    /// A canned response.
    CannedResponseId,
    /// A saved view of the conversation list.
    SavedViewId,
    /// A notification to one person.
    NotificationId,
);
