//! The event log: each organization's events numbered in commit order, and reading them.

use crate::sql::prelude::*;

#[derive(FromRow)]
pub(crate) struct EventRow {
    pub(crate) id: i64,
    #[sqlx(rename = "type")]
    pub(crate) event_type: String,
    pub(crate) actor_type: String,
    pub(crate) actor_id: Option<String>,
    pub(crate) conversation_id: Option<Uuid>,
    pub(crate) data: Json<serde_json::Value>,
    pub(crate) changes: Option<Json<serde_json::Value>>,
    pub(crate) created_at: i64,
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;
    fn try_from(r: EventRow) -> StoreResult<Self> {
        Ok(Event {
            object_name: "event".into(),
            id: r.id,
            event_type: parse_text(&r.event_type, EventType::parse)?,
            actor: Participant {
                participant_type: r.actor_type,
                id: r.actor_id,
            },
            conversation_id: r.conversation_id.map(Into::into),
            data: r.data.0,
            changes: r.changes.map(|j| j.0),
            created_at: Timestamp::from_millis(r.created_at),
        })
    }
}

/// Appends an event about the conversation itself.
pub(crate) async fn record_event(
    conn: &mut Conn,
    org: Uuid,
    meta: &EventMeta,
    conversation: &Conversation,
    at: Timestamp,
) -> StoreResult<i64> {
    record_event_about(conn, org, meta, conversation, conversation, at).await
}

/// Appends an event about `conversation` whose `data` is `object` (a message, a video call).
pub(crate) async fn record_event_about(
    conn: &mut Conn,
    org: Uuid,
    meta: &EventMeta,
    conversation: &Conversation,
    object: &impl serde::Serialize,
    at: Timestamp,
) -> StoreResult<i64> {
    record_events(
        conn,
        org,
        &[&NewEvent::about(meta, conversation, object, at)?],
    )
    .await
}

/// An event before its id is handed out.
pub(crate) struct NewEvent {
    pub(crate) event_type: EventType,
    pub(crate) actor: Participant,
    pub(crate) conversation_id: Option<Uuid>,
    pub(crate) business_unit_id: Option<Uuid>,
    pub(crate) data: serde_json::Value,
    pub(crate) changes: Option<serde_json::Value>,
    pub(crate) at: Timestamp,
}

impl NewEvent {
    pub(crate) fn about(
        meta: &EventMeta,
        conversation: &Conversation,
        object: &impl serde::Serialize,
        at: Timestamp,
    ) -> StoreResult<Self> {
        Self::new(
            meta,
            conversation.id.as_uuid(),
            conversation.business_unit_id.as_uuid(),
            object,
            at,
        )
    }

    pub(crate) fn new(
        meta: &EventMeta,
        conversation_id: Uuid,
        business_unit_id: Uuid,
        object: &impl serde::Serialize,
        at: Timestamp,
    ) -> StoreResult<Self> {
        Ok(NewEvent {
            event_type: meta.event_type,
            actor: meta.actor.clone(),
            conversation_id: Some(conversation_id),
            business_unit_id: Some(business_unit_id),
            data: serde_json::to_value(object).map_err(Error::internal)?,
            changes: None,
            at,
        })
    }

    /// An event about no one conversation (a contact merged).
    pub(crate) fn organization_wide(
        meta: &EventMeta,
        object: &impl serde::Serialize,
        at: Timestamp,
    ) -> StoreResult<Self> {
        Ok(NewEvent {
            event_type: meta.event_type,
            actor: meta.actor.clone(),
            conversation_id: None,
            business_unit_id: None,
            data: serde_json::to_value(object).map_err(Error::internal)?,
            changes: None,
            at,
        })
    }

    /// Records that `field` moved `from` one id `to` another.
    pub(crate) fn moved(mut self, field: &str, from: Uuid, to: Uuid) -> Self {
        self.changes = Some(serde_json::json!({ field: { "from": from, "to": to } }));
        self
    }
}

/// Appends `org`'s events in order; answers the last id. The organization's counter row
/// serialises event writers, so ids are handed out in commit order and a reader following
/// `after=` never skips one.
pub(crate) async fn record_events(
    conn: &mut Conn,
    org: Uuid,
    events: &[&NewEvent],
) -> StoreResult<i64> {
    let (last,): (i64,) = sqlx::query_as(
        "UPDATE organizations SET event_seq = event_seq + $1 WHERE id = $2 RETURNING event_seq",
    )
    .bind(events.len() as i64)
    .bind(org)
    .fetch_one(&mut *conn)
    .await?;
    if let Some(notify) = NOTIFY_EVENT {
        sqlx::query(notify)
            .bind(org.to_string())
            .execute(&mut *conn)
            .await?;
    }
    let first = last - events.len() as i64 + 1;
    for (chunk_index, chunk) in events.chunks(ROWS_PER_INSERT).enumerate() {
        let offset = first + (chunk_index * ROWS_PER_INSERT) as i64;
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO events (organization_id, id, type, actor_type, actor_id, \
             conversation_id, business_unit_id, data, changes, created_at) ",
        );
        qb.push_values(chunk.iter().enumerate(), |mut row, (i, e)| {
            row.push_bind(org)
                .push_bind(offset + i as i64)
                .push_bind(e.event_type.as_str())
                .push_bind(&e.actor.participant_type)
                .push_bind(&e.actor.id)
                .push_bind(e.conversation_id)
                .push_bind(e.business_unit_id)
                .push_bind(Json(&e.data))
                .push_bind(e.changes.as_ref().map(Json))
                .push_bind(e.at.as_millis());
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(last)
}

#[async_trait]
impl EventStore for SqlStore {
    fn event_wakeups(&self) -> tokio::sync::broadcast::Receiver<OrganizationId> {
        self.wakeups.subscribe()
    }

    async fn latest_event_id(&self, org: OrganizationId) -> Result<i64> {
        run(async {
            let row: Option<(i64,)> =
                sqlx::query_as("SELECT event_seq FROM organizations WHERE id = $1")
                    .bind(org.as_uuid())
                    .fetch_optional(&self.reader)
                    .await?;
            Ok(row.map_or(0, |(n,)| n))
        })
        .await
    }

    async fn list_events(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        run(async {
            if filter.business_unit_ids.as_ref().is_some_and(Vec::is_empty) {
                return Ok(vec![]);
            }
            let mut qb = QueryBuilder::<Db>::new(
                "SELECT id, type, actor_type, actor_id, conversation_id, data, changes, created_at \
                 FROM events WHERE organization_id = ",
            );
            qb.push_bind(filter.organization_id.as_uuid());
            qb.push(" AND id > ").push_bind(filter.after);
            if let Some(id) = filter.conversation_id {
                qb.push(" AND conversation_id = ").push_bind(id.as_uuid());
            }
            if let Some(units) = &filter.business_unit_ids {
                push_in(&mut qb, "business_unit_id", units);
            }
            if let Some(types) = filter.types.as_ref().filter(|t| !t.is_empty()) {
                qb.push(" AND type IN (");
                let mut list = qb.separated(", ");
                for t in types {
                    list.push_bind(t.as_str());
                }
                list.push_unseparated(")");
            }
            qb.push(" ORDER BY id LIMIT ")
                .push_bind(i64::from(filter.limit));
            let rows: Vec<EventRow> = qb.build_query_as().fetch_all(&self.reader).await?;
            rows.into_iter().map(Event::try_from).collect()
        })
        .await
    }
}
