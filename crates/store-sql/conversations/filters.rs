//! The `WHERE` clause of conversation lists: every filter of `GET /v1/conversations`.

use crate::sql::prelude::*;

impl SqlStore {
    /// Where a filtered statement runs: filtered by words, on the connections that plan it for
    /// them (`SqlStore::search`); a cached generic plan guesses every word common, and walks
    /// the organization's every conversation to find what a word in no message would find
    /// through the index at once.
    pub(crate) fn pool_for(&self, f: &ConversationFilter) -> &sqlx::Pool<Db> {
        if f.text.is_some() {
            &self.search
        } else {
            &self.reader
        }
    }
}

pub(crate) fn push_conversation_filters(qb: &mut QueryBuilder<'_, Db>, f: &ConversationFilter) {
    qb.push(" WHERE c.organization_id = ")
        .push_bind(f.organization_id.as_uuid());
    qb.push(" AND c.deleted_at IS NULL");
    if let Some(units) = &f.business_unit_ids {
        push_in(qb, "c.business_unit_id", units);
    }
    if !f.statuses.is_empty() {
        qb.push(" AND c.status IN (");
        let mut list = qb.separated(", ");
        for status in &f.statuses {
            list.push_bind(status.as_str());
        }
        list.push_unseparated(")");
    }
    match f.view {
        View::All => {}
        View::Unassigned => {
            qb.push(" AND c.member_count = 0");
        }
        View::Assigned => {
            qb.push(" AND c.member_count > 0");
        }
        View::Mine => {
            qb.push(
                " AND EXISTS (SELECT 1 FROM conversation_members m WHERE m.conversation_id = c.id \
                 AND m.user_id = ",
            )
            .push_bind(f.user_id.as_uuid())
            .push(")");
        }
    }
    if let Some(id) = f.channel_id {
        qb.push(" AND c.channel_id = ").push_bind(id.as_uuid());
    }
    if let Some(t) = f.channel_type {
        qb.push(" AND c.channel_type = ").push_bind(t.as_str());
    }
    if let Some(id) = f.contact_id {
        qb.push(" AND c.contact_id = ").push_bind(id.as_uuid());
    }
    for (column, value) in [
        ("c.agent_id", &f.agent_id),
        ("c.assignment_id", &f.assignment_id),
        ("c.owner_id", &f.owner_id),
    ] {
        if let Some(value) = value {
            qb.push(format!(" AND {column} = "))
                .push_bind(value.clone());
        }
    }
    match f.parent {
        ParentFilter::Any => {}
        ParentFilter::TopLevel => {
            qb.push(" AND c.parent_id IS NULL");
        }
        ParentFilter::Of(id) => {
            qb.push(" AND c.parent_id = ").push_bind(id.as_uuid());
        }
    }
    push_inbox_filters(qb, &f.inbox);
    if let Some(terms) = &f.text {
        if terms.is_empty() {
            qb.push(" AND 1 = 0");
        } else {
            push_text_match(qb, tenant_query(f.organization_id.as_uuid(), terms));
        }
    }
}

/// The inbox filters, on conversations aliased `c`: lists, counts and search share them.
pub(crate) fn push_inbox_filters(qb: &mut QueryBuilder<'_, Db>, f: &InboxFilter) {
    if !f.priorities.is_empty() {
        qb.push(" AND c.priority IN (");
        let mut list = qb.separated(", ");
        for priority in &f.priorities {
            list.push_bind(priority.rank());
        }
        list.push_unseparated(")");
    }
    if let Some(control) = f.control_type {
        qb.push(" AND c.control_type = ")
            .push_bind(control.as_str());
    }
    match f.handoff_pending {
        Some(true) => qb.push(" AND c.handoff IS NOT NULL"),
        Some(false) => qb.push(" AND c.handoff IS NULL"),
        None => qb,
    };
    match f.waiting {
        Some(true) => qb.push(" AND c.waiting_since IS NOT NULL"),
        Some(false) => qb.push(" AND c.waiting_since IS NULL"),
        None => qb,
    };
    if let Some((user, unread)) = f.unread {
        // The reader's horizon counts the incoming messages it covers (none without one).
        qb.push(if unread {
            " AND c.incoming_count > "
        } else {
            " AND c.incoming_count <= "
        });
        qb.push(SEEN_BY).push_bind(user.as_uuid()).push("), 0)");
    }
    for key in &f.labels_all {
        qb.push(LABELED).push_bind(key.clone()).push(")");
    }
    match f.labels_any.as_deref() {
        None => {}
        Some([]) => {
            qb.push(" AND 1 = 0");
        }
        Some(keys) => {
            qb.push(LABELED_ANY);
            let mut list = qb.separated(", ");
            for key in keys {
                list.push_bind(key.clone());
            }
            list.push_unseparated("))");
        }
    }
}

/// Carries the label whose name key follows (then `)`).
const LABELED: &str = " AND EXISTS (SELECT 1 FROM conversation_labels cl JOIN labels l ON l.id = \
                       cl.label_id WHERE cl.conversation_id = c.id AND l.name_key = ";
/// Carries one of the labels whose name keys follow (then `))`).
const LABELED_ANY: &str = " AND EXISTS (SELECT 1 FROM conversation_labels cl JOIN labels l ON \
                           l.id = cl.label_id WHERE cl.conversation_id = c.id AND l.name_key IN (";
