//! Adding a group of messages in one transaction: lock their conversations, insert the
//! messages, apply each one's effect (`convo_core::effects`), write the conversations back,
//! move counters of those reopened, record the events.

use crate::sql::prelude::*;

/// What a message changes in its conversation, read with the row lock: a group reads only
/// this of each conversation (decoding whole rows with their members was a fifth of the
/// writer's time); whole records are read only for the conversations a message reopens.
#[derive(FromRow)]
pub(crate) struct MessageTargetRow {
    pub(crate) organization_id: Uuid,
    pub(crate) id: Uuid,
    pub(crate) business_unit_id: Uuid,
    pub(crate) status: String,
    pub(crate) snoozed_until: Option<i64>,
    pub(crate) last_incoming_at: Option<i64>,
    pub(crate) first_reply_at: Option<i64>,
    pub(crate) last_outgoing_at: Option<i64>,
    pub(crate) waiting_since: Option<i64>,
    pub(crate) message_count: i64,
    pub(crate) incoming_count: i64,
    pub(crate) activity_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) version: i64,
}

/// A locked conversation and what the group's messages did to it (`effects` decides).
pub(crate) struct MessageTarget {
    pub(crate) organization_id: Uuid,
    pub(crate) id: Uuid,
    pub(crate) business_unit_id: Uuid,
    pub(crate) activity: ConversationActivity,
    /// A message of the group went in: the row is written back.
    pub(crate) changed: bool,
}

impl TryFrom<MessageTargetRow> for MessageTarget {
    type Error = StoreError;

    fn try_from(r: MessageTargetRow) -> StoreResult<Self> {
        Ok(MessageTarget {
            organization_id: r.organization_id,
            id: r.id,
            business_unit_id: r.business_unit_id,
            activity: ConversationActivity {
                status: parse_text(&r.status, Status::parse)?,
                snoozed_until: r.snoozed_until.map(Timestamp::from_millis),
                last_incoming_at: r.last_incoming_at.map(Timestamp::from_millis),
                first_reply_at: r.first_reply_at.map(Timestamp::from_millis),
                last_outgoing_at: r.last_outgoing_at.map(Timestamp::from_millis),
                waiting_since: r.waiting_since.map(Timestamp::from_millis),
                message_count: r.message_count,
                incoming_count: r.incoming_count,
                activity_at: Timestamp::from_millis(r.activity_at),
                updated_at: Timestamp::from_millis(r.updated_at),
                // Not read: only written when a message of the group sets it.
                last_message: None,
                version: r.version,
            },
            changed: false,
        })
    }
}

/// The live conversations `ids` (sorted), locked for the transaction in id order so two
/// writers never wait on each other in opposite orders.
pub(crate) async fn lock_message_targets(
    conn: &mut Conn,
    ids: &[Uuid],
) -> StoreResult<HashMap<Uuid, MessageTarget>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT organization_id, id, business_unit_id, status, snoozed_until, last_incoming_at, \
         first_reply_at, last_outgoing_at, waiting_since, message_count, incoming_count, \
         activity_at, updated_at, version FROM conversations WHERE deleted_at IS NULL AND id IN (",
    );
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(") ORDER BY id").push(LOCK_FOR_UPDATE);
    let rows: Vec<MessageTargetRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    rows.into_iter()
        .map(|row| MessageTarget::try_from(row).map(|t| (t.id, t)))
        .collect()
}

/// Whole records (with members) of conversations the transaction has locked already (they
/// may belong to several organizations).
pub(crate) async fn fetch_locked_records(
    conn: &mut Conn,
    ids: &[Uuid],
) -> StoreResult<Vec<ConversationRecord>> {
    fetch_live_records(conn, None, ids).await
}

/// Inserts the messages (with their search text); answers the ids actually inserted (a
/// repeated `external_id` inserts nothing).
pub(crate) async fn insert_message_rows(
    conn: &mut Conn,
    messages: &[(Uuid, &Message, &str)],
) -> StoreResult<std::collections::HashSet<Uuid>> {
    let mut inserted = std::collections::HashSet::with_capacity(messages.len());
    for chunk in messages.chunks(ROWS_PER_INSERT) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO messages (organization_id, id, conversation_id, message_type, \
             sender_type, sender_id, content, content_type, attachments, metadata, external_id, \
             search_text, status, error, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut row, (org, message, words)| {
            row.push_bind(*org)
                .push_bind(message.id.as_uuid())
                .push_bind(message.conversation_id.as_uuid())
                .push_bind(message.message_type.as_str())
                .push_bind(message.sender.sender_type.as_str())
                .push_bind(&message.sender.id)
                .push_bind(&message.content)
                .push_bind(message.content_type.as_str())
                .push_bind(Json(&message.attachments))
                .push_bind(Json(&message.metadata))
                .push_bind(&message.external_id)
                .push_bind(message_search_text(*org, message, words))
                .push_bind(message.status.as_str())
                .push_bind(message.error.as_ref().map(Json))
                .push_bind(message.created_at.as_millis())
                .push_bind(message.updated_at.as_millis());
        });
        qb.push(
            " ON CONFLICT (conversation_id, external_id) WHERE external_id IS NOT NULL DO NOTHING",
        );
        // Only a repeated `external_id` can be left out; without one in the chunk every row
        // goes in, and reading each id back would cost a row hand-off per message.
        if chunk.iter().any(|(_, m, _)| m.external_id.is_some()) {
            qb.push(" RETURNING id");
            let ids: Vec<(Uuid,)> = qb.build_query_as().fetch_all(&mut *conn).await?;
            inserted.extend(ids.into_iter().map(|(id,)| id));
        } else {
            qb.build().execute(&mut *conn).await?;
            inserted.extend(chunk.iter().map(|(_, m, _)| m.id.as_uuid()));
        }
    }
    Ok(inserted)
}

/// The tally moves of the members of `conversations` who have read every incoming message so
/// far (about to gain one), by organization: each leaves the "read" row for the "unread" one.
async fn members_now_unread(
    conn: &mut Conn,
    conversations: &[Uuid],
) -> StoreResult<HashMap<Uuid, Vec<CounterChange>>> {
    let mut moves: HashMap<Uuid, Vec<CounterChange>> = HashMap::new();
    if conversations.is_empty() {
        return Ok(moves);
    }
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT c.organization_id, m.user_id, c.business_unit_id, c.channel_id, c.status, \
         c.member_count, c.parent_id IS NULL, c.control_type, c.handoff IS NOT NULL FROM \
         conversation_members m JOIN conversations c ON c.id = m.conversation_id WHERE \
         c.incoming_count <= ",
    );
    qb.push(SEEN_BY_MEMBER);
    push_in_ids(&mut qb, "m.conversation_id", conversations.iter().copied());
    type Row = (
        Uuid,
        Uuid,
        Uuid,
        Option<Uuid>,
        String,
        i64,
        bool,
        String,
        bool,
    );
    let rows: Vec<Row> = qb.build_query_as().fetch_all(&mut *conn).await?;
    for (org, user, unit, channel, status, members, top_level, control, handoff) in rows {
        let key = CountKey {
            unit,
            channel: channel.unwrap_or(Uuid::nil()),
            status: parse_text(&status, Status::parse)?,
            assigned: members > 0,
            top_level,
            control: parse_text(&control, ControlType::parse)?,
            handoff_pending: handoff,
        };
        let changes = moves.entry(org).or_default();
        changes.push(counter_change(&key, Some(user), false, -1));
        changes.push(counter_change(&key, Some(user), true, 1));
    }
    Ok(moves)
}

/// What the member `m` of conversation `c` has read.
const SEEN_BY_MEMBER: &str = "coalesce((SELECT r.seen_incoming FROM conversation_reads r WHERE \
                              r.conversation_id = m.conversation_id AND r.user_id = m.user_id), 0)";

/// A message to add, the event announcing it, its words for the search index and its
/// stale-reply guard (the newest message its sender has seen).
#[derive(Clone, Copy)]
pub(crate) struct NewMessage<'a> {
    pub(crate) message: &'a Message,
    pub(crate) event: &'a EventMeta,
    pub(crate) words: &'a str,
    pub(crate) after: Option<MessageId>,
}

/// Most messages after a guard's one that are read to find the news among them: past that
/// many the sender has certainly missed something.
const GUARD_SCAN: i64 = 1000;

/// The stale-reply guards of the group, checked under the conversations' locks: a message
/// whose sender missed news (committed, or earlier in this group) is refused with the newer
/// messages' ids, and left out of the group.
async fn refuse_stale(
    conn: &mut Conn,
    items: &[NewMessage<'_>],
    targets: &HashMap<Uuid, MessageTarget>,
) -> StoreResult<HashMap<usize, Error>> {
    let mut refused = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let Some(after) = item.after else { continue };
        let conversation = item.message.conversation_id.as_uuid();
        if !targets.contains_key(&conversation) {
            continue;
        }
        let seen: Option<(Uuid,)> =
            sqlx::query_as("SELECT conversation_id FROM messages WHERE id = $1")
                .bind(after.as_uuid())
                .fetch_optional(&mut *conn)
                .await?;
        if seen.map(|(c,)| c) != Some(conversation) {
            refused.insert(
                i,
                Error::invalid(
                    "after_message_id",
                    format!("no message {after} in this conversation"),
                ),
            );
            continue;
        }
        let later: Vec<(Uuid, String, String, Option<String>)> = sqlx::query_as(
            "SELECT id, message_type, sender_type, sender_id FROM messages WHERE \
             conversation_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(conversation)
        .bind(after.as_uuid())
        .bind(GUARD_SCAN)
        .fetch_all(&mut *conn)
        .await?;
        let sender = &item.message.sender;
        let mut newer: Vec<MessageId> = Vec::new();
        for (id, message_type, sender_type, sender_id) in later {
            let from = Sender {
                sender_type: parse_text(&sender_type, SenderType::parse)?,
                id: sender_id,
            };
            if rules::is_news_to(
                sender,
                parse_text(&message_type, MessageType::parse)?,
                &from,
            ) {
                newer.push(id.into());
            }
        }
        newer.extend(
            items[..i]
                .iter()
                .enumerate()
                .filter(|(j, earlier)| {
                    !refused.contains_key(j)
                        && earlier.message.conversation_id == item.message.conversation_id
                        && rules::is_news_to(
                            sender,
                            earlier.message.message_type,
                            &earlier.message.sender,
                        )
                })
                .map(|(_, earlier)| earlier.message.id),
        );
        if !newer.is_empty() {
            newer.truncate(rules::MAX_NEWER_MESSAGES);
            refused.insert(i, Error::MovedOn { newer });
        }
    }
    Ok(refused)
}

/// Adds each message to its conversation (locked for the transaction): the message, the
/// conversation's timestamp, counts, last message and reopening, their counters and events.
/// Answers one result per message, in order: a message whose conversation is gone is
/// `NotFound`; a repeated `external_id` changes nothing and answers the first message. The
/// work is set-based (one `INSERT` for the messages, one for the events, one `UPDATE` per
/// conversation), so a group costs little more than one message.
pub(crate) async fn add_messages(
    conn: &mut Conn,
    items: &[NewMessage<'_>],
) -> StoreResult<AddedMessages> {
    let mut ids: Vec<Uuid> = items
        .iter()
        .map(|item| item.message.conversation_id.as_uuid())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut targets = lock_message_targets(conn, &ids).await?;
    let mut refused = refuse_stale(conn, items, &targets).await?;
    let accepted: Vec<NewMessage<'_>> = items
        .iter()
        .enumerate()
        .filter(|(i, _)| !refused.contains_key(i))
        .map(|(_, item)| *item)
        .collect();
    // Whole records (with members) of the conversations a message reopens: their status
    // change is an event carrying the conversation, and it moves counters. Only the first
    // message can reopen (the conversation is open after it), so the locked status decides.
    let mut reopening: Vec<Uuid> = Vec::new();
    for NewMessage { message, .. } in &accepted {
        if let Some(target) = targets.get(&message.conversation_id.as_uuid()) {
            if target.activity.reopened_by(message) {
                reopening.push(target.id);
            }
        }
    }
    reopening.sort_unstable();
    reopening.dedup();
    let mut reopened_records: HashMap<Uuid, (Conversation, ConversationRecord)> = HashMap::new();
    if !reopening.is_empty() {
        for record in fetch_locked_records(conn, &reopening).await? {
            reopened_records.insert(
                record.conversation.id.as_uuid(),
                (record.conversation.clone(), record),
            );
        }
    }
    let rows: Vec<(Uuid, &Message, &str)> = accepted
        .iter()
        .filter_map(|item| {
            targets
                .get(&item.message.conversation_id.as_uuid())
                .map(|t| (t.organization_id, item.message, item.words))
        })
        .collect();
    let inserted = insert_message_rows(conn, &rows).await?;
    // Stored attachments of the messages that went in are used from now on.
    let mut with_files: Vec<(Uuid, &Message)> = rows
        .iter()
        .filter(|(_, m, _)| inserted.contains(&m.id.as_uuid()))
        .filter(|(_, m, _)| m.attachments.iter().any(|a| a.id.is_some()))
        .map(|(org, m, _)| (*org, *m))
        .collect();
    with_files.sort_by_key(|(org, _)| *org);
    for group in with_files.chunk_by(|a, b| a.0 == b.0) {
        let messages: Vec<&Message> = group.iter().map(|(_, m)| *m).collect();
        use_attachments(conn, group[0].0, &messages).await?;
    }
    // Sent, a message replaces its sender's draft of its type.
    let sent: Vec<&Message> = rows
        .iter()
        .filter(|(_, m, _)| inserted.contains(&m.id.as_uuid()))
        .map(|(_, m, _)| *m)
        .collect();
    clear_drafts(conn, &sent).await?;
    // Members who had read every incoming message have unread ones now: their tallies move
    // (read before the conversations' counts are written back). Reopened conversations move
    // whole, below.
    let mut wrote_in: Vec<Uuid> = accepted
        .iter()
        .map(|item| item.message)
        .filter(|m| m.message_type == MessageType::Incoming && inserted.contains(&m.id.as_uuid()))
        .map(|m| m.conversation_id.as_uuid())
        .filter(|id| !reopened_records.contains_key(id))
        .collect();
    wrote_in.sort_unstable();
    wrote_in.dedup();
    let now_unread = members_now_unread(conn, &wrote_in).await?;
    let mut events: Vec<(Uuid, NewEvent)> = Vec::new();
    let mut results = Vec::with_capacity(items.len());
    for (i, NewMessage { message, event, .. }) in items.iter().enumerate() {
        if let Some(error) = refused.remove(&i) {
            results.push(Err(error));
            continue;
        }
        let id = message.conversation_id.as_uuid();
        let Some(target) = targets.get_mut(&id) else {
            results.push(Err(Error::NotFound("conversation")));
            continue;
        };
        if !inserted.contains(&message.id.as_uuid()) {
            let row: MessageRow = sqlx::query_as(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 AND \
                 m.external_id = $2"
            ))
            .bind(id)
            .bind(&message.external_id)
            .fetch_one(&mut *conn)
            .await?;
            results.push(Ok(MessageWrite {
                message: row.try_into()?,
                created: false,
            }));
            continue;
        }
        let org = target.organization_id;
        let reopened = target.activity.add_message(message);
        target.changed = true;
        events.push((
            org,
            NewEvent::new(
                event,
                id,
                target.business_unit_id,
                message,
                message.created_at,
            )?,
        ));
        if reopened {
            let (_, record) = reopened_records
                .get_mut(&id)
                .ok_or(Error::NotFound("conversation"))?;
            target.activity.apply_to(record);
            let reopen = EventMeta {
                event_type: EventType::ConversationStatusChanged,
                actor: event.actor.clone(),
            };
            events.push((
                org,
                NewEvent::about(
                    &reopen,
                    &record.conversation,
                    &record.conversation,
                    message.created_at,
                )?,
            ));
        }
        results.push(Ok(MessageWrite {
            message: (*message).clone(),
            created: true,
        }));
    }
    // The conversations that got messages: one `UPDATE` for all.
    let changed: Vec<&MessageTarget> = ids
        .iter()
        .filter_map(|id| targets.get(id))
        .filter(|t| t.changed)
        .collect();
    for chunk in changed.chunks(ROWS_PER_INSERT) {
        let mut qb = QueryBuilder::<Db>::new(
            "UPDATE conversations SET activity_at = v.column2, message_count = v.column3, \
             last_message = v.column4, status = v.column5, snoozed_until = v.column6, updated_at \
             = v.column7, version = v.column8, last_incoming_at = v.column9, first_reply_at = \
             v.column10, last_outgoing_at = v.column11, waiting_since = v.column12, \
             incoming_count = v.column13 FROM (",
        );
        qb.push_values(chunk, |mut row, t| {
            let a = &t.activity;
            row.push_bind(t.id)
                .push_bind(a.activity_at.as_millis())
                .push_bind(a.message_count)
                .push_bind(Json(&a.last_message))
                .push_bind(a.status.as_str())
                .push_bind(a.snoozed_until.map(Timestamp::as_millis))
                .push_bind(a.updated_at.as_millis())
                .push_bind(a.version)
                .push_bind(a.last_incoming_at.map(Timestamp::as_millis))
                .push_bind(a.first_reply_at.map(Timestamp::as_millis))
                .push_bind(a.last_outgoing_at.map(Timestamp::as_millis))
                .push_bind(a.waiting_since.map(Timestamp::as_millis))
                .push_bind(a.incoming_count);
        });
        // The id list too, so the plan starts from the id index: on the join alone SQLite
        // walks every conversation.
        qb.push(") AS v WHERE conversations.id = v.column1 AND conversations.id IN (");
        let mut list = qb.separated(", ");
        for t in chunk {
            list.push_bind(t.id);
        }
        qb.push(")");
        qb.build().execute(&mut *conn).await?;
    }
    for (org, changes) in now_unread {
        apply_counter_changes(conn, org, changes).await?;
    }
    // Counters move only for the conversations that reopened.
    let mut orgs: Vec<Uuid> = reopened_records
        .values()
        .map(|(_, r)| r.conversation.organization_id.as_uuid())
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    for org in orgs {
        let moves: Vec<(Option<&Conversation>, Option<&Conversation>)> = reopened_records
            .values()
            .filter(|(_, after)| after.conversation.organization_id.as_uuid() == org)
            .map(|(before, after)| (Some(before), Some(&after.conversation)))
            .collect();
        move_counters_many(conn, org, &moves).await?;
    }
    let mut organizations: Vec<Uuid> = events.iter().map(|(org, _)| *org).collect();
    organizations.sort_unstable();
    organizations.dedup();
    for &org in &organizations {
        let mine: Vec<&NewEvent> = events
            .iter()
            .filter(|(o, _)| *o == org)
            .map(|(_, e)| e)
            .collect();
        record_events(conn, org, &mine).await?;
    }
    Ok(AddedMessages {
        results,
        organizations,
    })
}

/// What `add_messages` did: one result per message, and the organizations whose followers to
/// wake once it commits.
pub(crate) struct AddedMessages {
    pub(crate) results: Vec<Result<MessageWrite>>,
    pub(crate) organizations: Vec<Uuid>,
}
