//! The text each object is indexed under, and re-indexing a conversation.

use crate::sql::prelude::*;

/// Index tokens that confine a lookup to one organization or one conversation.
pub(crate) fn organization_term(org: Uuid) -> String {
    format!("zo{}", org.simple())
}

/// The prefix of a conversation's token: then its id in lowercase hex without dashes.
pub(crate) const CONVERSATION_TERM: &str = "zc";

pub(crate) fn conversation_term(id: Uuid) -> String {
    format!("{CONVERSATION_TERM}{}", id.simple())
}

/// The backend's match expression for every term, confined to the organization by its token
/// (costly to score in a large organization: ranking tries the words alone first).
pub(crate) fn tenant_query(org: Uuid, terms: &[String]) -> String {
    let all: Vec<String> = std::iter::once(organization_term(org))
        .chain(terms.iter().cloned())
        .collect();
    match_expression(&all)
}

/// What a conversation is found by: its name and detail, and its contact.
pub(crate) fn conversation_search_text(c: &Conversation, contact: Option<&Contact>) -> String {
    let mut fields = vec![c.name.as_str(), c.detail.as_str()];
    if let Some(k) = contact {
        fields.extend(
            [
                k.name.as_deref(),
                k.email.as_deref(),
                k.phone.as_deref(),
                k.external_id.as_deref(),
            ]
            .into_iter()
            .flatten(),
        );
    }
    format!(
        "{} {}",
        organization_term(c.organization_id.as_uuid()),
        index_text(fields)
    )
}

/// A message's words for the search index: the costly part (segmentation, folding), done
/// before the writer is busy.
pub(crate) fn message_words(m: &Message) -> String {
    index_text([m.content.as_str()])
}

pub(crate) fn message_search_text(org: Uuid, m: &Message, words: &str) -> String {
    format!(
        "{} {} {words}",
        organization_term(org),
        conversation_term(m.conversation_id.as_uuid())
    )
}

pub(crate) async fn fetch_contact(
    conn: &mut Conn,
    org: Uuid,
    id: Option<ContactId>,
) -> StoreResult<Option<Contact>> {
    let Some(id) = id else {
        return Ok(None);
    };
    let row: Option<ContactRow> = sqlx::query_as(&format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts WHERE organization_id = $1 AND id = $2"
    ))
    .bind(org)
    .bind(id.as_uuid())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(Into::into))
}

/// Brings a conversation's search text up to date (the index follows only when it changed).
pub(crate) async fn reindex_conversation(
    conn: &mut Conn,
    org: Uuid,
    c: &Conversation,
) -> StoreResult<()> {
    let contact = fetch_contact(conn, org, c.contact_id).await?;
    let text = conversation_search_text(c, contact.as_ref());
    // By id alone (the primary key): PostgreSQL's cached generic plan for an
    // `organization_id AND id` filter, made while the table was small, may scan the
    // organization's rows instead.
    sqlx::query("UPDATE conversations SET search_text = $1 WHERE id = $2 AND search_text <> $1")
        .bind(text)
        .bind(c.id.as_uuid())
        .execute(&mut *conn)
        .await?;
    Ok(())
}
