//! VoIPbin's conversation resource (`/v1.0`): the object with `customer_id`, `account_id`,
//! `type`, `self`, `peer` and `tm_*` times written `2022-06-23 05:05:40.950834`
//! (`9999-01-01 00:00:00.000000` for what has not happened), and its pages
//! `{"result", "next_page_token"}`.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{
    Address, ChannelId, ContactId, Conversation, ConversationId, Message, MessageId, MessageType,
    Timestamp,
};

/// VoIPbin's "has not happened" time.
pub const NEVER: &str = "9999-01-01 00:00:00.000000";
/// VoIPbin's empty id.
pub const NIL: &str = "00000000-0000-0000-0000-000000000000";

/// A time as VoIPbin writes it: UTC, microseconds.
fn tm(at: Option<Timestamp>) -> String {
    at.map_or_else(
        || NEVER.to_owned(),
        |at| {
            // Timestamp's RFC 3339 form (`2026-11-21T09:14:03.512Z`), rewritten.
            let text = at.to_string();
            let (date, time) = text.split_once('T').unwrap_or((&text, ""));
            format!("{date} {}000", time.trim_end_matches('Z'))
        },
    )
}

/// A page: `next_page_token` is empty on the last one.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VoipbinPage<T> {
    pub result: Vec<T>,
    pub next_page_token: String,
}

impl<T> VoipbinPage<T> {
    /// A page of VoIPbin items from a page of convo's.
    pub fn of<U: Into<T>>(list: crate::List<U>) -> Self {
        VoipbinPage {
            result: list.data.into_iter().map(Into::into).collect(),
            next_page_token: list.next_cursor.unwrap_or_default(),
        }
    }
}

/// An address of a party; every field is a string, empty when unknown.
fn address(a: Option<Address>) -> Address {
    a.unwrap_or_else(|| Address {
        address_type: String::new(),
        target: String::new(),
        target_name: String::new(),
        name: String::new(),
        detail: String::new(),
    })
}

/// The conversation as VoIPbin answers it.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VoipbinConversation {
    pub id: ConversationId,
    /// The customer (a contact); the nil id when there is none.
    pub customer_id: String,
    pub owner_type: String,
    /// The nil id when there is no owner.
    pub owner_id: String,
    /// The channel: the messaging account (a number, a LINE account) it runs through; the nil
    /// id when there is none.
    pub account_id: String,
    pub name: String,
    pub detail: String,
    /// The channel's platform (`message`, `line`, ...); empty without a channel.
    #[serde(rename = "type")]
    pub conversation_type: String,
    pub dialog_id: String,
    #[serde(rename = "self")]
    pub self_address: Address,
    pub peer: Address,
    #[cfg_attr(feature = "openapi", schema(example = "2022-06-23 05:05:40.950834"))]
    pub tm_create: String,
    pub tm_update: String,
    /// `9999-01-01 00:00:00.000000` while it is not deleted.
    pub tm_delete: String,
}

impl From<Conversation> for VoipbinConversation {
    fn from(c: Conversation) -> Self {
        let id_or_nil = |id: Option<String>| id.unwrap_or_else(|| NIL.to_owned());
        VoipbinConversation {
            id: c.id,
            customer_id: id_or_nil(c.contact_id.map(|id| id.to_string())),
            owner_type: c.owner_type.unwrap_or_default(),
            owner_id: id_or_nil(c.owner_id),
            account_id: id_or_nil(c.channel_id.map(|id| id.to_string())),
            name: c.name,
            detail: c.detail,
            conversation_type: c.channel_type.map(|t| t.to_string()).unwrap_or_default(),
            dialog_id: c.dialog_id.unwrap_or_default(),
            self_address: address(c.self_address),
            peer: address(c.peer),
            tm_create: tm(Some(c.created_at)),
            tm_update: tm(Some(c.updated_at)),
            tm_delete: tm(c.deleted_at),
        }
    }
}

/// `POST /v1.0/conversations`: every field is optional; `account_id` names the channel (its
/// platform becomes `type`), `customer_id` the contact.
#[derive(Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VoipbinCreateInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<ChannelId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<ContactId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_name))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_detail))]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_short_text))]
    pub owner_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub dialog_id: Option<String>,
    #[serde(default, rename = "self", skip_serializing_if = "Option::is_none")]
    pub self_address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<Address>,
}

/// `PUT /v1.0/conversations/{id}`: the fields given change, the others stay.
#[derive(Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VoipbinUpdateInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_short_text))]
    pub owner_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_name))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_detail))]
    pub detail: Option<String>,
}

/// A message as VoIPbin's conversation messages read.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VoipbinMessage {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    /// `incoming` (from the customer) or `outgoing`; notes and activity read as `outgoing`.
    pub direction: String,
    pub text: String,
    pub medias: Vec<VoipbinMedia>,
    pub tm_create: String,
    pub tm_update: String,
    pub tm_delete: String,
}

/// A file sent with a message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VoipbinMedia {
    /// The stored attachment (`POST /v1/attachments`); absent for a file hosted elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::AttachmentId>,
    /// `file`, or the MIME type's kind (`image`, `audio`, `video`).
    #[serde(rename = "type", default)]
    pub media_type: String,
    /// A stored attachment's signed link, or where a file hosted elsewhere is.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::http_url))]
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub filename: Option<String>,
}

/// A file to send: a stored attachment's `id`, or the `url` of a file hosted elsewhere.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VoipbinMediaInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::AttachmentId>,
    /// Ignored: the kind follows from the file.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_http_url))]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub filename: Option<String>,
}

impl From<Message> for VoipbinMessage {
    fn from(m: Message) -> Self {
        VoipbinMessage {
            id: m.id,
            conversation_id: m.conversation_id,
            direction: match m.message_type {
                MessageType::Incoming => "incoming",
                _ => "outgoing",
            }
            .to_owned(),
            text: m.content,
            medias: m
                .attachments
                .into_iter()
                .map(|a| VoipbinMedia {
                    id: a.id,
                    media_type: a
                        .mime_type
                        .as_deref()
                        .and_then(|t| t.split('/').next())
                        .filter(|kind| matches!(*kind, "image" | "audio" | "video"))
                        .unwrap_or("file")
                        .to_owned(),
                    url: a.url,
                    filename: a.name,
                })
                .collect(),
            tm_create: tm(Some(m.created_at)),
            tm_update: tm(Some(m.updated_at)),
            tm_delete: tm(None),
        }
    }
}

/// `POST /v1.0/conversations/{id}/messages`: a message sent to the customer.
#[derive(Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VoipbinMessageInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_content))]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medias: Option<Vec<VoipbinMediaInput>>,
}
