//! How a conversation row (with its members as JSON) becomes a `ConversationRecord`.

use crate::sql::prelude::*;

pub(crate) const CONVERSATION_COLUMNS: &str = "c.organization_id, c.id, c.public_id, \
                                               c.business_unit_id, c.channel_id, c.channel_type, \
                                               c.channel_ids, c.contact_id, c.type, c.status, \
                                               c.name, c.detail, c.metadata, c.inputs, \
                                               c.agent_id, c.assignment_id, c.owner_type, \
                                               c.owner_id, c.dialog_id, c.self_address, c.peer, \
                                               c.parent_id, c.snoozed_until, c.message_count, \
                                               c.children_count, c.last_message, c.activity_at, \
                                               c.created_at, c.updated_at, c.deleted_at, \
                                               c.created_by_key_id, c.version, c.priority, \
                                               c.control, c.handoff, c.last_incoming_at, \
                                               c.first_reply_at, c.waiting_since, \
                                               c.last_outgoing_at, c.incoming_count, \
                                               c.contact_read";

/// The incoming messages the user whose id follows has read in conversation `c` (then
/// `), 0)`): lists and reads select it `AS seen_incoming`, filters compare with it.
pub(crate) const SEEN_BY: &str = "coalesce((SELECT r.seen_incoming FROM \
                                         conversation_reads r WHERE r.conversation_id = c.id \
                                         AND r.user_id = ";

#[derive(FromRow)]
pub(crate) struct ConversationRow {
    pub(crate) organization_id: Uuid,
    pub(crate) id: Uuid,
    pub(crate) public_id: String,
    pub(crate) business_unit_id: Uuid,
    pub(crate) channel_id: Option<Uuid>,
    pub(crate) channel_type: Option<String>,
    pub(crate) channel_ids: Json<Vec<ChannelId>>,
    pub(crate) contact_id: Option<Uuid>,
    #[sqlx(rename = "type")]
    pub(crate) conversation_type: String,
    pub(crate) status: String,
    pub(crate) name: String,
    pub(crate) detail: String,
    pub(crate) metadata: Json<JsonObject>,
    pub(crate) inputs: Json<JsonObject>,
    pub(crate) agent_id: Option<String>,
    pub(crate) assignment_id: Option<String>,
    pub(crate) owner_type: Option<String>,
    pub(crate) owner_id: Option<String>,
    pub(crate) dialog_id: Option<String>,
    pub(crate) self_address: Option<Json<Address>>,
    pub(crate) peer: Option<Json<Address>>,
    pub(crate) parent_id: Option<Uuid>,
    pub(crate) snoozed_until: Option<i64>,
    pub(crate) message_count: i64,
    pub(crate) children_count: i64,
    pub(crate) last_message: Option<Json<LastMessage>>,
    pub(crate) activity_at: i64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) deleted_at: Option<i64>,
    pub(crate) created_by_key_id: Option<Uuid>,
    pub(crate) version: i64,
    pub(crate) priority: i64,
    pub(crate) control: Option<Json<Control>>,
    pub(crate) handoff: Option<Json<Handoff>>,
    pub(crate) last_incoming_at: Option<i64>,
    pub(crate) first_reply_at: Option<i64>,
    pub(crate) waiting_since: Option<i64>,
    pub(crate) last_outgoing_at: Option<i64>,
    pub(crate) incoming_count: i64,
    pub(crate) contact_read: Option<Json<ReadMarker>>,
    /// `SEEN_BY`, when the statement reads for a reader: what they have read.
    #[sqlx(default)]
    pub(crate) seen_incoming: Option<i64>,
    /// `CONVERSATION_LABELS`: the label names, read with the row.
    pub(crate) labels: Json<Vec<String>>,
    /// `CONVERSATION_MEMBERS`: the team members, read with the row.
    pub(crate) members: Json<Vec<MemberJson>>,
}

impl ConversationRow {
    pub(crate) fn into_record(self) -> StoreResult<ConversationRecord> {
        let users = self
            .members
            .0
            .into_iter()
            .map(MemberJson::into_user)
            .collect::<StoreResult<Vec<_>>>()?;
        let channel_type = match self.channel_type.as_deref() {
            Some(text) => Some(parse_text(text, ChannelType::parse)?),
            None => None,
        };
        Ok(ConversationRecord {
            conversation: Conversation {
                object_name: "conversation".into(),
                id: self.id.into(),
                public_id: self.public_id,
                organization_id: self.organization_id.into(),
                business_unit_id: self.business_unit_id.into(),
                channel_id: self.channel_id.map(Into::into),
                channel_type,
                channel_ids: self.channel_ids.0,
                contact_id: self.contact_id.map(Into::into),
                conversation_type: parse_text(&self.conversation_type, ConversationType::parse)?,
                status: parse_text(&self.status, Status::parse)?,
                topic: self.name.clone(),
                name: self.name,
                detail: self.detail,
                metadata: self.metadata.0,
                inputs: self.inputs.0,
                agent_id: self.agent_id,
                assignment_id: self.assignment_id,
                owner_type: self.owner_type,
                owner_id: self.owner_id,
                dialog_id: self.dialog_id,
                self_address: self.self_address.map(|j| j.0),
                peer: self.peer.map(|j| j.0),
                parent_id: self.parent_id.map(Into::into),
                snoozed_until: self.snoozed_until.map(Timestamp::from_millis),
                priority: Priority::from_rank(self.priority).ok_or_else(|| {
                    StoreError::internal(format!("unknown stored priority {}", self.priority))
                })?,
                control: self.control.map(|j| j.0).unwrap_or_default(),
                handoff: self.handoff.map(|j| j.0),
                labels: self.labels.0,
                users,
                viewers: Vec::new(),
                typing: Vec::new(),
                counts: ConversationCounts {
                    messages: self.message_count,
                    children: self.children_count,
                    incoming: self.incoming_count,
                },
                last_message: self.last_message.map(|j| j.0),
                last_incoming_at: self.last_incoming_at.map(Timestamp::from_millis),
                first_reply_at: self.first_reply_at.map(Timestamp::from_millis),
                waiting_since: self.waiting_since.map(Timestamp::from_millis),
                last_outgoing_at: self.last_outgoing_at.map(Timestamp::from_millis),
                // Without a reader, filled in by `convo_core::usecases::reads::show_unread`.
                unread_count: self
                    .seen_incoming
                    .map(|seen| unread(self.incoming_count, seen)),
                contact_read: self.contact_read.map(|j| j.0),
                timestamp: Timestamp::from_millis(self.activity_at),
                created_at: Timestamp::from_millis(self.created_at),
                updated_at: Timestamp::from_millis(self.updated_at),
                deleted_at: self.deleted_at.map(Timestamp::from_millis),
            },
            created_by_key_id: self.created_by_key_id.map(ApiKeyId::from_uuid),
            version: self.version,
        })
    }
}

/// A team member of a conversation as `CONVERSATION_MEMBERS` writes it.
#[derive(serde::Deserialize)]
pub(crate) struct MemberJson {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) avatar_url: Option<String>,
}

impl MemberJson {
    pub(crate) fn into_user(self) -> StoreResult<SimpleUser> {
        Ok(SimpleUser {
            id: self.id.into(),
            name: self.name,
            kind: parse_text(&self.kind, UserKind::parse)?,
            avatar_url: self.avatar_url,
        })
    }
}
