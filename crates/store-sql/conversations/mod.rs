//! Conversations: creating, reading, listing, changing and deleting them, their team and
//! their counts.

mod filters;
mod records;
mod rows;

use filters::push_conversation_filters;
pub(crate) use filters::push_inbox_filters;
pub(crate) use records::*;
pub(crate) use rows::*;

use crate::sql::prelude::*;

#[async_trait]
impl ConversationStore for SqlStore {
    async fn create_conversation(
        &self,
        new: &NewConversation,
        event: &EventMeta,
    ) -> Result<ConversationRecord> {
        run(async {
            let mut tx = self.writer.begin().await?;
            let record = insert_conversation(&mut tx, new, event)
                .await?
                .ok_or_else(|| {
                    Error::conflict("a conversation with this reuse key already exists")
                })?;
            self.commit_and_wake(tx, new.conversation.organization_id.as_uuid())
                .await?;
            Ok(record)
        })
        .await
    }

    async fn get_or_create_conversation(
        &self,
        new: &NewConversation,
        event: &EventMeta,
    ) -> Result<(ConversationRecord, bool)> {
        run(async {
            let c = &new.conversation;
            let org = c.organization_id.as_uuid();
            let mut tx = self.writer.begin().await?;
            let existing: Option<(Uuid,)> = match c.contact_id {
                Some(contact) => {
                    let mut qb = QueryBuilder::<Db>::new(
                        "SELECT id FROM conversations WHERE organization_id = ",
                    );
                    qb.push_bind(org)
                        .push(" AND contact_id = ")
                        .push_bind(contact.as_uuid())
                        .push(" AND parent_id IS NULL AND deleted_at IS NULL");
                    if let Some(units) = &new.reuse_units {
                        push_in(&mut qb, "business_unit_id", units);
                    }
                    qb.push(" ORDER BY activity_at DESC, id DESC LIMIT 1");
                    qb.build_query_as().fetch_optional(&mut *tx).await?
                }
                None => None,
            };
            let found = match existing {
                Some((id,)) => Some(id),
                None => match insert_conversation(&mut tx, new, event).await? {
                    Some(record) => {
                        self.commit_and_wake(tx, org).await?;
                        return Ok((record, true));
                    }
                    None => {
                        let (id,): (Uuid,) = sqlx::query_as(
                            "SELECT id FROM conversations WHERE organization_id = $1 AND \
                             reuse_key = $2 AND parent_id IS NULL AND deleted_at IS NULL",
                        )
                        .bind(org)
                        .bind(&new.reuse_key)
                        .fetch_one(&mut *tx)
                        .await?;
                        Some(id)
                    }
                },
            };
            let record = fetch_conversation(
                &mut tx,
                org,
                found.ok_or(Error::NotFound("conversation"))?,
                false,
            )
            .await?;
            tx.commit().await?;
            Ok((record, false))
        })
        .await
    }

    async fn get_conversation(
        &self,
        org: OrganizationId,
        id: ConversationId,
        reader: Option<UserId>,
    ) -> Result<ConversationRecord> {
        run(async {
            let mut conn = self.reader.acquire().await?;
            let reader = reader.map(|user| user.as_uuid());
            fetch_conversation_for(&mut conn, org.as_uuid(), id.as_uuid(), false, reader).await
        })
        .await
    }

    async fn get_conversation_refs(
        &self,
        org: OrganizationId,
        ids: &[ConversationId],
    ) -> Result<Vec<ConversationRef>> {
        run(async {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let mut qb = QueryBuilder::<Db>::new(
                "SELECT id, business_unit_id, contact_id, control_type FROM conversations WHERE \
                 deleted_at IS NULL AND organization_id = ",
            );
            qb.push_bind(org.as_uuid()).push(" AND id IN (");
            let mut list = qb.separated(", ");
            for id in ids {
                list.push_bind(id.as_uuid());
            }
            qb.push(")");
            let rows: Vec<(Uuid, Uuid, Option<Uuid>, String)> =
                qb.build_query_as().fetch_all(&self.reader).await?;
            rows.into_iter()
                .map(|(id, unit, contact, control)| {
                    Ok(ConversationRef {
                        id: id.into(),
                        business_unit_id: unit.into(),
                        contact_id: contact.map(Into::into),
                        control_type: parse_text(&control, ControlType::parse)?,
                    })
                })
                .collect()
        })
        .await
    }

    async fn get_conversation_by_public_id(
        &self,
        org: OrganizationId,
        public_id: &str,
        reader: Option<UserId>,
    ) -> Result<ConversationRecord> {
        run(async {
            let mut conn = self.reader.acquire().await?;
            let row: Option<(Uuid,)> = sqlx::query_as(
                "SELECT id FROM conversations WHERE organization_id = $1 AND public_id = $2 AND \
                 deleted_at IS NULL",
            )
            .bind(org.as_uuid())
            .bind(public_id)
            .fetch_optional(&mut *conn)
            .await?;
            let (id,) = found("conversation")(row)?;
            let reader = reader.map(|user| user.as_uuid());
            fetch_conversation_for(&mut conn, org.as_uuid(), id, false, reader).await
        })
        .await
    }

    async fn list_conversations(
        &self,
        filter: &ConversationFilter,
        page: &PageRequest<TimeKey>,
    ) -> Result<Rows<Conversation>> {
        run(async {
            if filter.business_unit_ids.as_ref().is_some_and(Vec::is_empty) {
                return Ok(Rows {
                    items: vec![],
                    total: page.include_total.then_some(0),
                });
            }
            let (comparison, direction) = match filter.order {
                ConversationOrder::Recent | ConversationOrder::Priority => ("<", "DESC"),
                ConversationOrder::Oldest | ConversationOrder::WaitingSince => (">", "ASC"),
            };
            // `order=priority` leads with the priority rank; the rest of the key is the same.
            let (key_columns, order_by) = match filter.order {
                ConversationOrder::Priority => (
                    "c.priority, c.activity_at, c.id",
                    format!("c.priority {direction}, c.activity_at {direction}, c.id {direction}"),
                ),
                // Only waiting conversations are listed in this order (the filter says so).
                ConversationOrder::WaitingSince => (
                    "c.waiting_since, c.id",
                    format!("c.waiting_since {direction}, c.id {direction}"),
                ),
                _ => (
                    "c.activity_at, c.id",
                    format!("c.activity_at {direction}, c.id {direction}"),
                ),
            };
            // The page is chosen first and its members read after, for its rows only: in the
            // same select, a plan that sorts would read them for every matching conversation.
            let mut qb = QueryBuilder::<Db>::new(format!(
                "SELECT c.*, {CONVERSATION_MEMBERS}, {CONVERSATION_LABELS}, {SEEN_BY}"
            ));
            qb.push_bind(filter.user_id.as_uuid());
            qb.push(format!(
                "), 0) AS seen_incoming FROM (SELECT {CONVERSATION_COLUMNS} FROM conversations c"
            ));
            push_conversation_filters(&mut qb, filter);
            if let PageStart::After(Some(key)) = page.start {
                qb.push(format!(" AND ({key_columns}) {comparison} ("));
                if filter.order == ConversationOrder::Priority {
                    qb.push_bind(key.rank.unwrap_or_default()).push(", ");
                }
                qb.push_bind(key.at.as_millis())
                    .push(", ")
                    .push_bind(key.id)
                    .push(")");
            }
            qb.push(format!(" ORDER BY {order_by} LIMIT "))
                .push_bind(i64::from(page.limit) + 1);
            if let PageStart::Offset(offset) = page.start {
                qb.push(" OFFSET ").push_bind(offset as i64);
            }
            qb.push(format!(") c ORDER BY {order_by}"));
            let rows: Vec<ConversationRow> =
                qb.build_query_as().fetch_all(self.pool_for(filter)).await?;
            let records = rows
                .into_iter()
                .map(ConversationRow::into_record)
                .collect::<StoreResult<Vec<_>>>()?;
            let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM conversations c");
            push_conversation_filters(&mut count, filter);
            Ok(Rows {
                items: records.into_iter().map(|r| r.conversation).collect(),
                total: self
                    .total_on(self.pool_for(filter), count, page.include_total)
                    .await?,
            })
        })
        .await
    }

    async fn update_conversation(
        &self,
        org: OrganizationId,
        id: ConversationId,
        expected_version: Option<i64>,
        change: ConversationChange<'_>,
        event: &EventMeta,
    ) -> Result<ConversationRecord> {
        run(async {
            let org = org.as_uuid();
            let mut tx = self.writer.begin().await?;
            let record = fetch_conversation(&mut tx, org, id.as_uuid(), true).await?;
            if expected_version.is_some_and(|v| v != record.version) {
                return Err(Error::PreconditionFailed.into());
            }
            let mut c = record.conversation.clone();
            if change(&mut c)? == Change::Unchanged {
                return Ok(record);
            }
            let now = Timestamp::now();
            sqlx::query(
                "UPDATE conversations SET status = $1, name = $2, detail = $3, metadata = $4, \
                 inputs = $5, agent_id = $6, assignment_id = $7, owner_type = $8, owner_id = $9, \
                 dialog_id = $10, self_address = $11, peer = $12, parent_id = $13, snoozed_until \
                 = $14, updated_at = $15, priority = $16, control_type = $17, control = $18, \
                 handoff = $19, business_unit_id = $22, version = version + 1 WHERE \
                 organization_id = $20 AND id = $21",
            )
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
            .bind(c.parent_id.map(|p| p.as_uuid()))
            .bind(c.snoozed_until.map(Timestamp::as_millis))
            .bind(now.as_millis())
            .bind(c.priority.rank())
            .bind(c.control.control_type.as_str())
            .bind(Json(&c.control))
            .bind(c.handoff.as_ref().map(Json))
            .bind(org)
            .bind(id.as_uuid())
            .bind(c.business_unit_id.as_uuid())
            .execute(&mut *tx)
            .await?;
            // Team members the change added (a human accepting a handoff joins the team).
            for user in &c.users {
                if !record.conversation.users.iter().any(|u| u.id == user.id)
                    && insert_member(&mut tx, org, id.as_uuid(), user.id.as_uuid(), now).await?
                {
                    count_members(&mut tx, org, id.as_uuid(), 1, now).await?;
                }
            }
            if c.parent_id != record.conversation.parent_id {
                // Parents are locked in id order, so two moves never wait on each other.
                let mut moves = [(record.conversation.parent_id, -1), (c.parent_id, 1)];
                moves.sort();
                for (parent, delta) in moves {
                    adjust_children(&mut tx, org, parent, delta).await?;
                }
            }
            let updated = finish_change(&mut tx, org, &record.conversation, event, now).await?;
            reindex_conversation(&mut tx, org, &updated.conversation).await?;
            self.commit_and_wake(tx, org).await?;
            Ok(updated)
        })
        .await
    }

    async fn set_membership(
        &self,
        org: OrganizationId,
        id: ConversationId,
        user: UserId,
        present: bool,
        event: &EventMeta,
    ) -> Result<ConversationRecord> {
        run(async {
            let org = org.as_uuid();
            let mut tx = self.writer.begin().await?;
            let record = fetch_conversation(&mut tx, org, id.as_uuid(), true).await?;
            let now = Timestamp::now();
            let (conversation, user) = (id.as_uuid(), user.as_uuid());
            let changed = if present {
                insert_member(&mut tx, org, conversation, user, now).await?
            } else {
                delete_member(&mut tx, org, conversation, user).await?
            };
            if !changed {
                return Ok(record);
            }
            count_members(
                &mut tx,
                org,
                conversation,
                if present { 1 } else { -1 },
                now,
            )
            .await?;
            let updated = finish_change(&mut tx, org, &record.conversation, event, now).await?;
            self.commit_and_wake(tx, org).await?;
            Ok(updated)
        })
        .await
    }

    async fn list_invitable_users(
        &self,
        org: OrganizationId,
        id: ConversationId,
        unit: BusinessUnitId,
        text: Option<&str>,
        page: &DirectoryPage,
    ) -> Result<Rows<User>> {
        run(async {
            let filters = |qb: &mut QueryBuilder<'_, Db>| {
                qb.push(" AND active = ").push_bind(true);
                qb.push(
                " AND id NOT IN (SELECT user_id FROM conversation_members WHERE conversation_id = ",
            )
            .push_bind(id.as_uuid())
            .push(")");
                push_unit_access(qb, unit.as_uuid());
                if let Some(text) = text {
                    qb.push(" AND search_text LIKE ")
                        .push_bind(like_pattern(text))
                        .push(" ESCAPE '\\'");
                }
            };
            self.list_directory("users", USER_COLUMNS, org, filters, page, |r: UserRow| {
                User::try_from(r)
            })
            .await
        })
        .await
    }

    async fn count_views(&self, filter: &ConversationFilter) -> Result<ViewTallies> {
        /// Counts the conversations the user whose id follows is in (then `) THEN 1 ...`).
        const MINE: &str = "CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM conversation_members m \
                            WHERE m.conversation_id = c.id AND m.user_id = ";
        run(async {
            if filter.business_unit_ids.as_ref().is_some_and(Vec::is_empty) {
                return Ok(ViewTallies::default());
            }
            let org = filter.organization_id.as_uuid();
            let (rows, mine, unread): (Vec<(String, bool, i64)>, i64, i64) =
                if counters_cover(filter) {
                    // The organization's tallies by status and assignment, then the user's own
                    // (status `NULL`) by unread: one round trip.
                    let mut qb = QueryBuilder::<Db>::new(
                        "SELECT status, assigned, CAST(SUM(n) AS BIGINT) FROM \
                         conversation_counters WHERE organization_id = ",
                    );
                    qb.push_bind(org);
                    push_counter_filters(&mut qb, filter);
                    qb.push(
                        " GROUP BY status, assigned UNION ALL SELECT NULL, unread, \
                         CAST(SUM(n) AS BIGINT) FROM member_counters WHERE organization_id = ",
                    );
                    qb.push_bind(org);
                    qb.push(" AND user_id = ")
                        .push_bind(filter.user_id.as_uuid());
                    push_counter_filters(&mut qb, filter);
                    qb.push(" GROUP BY unread");
                    let tallies: Vec<(Option<String>, bool, i64)> =
                        qb.build_query_as().fetch_all(&self.reader).await?;
                    let (mut rows, mut mine, mut unread) = (Vec::new(), 0, 0);
                    for (status, flag, n) in tallies {
                        match status {
                            Some(status) => rows.push((status, flag, n)),
                            None => {
                                mine += n;
                                unread += if flag { n } else { 0 };
                            }
                        }
                    }
                    (rows, mine, unread)
                } else {
                    // Filters the counters do not cover are selective and indexed: one grouped pass
                    // over the matching conversations.
                    let all = ConversationFilter {
                        view: View::All,
                        ..filter.clone()
                    };
                    let me = filter.user_id.as_uuid();
                    let mut qb = QueryBuilder::<Db>::new(format!(
                        "SELECT c.status, c.member_count > 0, COUNT(*), {MINE}"
                    ));
                    qb.push_bind(me);
                    qb.push(format!(") THEN 1 ELSE 0 END) AS BIGINT), {MINE}"));
                    qb.push_bind(me);
                    qb.push(") AND c.incoming_count > ");
                    qb.push(SEEN_BY).push_bind(me);
                    qb.push("), 0) THEN 1 ELSE 0 END) AS BIGINT) FROM conversations c");
                    push_conversation_filters(&mut qb, &all);
                    qb.push(" GROUP BY c.status, c.member_count > 0");
                    let grouped: Vec<(String, bool, i64, i64, i64)> =
                        qb.build_query_as().fetch_all(self.pool_for(&all)).await?;
                    let mine = grouped.iter().map(|g| g.3).sum();
                    let unread = grouped.iter().map(|g| g.4).sum();
                    (
                        grouped
                            .into_iter()
                            .map(|(s, a, n, _, _)| (s, a, n))
                            .collect(),
                        mine,
                        unread,
                    )
                };
            let by_status = rows
                .into_iter()
                .map(|(status, assigned, n)| Ok((parse_text(&status, Status::parse)?, assigned, n)))
                .collect::<StoreResult<_>>()?;
            Ok(ViewTallies {
                by_status,
                mine,
                unread,
            })
        })
        .await
    }

    async fn conversation_ancestors(
        &self,
        org: OrganizationId,
        id: ConversationId,
    ) -> Result<Vec<ConversationId>> {
        run(async {
            // Bounded by depth so corrupt data could never loop forever.
            let rows: Vec<(Uuid, i64)> = sqlx::query_as(
                "WITH RECURSIVE up(id, parent_id, depth) AS (
                 SELECT id, parent_id, CAST(0 AS BIGINT) FROM conversations
                 WHERE organization_id = $1 AND id = $2
                 UNION ALL
                 SELECT c.id, c.parent_id, up.depth + 1 FROM conversations c
                 JOIN up ON c.id = up.parent_id
                 WHERE c.organization_id = $1 AND up.depth < 64
             )
             SELECT id, depth FROM up WHERE depth > 0 ORDER BY depth",
            )
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_all(&self.reader)
            .await?;
            Ok(rows.into_iter().map(|(id, _)| id.into()).collect())
        })
        .await
    }

    /// Deletes the conversation and every sub-conversation below it: soft sets `deleted_at`
    /// on each live one, hard removes them all with their messages. Each live one gets its
    /// `conversation.deleted` event and leaves the counters.
    async fn delete_conversation(
        &self,
        org: OrganizationId,
        id: ConversationId,
        expected_version: Option<i64>,
        hard: bool,
        event: &EventMeta,
    ) -> Result<Conversation> {
        run(async {
            let org = org.as_uuid();
            let mut tx = self.writer.begin().await?;
            let record = fetch_conversation(&mut tx, org, id.as_uuid(), true).await?;
            if expected_version.is_some_and(|v| v != record.version) {
                return Err(Error::PreconditionFailed.into());
            }
            let below: Vec<(Uuid,)> = sqlx::query_as(
                "WITH RECURSIVE down(id, depth) AS (
                 SELECT id, CAST(1 AS BIGINT) FROM conversations
                 WHERE organization_id = $1 AND parent_id = $2
                 UNION ALL
                 SELECT c.id, down.depth + 1 FROM conversations c JOIN down ON c.parent_id = down.id
                 WHERE c.organization_id = $1 AND down.depth < 64
             )
             SELECT id FROM down ORDER BY id",
            )
            .bind(org)
            .bind(id.as_uuid())
            .fetch_all(&mut *tx)
            .await?;
            let now = Timestamp::now();
            let as_deleted = |live: &ConversationRecord| Conversation {
                deleted_at: Some(now),
                updated_at: now,
                ..live.conversation.clone()
            };
            let deleted = as_deleted(&record);
            let mut subtree = vec![record.clone()];
            for (child,) in &below {
                // Children deleted before are already out of counts and events.
                if let Ok(live) = fetch_conversation(&mut tx, org, *child, true).await {
                    subtree.push(live);
                }
            }
            for live in &subtree {
                let gone = as_deleted(live);
                if !hard {
                    sqlx::query(
                        "UPDATE conversations SET deleted_at = $1, updated_at = $1, version = \
                         version + 1 WHERE organization_id = $2 AND id = $3",
                    )
                    .bind(now.as_millis())
                    .bind(org)
                    .bind(live.conversation.id.as_uuid())
                    .execute(&mut *tx)
                    .await?;
                }
                record_event(&mut tx, org, event, &gone, now).await?;
            }
            // The counters in one sorted pass, like a message group's.
            let moves: Vec<_> = subtree
                .iter()
                .map(|live| (Some(&live.conversation), None))
                .collect();
            move_counters_many(&mut tx, org, &moves).await?;
            // Their messages' files are no longer used (removed unless another message
            // uses them).
            let gone: Vec<Uuid> = subtree
                .iter()
                .map(|live| live.conversation.id.as_uuid())
                .collect();
            release_attachments(&mut tx, org, Released::Conversations(&gone), now).await?;
            if hard {
                let mut ids: Vec<Uuid> = below.into_iter().map(|(child,)| child).collect();
                ids.push(id.as_uuid());
                let mut qb =
                    QueryBuilder::<Db>::new("DELETE FROM conversations WHERE organization_id = ");
                qb.push_bind(org).push(" AND id IN (");
                let mut list = qb.separated(", ");
                for id in ids {
                    list.push_bind(id);
                }
                list.push_unseparated(")");
                qb.build().execute(&mut *tx).await?;
            }
            adjust_children(&mut tx, org, record.conversation.parent_id, -1).await?;
            self.commit_and_wake(tx, org).await?;
            Ok(deleted)
        })
        .await
    }
}
