//! The views-count tallies: moved in the same transaction as every change that alters
//! what a conversation is counted under, read instead of counting rows.

use crate::sql::prelude::*;

/// The counter row a live conversation is tallied under.
#[derive(PartialEq)]
pub(crate) struct CountKey {
    pub(crate) unit: Uuid,
    pub(crate) channel: Uuid,
    pub(crate) status: Status,
    pub(crate) assigned: bool,
    pub(crate) top_level: bool,
    pub(crate) control: ControlType,
    pub(crate) handoff_pending: bool,
}

pub(crate) fn count_key(c: &Conversation) -> CountKey {
    CountKey {
        unit: c.business_unit_id.as_uuid(),
        channel: c.channel_id.map_or(Uuid::nil(), |id| id.as_uuid()),
        status: c.status,
        assigned: !c.users.is_empty(),
        top_level: c.parent_id.is_none(),
        control: c.control.control_type,
        handoff_pending: c.handoff.is_some(),
    }
}

/// One change to a counter row: the conversation tally (no user) or a member's tally.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct CounterChange {
    pub(crate) user: Option<Uuid>,
    pub(crate) unit: Uuid,
    pub(crate) channel: Uuid,
    pub(crate) status: &'static str,
    pub(crate) assigned: bool,
    pub(crate) top_level: bool,
    pub(crate) control: &'static str,
    pub(crate) handoff_pending: bool,
    pub(crate) delta: i64,
}

impl CounterChange {
    pub(crate) fn same_row(&self, other: &CounterChange) -> bool {
        (
            self.user,
            self.unit,
            self.channel,
            self.status,
            self.assigned,
            self.top_level,
            self.control,
            self.handoff_pending,
        ) == (
            other.user,
            other.unit,
            other.channel,
            other.status,
            other.assigned,
            other.top_level,
            other.control,
            other.handoff_pending,
        )
    }
}

pub(crate) fn counter_changes(c: &Conversation, delta: i64, into: &mut Vec<CounterChange>) {
    let key = count_key(c);
    let change = |user| CounterChange {
        user,
        unit: key.unit,
        channel: key.channel,
        status: key.status.as_str(),
        assigned: key.assigned,
        top_level: key.top_level,
        control: key.control.as_str(),
        handoff_pending: key.handoff_pending,
        delta,
    };
    into.push(change(None));
    into.extend(c.users.iter().map(|u| change(Some(u.id.as_uuid()))));
}

/// Moves a conversation's tallies from how it was to how it is, in the change's transaction.
/// Deleted conversations are not tallied.
pub(crate) async fn move_counters(
    conn: &mut Conn,
    org: Uuid,
    before: Option<&Conversation>,
    after: Option<&Conversation>,
) -> StoreResult<()> {
    move_counters_many(conn, org, &[(before, after)]).await
}

/// Moves the tallies of several conversations of `org` at once. Rows are touched in one global
/// order, whatever the conversations, so two concurrent changes never wait on each other's
/// counter rows in opposite orders (on PostgreSQL that would be a deadlock).
pub(crate) async fn move_counters_many(
    conn: &mut Conn,
    org: Uuid,
    moves: &[(Option<&Conversation>, Option<&Conversation>)],
) -> StoreResult<()> {
    let mut changes = Vec::new();
    for &(before, after) in moves {
        let before = before.filter(|c| c.deleted_at.is_none());
        let after = after.filter(|c| c.deleted_at.is_none());
        if let (Some(b), Some(a)) = (before, after) {
            let members = |c: &Conversation| c.users.iter().map(|u| u.id).collect::<Vec<_>>();
            if count_key(b) == count_key(a) && members(b) == members(a) {
                continue;
            }
        }
        if let Some(b) = before {
            counter_changes(b, -1, &mut changes);
        }
        if let Some(a) = after {
            counter_changes(a, 1, &mut changes);
        }
    }
    changes.sort();
    // One statement per row: deltas to the same row add up (and a net zero is skipped).
    let mut merged: Vec<CounterChange> = Vec::with_capacity(changes.len());
    for change in changes {
        match merged.last_mut() {
            Some(last) if last.same_row(&change) => last.delta += change.delta,
            _ => merged.push(change),
        }
    }
    for change in merged.into_iter().filter(|c| c.delta != 0) {
        let query = match change.user {
            None => sqlx::query(
                "INSERT INTO conversation_counters (organization_id, business_unit_id, \
                 channel_id, status, assigned, top_level, control_type, handoff_pending, n) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (organization_id, \
                 business_unit_id, channel_id, status, assigned, top_level, control_type, \
                 handoff_pending) DO UPDATE SET n = conversation_counters.n + excluded.n",
            )
            .bind(org)
            .bind(change.unit)
            .bind(change.channel)
            .bind(change.status)
            .bind(change.assigned),
            Some(user) => sqlx::query(
                "INSERT INTO member_counters (organization_id, user_id, business_unit_id, \
                 channel_id, status, top_level, control_type, handoff_pending, n) VALUES ($1, \
                 $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (organization_id, user_id, \
                 business_unit_id, channel_id, status, top_level, control_type, handoff_pending) \
                 DO UPDATE SET n = member_counters.n + excluded.n",
            )
            .bind(org)
            .bind(user)
            .bind(change.unit)
            .bind(change.channel)
            .bind(change.status),
        };
        query
            .bind(change.top_level)
            .bind(change.control)
            .bind(change.handoff_pending)
            .bind(change.delta)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The view filter does not apply to counts; whether the counters can answer does.
pub(crate) fn counters_cover(f: &ConversationFilter) -> bool {
    f.contact_id.is_none()
        && f.agent_id.is_none()
        && f.assignment_id.is_none()
        && f.owner_id.is_none()
        && f.text.is_none()
        && f.inbox.priorities.is_empty()
        && f.inbox.labels_all.is_empty()
        && f.inbox.labels_any.is_none()
        && f.inbox.waiting.is_none()
        && f.inbox.unread.is_none()
        && matches!(f.parent, ParentFilter::Any | ParentFilter::TopLevel)
}

/// Filters of the counter tables, matching `push_conversation_filters` for what they cover.
pub(crate) fn push_counter_filters(qb: &mut QueryBuilder<'_, Db>, f: &ConversationFilter) {
    if let Some(units) = &f.business_unit_ids {
        push_in(qb, "business_unit_id", units);
    }
    if !f.statuses.is_empty() {
        qb.push(" AND status IN (");
        let mut list = qb.separated(", ");
        for status in &f.statuses {
            list.push_bind(status.as_str());
        }
        list.push_unseparated(")");
    }
    if let Some(id) = f.channel_id {
        qb.push(" AND channel_id = ").push_bind(id.as_uuid());
    }
    if let Some(t) = f.channel_type {
        qb.push(" AND channel_id IN (SELECT id FROM channels WHERE organization_id = ")
            .push_bind(f.organization_id.as_uuid())
            .push(" AND type = ")
            .push_bind(t.as_str())
            .push(")");
    }
    if f.parent == ParentFilter::TopLevel {
        qb.push(" AND top_level = ").push_bind(true);
    }
    if let Some(control) = f.inbox.control_type {
        qb.push(" AND control_type = ").push_bind(control.as_str());
    }
    if let Some(pending) = f.inbox.handoff_pending {
        qb.push(" AND handoff_pending = ").push_bind(pending);
    }
}
