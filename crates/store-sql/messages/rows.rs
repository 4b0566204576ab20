//! The message row and reading one message.

use crate::sql::prelude::*;

pub(crate) const MESSAGE_COLUMNS: &str = "m.organization_id, m.id, m.conversation_id, \
                                          m.message_type, m.sender_type, m.sender_id, m.content, \
                                          m.content_type, m.attachments, m.metadata, \
                                          m.external_id, m.status, m.error, m.created_at, \
                                          m.updated_at";

#[derive(FromRow)]
pub(crate) struct MessageRow {
    pub(crate) id: Uuid,
    pub(crate) conversation_id: Uuid,
    pub(crate) message_type: String,
    pub(crate) sender_type: String,
    pub(crate) sender_id: Option<String>,
    pub(crate) content: String,
    pub(crate) content_type: String,
    pub(crate) attachments: Json<Vec<Attachment>>,
    pub(crate) metadata: Json<JsonObject>,
    pub(crate) external_id: Option<String>,
    pub(crate) status: String,
    pub(crate) error: Option<Json<MessageError>>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl TryFrom<MessageRow> for Message {
    type Error = StoreError;
    fn try_from(r: MessageRow) -> StoreResult<Self> {
        Ok(Message {
            object_name: "message".into(),
            id: r.id.into(),
            conversation_id: r.conversation_id.into(),
            message_type: parse_text(&r.message_type, MessageType::parse)?,
            sender: Sender {
                sender_type: parse_text(&r.sender_type, SenderType::parse)?,
                id: r.sender_id,
            },
            content: r.content,
            content_type: parse_text(&r.content_type, ContentType::parse)?,
            attachments: r.attachments.0,
            metadata: r.metadata.0,
            external_id: r.external_id,
            status: parse_text(&r.status, MessageStatus::parse)?,
            error: r.error.map(|j| j.0),
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        })
    }
}

pub(crate) async fn fetch_message(conn: &mut Conn, org: Uuid, id: Uuid) -> StoreResult<Message> {
    let row: Option<MessageRow> = sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.organization_id = $1 AND m.id = $2"
    ))
    .bind(org)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    found("message")(row)?.try_into()
}
