//! Reading live conversation records, inserting a new one with its members, counters,
//! search text and event, and moving a parent's child count.

use crate::sql::prelude::*;

/// Inserts a new conversation with its members, counters, search text and event; `None` when
/// its reuse key is taken (get-or-create lost a race and should read the winner).
pub(crate) async fn insert_conversation(
    tx: &mut Conn,
    new: &NewConversation,
    event: &EventMeta,
) -> StoreResult<Option<ConversationRecord>> {
    let c = &new.conversation;
    let org = c.organization_id.as_uuid();
    // The search text goes in with the row: a second write right after would be one more
    // update through every index.
    let contact = fetch_contact(tx, org, c.contact_id).await?;
    let inserted = sqlx::query(
        "INSERT INTO conversations (organization_id, id, public_id, business_unit_id, channel_id, \
         channel_type, channel_ids, contact_id, type, status, name, detail, metadata, inputs, \
         agent_id, assignment_id, owner_type, owner_id, dialog_id, self_address, peer, parent_id, \
         snoozed_until, member_count, activity_at, created_at, updated_at, created_by_key_id, \
         reuse_key, search_text, priority, control_type, control, handoff) VALUES ($1, $2, $3, $4, \
         $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, \
         $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34) ON \
         CONFLICT (organization_id, reuse_key) WHERE reuse_key IS NOT NULL AND parent_id IS NULL \
         AND deleted_at IS NULL DO NOTHING",
    )
    .bind(org)
    .bind(c.id.as_uuid())
    .bind(&c.public_id)
    .bind(c.business_unit_id.as_uuid())
    .bind(c.channel_id.map(|id| id.as_uuid()))
    .bind(c.channel_type.map(ChannelType::as_str))
    .bind(Json(&c.channel_ids))
    .bind(c.contact_id.map(|id| id.as_uuid()))
    .bind(c.conversation_type.as_str())
    .bind(c.status.as_str())
    .bind(&c.name)
    .bind(&c.detail)
    .bind(Json(&c.metadata))
    .bind(Json(&c.inputs))
    .bind(&c.agent_id)
    .bind(&c.assignment_id)
    .bind(&c.owner_type)
    .bind(&c.owner_id)
    .bind(&c.dialog_id)
    .bind(c.self_address.as_ref().map(Json))
    .bind(c.peer.as_ref().map(Json))
    .bind(c.parent_id.map(|id| id.as_uuid()))
    .bind(c.snoozed_until.map(Timestamp::as_millis))
    .bind(new.member_ids.len() as i64)
    .bind(c.timestamp.as_millis())
    .bind(c.created_at.as_millis())
    .bind(c.updated_at.as_millis())
    .bind(new.created_by_key_id.map(|id| id.as_uuid()))
    .bind(&new.reuse_key)
    .bind(conversation_search_text(c, contact.as_ref()))
    .bind(c.priority.rank())
    .bind(c.control.control_type.as_str())
    .bind(Json(&c.control))
    .bind(c.handoff.as_ref().map(Json))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(None);
    }
    for user_id in &new.member_ids {
        insert_member(tx, org, c.id.as_uuid(), user_id.as_uuid(), c.created_at).await?;
    }
    adjust_children(tx, org, c.parent_id, 1).await?;
    let record = fetch_conversation(tx, org, c.id.as_uuid(), false).await?;
    move_counters(tx, org, None, Some(&record.conversation)).await?;
    record_event(tx, org, event, &record.conversation, c.created_at).await?;
    Ok(Some(record))
}

/// One live conversation, read on `conn` (the writer's transaction when `lock` is set).
pub(crate) async fn fetch_conversation(
    conn: &mut Conn,
    org: Uuid,
    id: Uuid,
    lock: bool,
) -> StoreResult<ConversationRecord> {
    fetch_conversation_for(conn, org, id, lock, None).await
}

/// [`fetch_conversation`], with `reader`'s unread count when given.
pub(crate) async fn fetch_conversation_for(
    conn: &mut Conn,
    org: Uuid,
    id: Uuid,
    lock: bool,
    reader: Option<Uuid>,
) -> StoreResult<ConversationRecord> {
    // The row is locked by a statement of its own: a statement that waited for the lock
    // still reads other tables (the members) as they were when it started, on PostgreSQL.
    if lock && !LOCK_FOR_UPDATE.is_empty() {
        sqlx::query(&format!(
            "SELECT 1 FROM conversations c WHERE c.organization_id = $1 AND c.id = $2 AND \
             c.deleted_at IS NULL{LOCK_FOR_UPDATE}"
        ))
        .bind(org)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    }
    let rows: Vec<ConversationRow> =
        fetch_live_rows(conn, Some(org), &[id], reader, |_| {}).await?;
    let row = rows.into_iter().next();
    found("conversation")(row)?.into_record()
}

/// Live conversations among `ids`, in `org` when given (missing ones are left out).
pub(crate) async fn fetch_live_records(
    conn: &mut Conn,
    org: Option<Uuid>,
    ids: &[Uuid],
) -> StoreResult<Vec<ConversationRecord>> {
    let rows: Vec<ConversationRow> = fetch_live_rows(conn, org, ids, None, |_| {}).await?;
    rows.into_iter().map(ConversationRow::into_record).collect()
}

/// The rows of the live conversations among `ids` (in `org` when given), with `reader`'s
/// unread counts when given and the columns `more` adds (a select from `conversations c`): one
/// statement whatever a caller reads with them.
pub(crate) async fn fetch_live_rows<R>(
    conn: &mut Conn,
    org: Option<Uuid>,
    ids: &[Uuid],
    reader: Option<Uuid>,
    more: impl FnOnce(&mut QueryBuilder<'_, Db>),
) -> StoreResult<Vec<R>>
where
    R: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Db>::new(format!(
        "SELECT {CONVERSATION_COLUMNS}, {CONVERSATION_MEMBERS}, {CONVERSATION_LABELS}"
    ));
    if let Some(reader) = reader {
        qb.push(format!(", {SEEN_BY}"))
            .push_bind(reader)
            .push("), 0) AS seen_incoming");
    }
    more(&mut qb);
    qb.push(" FROM conversations c WHERE c.deleted_at IS NULL");
    if let Some(org) = org {
        qb.push(" AND c.organization_id = ").push_bind(org);
    }
    push_in_ids(&mut qb, "c.id", ids.iter().copied());
    Ok(qb.build_query_as().fetch_all(&mut *conn).await?)
}

pub(crate) async fn adjust_children(
    conn: &mut Conn,
    org: Uuid,
    parent: Option<ConversationId>,
    delta: i64,
) -> StoreResult<()> {
    if let Some(parent) = parent {
        sqlx::query(
            "UPDATE conversations SET children_count = children_count + $1 WHERE organization_id \
             = $2 AND id = $3",
        )
        .bind(delta)
        .bind(org)
        .bind(parent.as_uuid())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Adds `user` to the conversation's team; answers whether they were not in it already.
pub(crate) async fn insert_member(
    conn: &mut Conn,
    org: Uuid,
    conversation: Uuid,
    user: Uuid,
    at: Timestamp,
) -> StoreResult<bool> {
    let inserted = sqlx::query(
        "INSERT INTO conversation_members (organization_id, conversation_id, user_id, added_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (conversation_id, user_id) DO NOTHING",
    )
    .bind(org)
    .bind(conversation)
    .bind(user)
    .bind(at.as_millis())
    .execute(&mut *conn)
    .await?;
    Ok(inserted.rows_affected() > 0)
}

/// Takes `user` out of the conversation's team; answers whether they were in it.
pub(crate) async fn delete_member(
    conn: &mut Conn,
    org: Uuid,
    conversation: Uuid,
    user: Uuid,
) -> StoreResult<bool> {
    let deleted = sqlx::query(
        "DELETE FROM conversation_members WHERE organization_id = $1 AND conversation_id = $2 \
         AND user_id = $3",
    )
    .bind(org)
    .bind(conversation)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    Ok(deleted.rows_affected() > 0)
}

/// Moves the conversation's member count by `delta`, as a change made at `at`.
pub(crate) async fn count_members(
    conn: &mut Conn,
    org: Uuid,
    conversation: Uuid,
    delta: i64,
    at: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE conversations SET member_count = member_count + $1, updated_at = $2, \
         version = version + 1 WHERE organization_id = $3 AND id = $4",
    )
    .bind(delta)
    .bind(at.as_millis())
    .bind(org)
    .bind(conversation)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The conversation as a change left it: read again, its counters moved from `before`, and
/// `event` recorded, in the change's transaction.
pub(crate) async fn finish_change(
    conn: &mut Conn,
    org: Uuid,
    before: &Conversation,
    event: &EventMeta,
    at: Timestamp,
) -> StoreResult<ConversationRecord> {
    let after = fetch_conversation(conn, org, before.id.as_uuid(), false).await?;
    move_counters(conn, org, Some(before), Some(&after.conversation)).await?;
    let (from, to) = (before.business_unit_id, after.conversation.business_unit_id);
    let mut recorded = NewEvent::about(event, &after.conversation, &after.conversation, at)?;
    if from != to {
        recorded = recorded.moved("business_unit_id", from.as_uuid(), to.as_uuid());
    }
    record_events(conn, org, &[&recorded]).await?;
    Ok(after)
}
