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

/// One change to a counter row: the conversation tally (no user) or a member's tally, which
/// also says whether the member has unread messages in it.
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
    pub(crate) unread: bool,
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
            self.unread,
        ) == (
            other.user,
            other.unit,
            other.channel,
            other.status,
            other.assigned,
            other.top_level,
            other.control,
            other.handoff_pending,
            other.unread,
        )
    }
}

/// How many incoming messages each (conversation, user) has read: what a member's unread
/// state is measured against (absent: none).
pub(crate) type Seen = HashMap<(Uuid, Uuid), i64>;

/// The read horizons of every reader of `conversations`.
pub(crate) async fn seen_in(conn: &mut Conn, conversations: &[Uuid]) -> StoreResult<Seen> {
    if conversations.is_empty() {
        return Ok(Seen::new());
    }
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT conversation_id, user_id, seen_incoming FROM conversation_reads WHERE 1 = 1",
    );
    push_in_ids(&mut qb, "conversation_id", conversations.iter().copied());
    let rows: Vec<(Uuid, Uuid, i64)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|(c, u, n)| ((c, u), n)).collect())
}

/// Whether `user` has unread incoming messages in `c`.
fn member_has_unread(c: &Conversation, user: Uuid, seen: &Seen) -> bool {
    let read = seen.get(&(c.id.as_uuid(), user)).copied().unwrap_or(0);
    has_unread(c.counts.incoming, read)
}

/// The change of one tally row of `c`: the conversation's (`user` none) or a member's.
pub(crate) fn counter_change(
    key: &CountKey,
    user: Option<Uuid>,
    unread: bool,
    delta: i64,
) -> CounterChange {
    CounterChange {
        user,
        unit: key.unit,
        channel: key.channel,
        status: key.status.as_str(),
        assigned: key.assigned,
        top_level: key.top_level,
        control: key.control.as_str(),
        handoff_pending: key.handoff_pending,
        unread: unread && user.is_some(),
        delta,
    }
}

fn counter_changes(c: &Conversation, delta: i64, seen: &Seen, into: &mut Vec<CounterChange>) {
    let key = count_key(c);
    into.push(counter_change(&key, None, false, delta));
    into.extend(c.users.iter().map(|u| {
        let user = u.id.as_uuid();
        counter_change(&key, Some(user), member_has_unread(c, user, seen), delta)
    }));
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
    fn live(c: Option<&Conversation>) -> Option<&Conversation> {
        c.filter(|c| c.deleted_at.is_none())
    }
    let moved: Vec<(Option<&Conversation>, Option<&Conversation>)> = moves
        .iter()
        .map(|&(before, after)| (live(before), live(after)))
        .filter(|(before, after)| match (before, after) {
            (Some(b), Some(a)) => {
                let members = |c: &Conversation| c.users.iter().map(|u| u.id).collect::<Vec<_>>();
                count_key(b) != count_key(a)
                    || members(b) != members(a)
                    || b.counts.incoming != a.counts.incoming
            }
            _ => true,
        })
        .collect();
    // Members' unread states need their horizons, read once for every conversation moved.
    let mut read: Vec<Uuid> = moved
        .iter()
        .flat_map(|(b, a)| [b, a])
        .flatten()
        .filter(|c| !c.users.is_empty() && c.counts.incoming > 0)
        .map(|c| c.id.as_uuid())
        .collect();
    read.sort_unstable();
    read.dedup();
    let seen = seen_in(conn, &read).await?;
    let mut changes = Vec::new();
    for (before, after) in moved {
        if let Some(b) = before {
            counter_changes(b, -1, &seen, &mut changes);
        }
        if let Some(a) = after {
            counter_changes(a, 1, &seen, &mut changes);
        }
    }
    apply_counter_changes(conn, org, changes).await
}

/// Writes counter changes of `org`, each row once, in one global order (see
/// `move_counters_many`).
pub(crate) async fn apply_counter_changes(
    conn: &mut Conn,
    org: Uuid,
    mut changes: Vec<CounterChange>,
) -> StoreResult<()> {
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
                 channel_id, status, top_level, control_type, handoff_pending, n, unread) VALUES \
                 ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (organization_id, \
                 user_id, business_unit_id, channel_id, status, top_level, control_type, \
                 handoff_pending, unread) DO UPDATE SET n = member_counters.n + excluded.n",
            )
            .bind(org)
            .bind(user)
            .bind(change.unit)
            .bind(change.channel)
            .bind(change.status),
        };
        let query = query
            .bind(change.top_level)
            .bind(change.control)
            .bind(change.handoff_pending)
            .bind(change.delta);
        let query = if change.user.is_some() {
            query.bind(change.unread)
        } else {
            query
        };
        query.execute(&mut *conn).await?;
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
