//! Contacts: their rows, the words they are found by (`contact_terms`), and merging two
//! records of one person. A merged contact keeps its row (`merged_into`) so its external id
//! still finds the survivor; every read of contacts leaves it out.

use convo_core::text::contact_terms;

use crate::sql::prelude::*;

/// The condition that leaves merged contacts out of every read.
const LIVE: &str = "merged_into IS NULL";

/// Contacts indexed per round when the words of older contacts are written at start-up.
const INDEX_BATCH: i64 = 500;

fn terms_of(contact: &Contact) -> Vec<String> {
    contact_terms(
        contact.name.as_deref(),
        contact.email.as_deref(),
        contact.phone.as_deref(),
        contact.external_id.as_deref(),
    )
}

/// Replaces the words `contact` is found by.
async fn write_terms(conn: &mut Conn, contact: &Contact) -> StoreResult<()> {
    let id = contact.id.as_uuid();
    sqlx::query("DELETE FROM contact_terms WHERE contact_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let terms = terms_of(contact);
    for chunk in terms.chunks(ROWS_PER_INSERT) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contact_terms (organization_id, term, contact_id) ",
        );
        qb.push_values(chunk, |mut row, term| {
            row.push_bind(contact.organization_id.as_uuid())
                .push_bind(term.clone())
                .push_bind(id);
        });
        qb.build().execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE contacts SET indexed = 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn insert_row(conn: &mut Conn, contact: &Contact, or_ignore: bool) -> StoreResult<bool> {
    let conflict = if or_ignore {
        " ON CONFLICT (organization_id, external_id) DO NOTHING"
    } else {
        ""
    };
    let inserted = sqlx::query(&format!(
        "INSERT INTO contacts ({CONTACT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11){conflict}"
    ))
    .bind(contact.organization_id.as_uuid())
    .bind(contact.id.as_uuid())
    .bind(&contact.external_id)
    .bind(&contact.name)
    .bind(&contact.email)
    .bind(&contact.phone)
    .bind(&contact.image)
    .bind(Json(&contact.metadata))
    .bind(Json(&contact.addresses))
    .bind(contact.created_at.as_millis())
    .bind(contact.updated_at.as_millis())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 1 {
        write_terms(conn, contact).await?;
    }
    Ok(inserted == 1)
}

/// A live contact, on `conn`.
async fn fetch_live(conn: &mut Conn, org: Uuid, id: Uuid) -> StoreResult<Contact> {
    let row: Option<ContactRow> = sqlx::query_as(&format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts WHERE organization_id = $1 AND id = $2 AND {LIVE}"
    ))
    .bind(org)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    found("contact")(row).map(Into::into)
}

/// Writes `contact`'s fields, its words, and the search text of its conversations (which
/// are found by its name, email and phone too).
async fn write_contact(conn: &mut Conn, contact: &Contact) -> StoreResult<()> {
    let org = contact.organization_id.as_uuid();
    let result = sqlx::query(&format!(
        "UPDATE contacts SET external_id = $1, name = $2, email = $3, phone = $4, image = $5, \
         metadata = $6, addresses = $7, updated_at = $8 WHERE organization_id = $9 AND id = $10 \
         AND {LIVE}"
    ))
    .bind(&contact.external_id)
    .bind(&contact.name)
    .bind(&contact.email)
    .bind(&contact.phone)
    .bind(&contact.image)
    .bind(Json(&contact.metadata))
    .bind(Json(&contact.addresses))
    .bind(contact.updated_at.as_millis())
    .bind(org)
    .bind(contact.id.as_uuid())
    .execute(&mut *conn)
    .await?;
    affected("contact", result.rows_affected())?;
    write_terms(conn, contact).await?;
    let rows: Vec<ConversationRow> = sqlx::query_as(&format!(
        "SELECT {CONVERSATION_COLUMNS}, {CONVERSATION_MEMBERS}, {CONVERSATION_LABELS} FROM \
         conversations c WHERE c.organization_id = $1 AND c.contact_id = $2"
    ))
    .bind(org)
    .bind(contact.id.as_uuid())
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let id = row.id;
        let conversation = row.into_record()?.conversation;
        let text = conversation_search_text(&conversation, Some(contact));
        sqlx::query(
            "UPDATE conversations SET search_text = $1 WHERE id = $2 AND search_text <> $1",
        )
        .bind(text)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

impl SqlStore {
    pub(crate) async fn insert_contact_row(&self, contact: &Contact) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        insert_row(&mut tx, contact, false).await?;
        Ok(tx.commit().await?)
    }

    /// The live contact with `contact.external_id` (or the one a merged contact with it went
    /// into), or `contact` inserted; `true` when inserted.
    pub(crate) async fn find_or_create_contact_row(
        &self,
        contact: &Contact,
    ) -> StoreResult<(Contact, bool)> {
        let mut tx = self.writer.begin().await?;
        if insert_row(&mut tx, contact, true).await? {
            tx.commit().await?;
            return Ok((contact.clone(), true));
        }
        let (id,): (Uuid,) = sqlx::query_as(
            "SELECT coalesce(merged_into, id) FROM contacts WHERE organization_id = $1 AND \
             external_id = $2",
        )
        .bind(contact.organization_id.as_uuid())
        .bind(&contact.external_id)
        .fetch_one(&mut *tx)
        .await?;
        let found = fetch_live(&mut tx, contact.organization_id.as_uuid(), id).await?;
        tx.commit().await?;
        Ok((found, false))
    }

    pub(crate) async fn get_contact_row(
        &self,
        org: OrganizationId,
        id: ContactId,
    ) -> StoreResult<Contact> {
        let mut conn = self.reader.acquire().await?;
        fetch_live(&mut conn, org.as_uuid(), id.as_uuid()).await
    }

    pub(crate) async fn list_contact_rows(
        &self,
        org: OrganizationId,
        filter: &ContactFilter,
        page: &DirectoryPage,
    ) -> StoreResult<Rows<Contact>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            qb.push(format!(" AND {LIVE}"));
            if let Some(external_id) = &filter.external_id {
                qb.push(
                    " AND id IN (SELECT coalesce(merged_into, id) FROM contacts WHERE \
                     organization_id = ",
                )
                .push_bind(org.as_uuid())
                .push(" AND external_id = ")
                .push_bind(external_id.clone())
                .push(")");
            }
            // Each word begins one of the contact's: a range of the words' index.
            for term in &filter.terms {
                qb.push(
                    " AND id IN (SELECT contact_id FROM contact_terms WHERE organization_id = ",
                )
                .push_bind(org.as_uuid())
                .push(" AND term >= ")
                .push_bind(term.clone())
                .push(" AND term < ")
                .push_bind(format!("{term}\u{10FFFF}"))
                .push(")");
            }
        };
        self.list_directory(
            "contacts",
            CONTACT_COLUMNS,
            org,
            filters,
            page,
            |r: ContactRow| Ok(r.into()),
        )
        .await
    }

    pub(crate) async fn update_contact_row(&self, contact: &Contact) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        write_contact(&mut tx, contact).await?;
        Ok(tx.commit().await?)
    }

    /// Deletes a live contact, with the merged records that pointed at it.
    pub(crate) async fn delete_contact_row(
        &self,
        org: OrganizationId,
        id: ContactId,
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        fetch_live(&mut tx, org.as_uuid(), id.as_uuid()).await?;
        sqlx::query(
            "DELETE FROM contacts WHERE organization_id = $1 AND (id = $2 OR merged_into = $2)",
        )
        .bind(org.as_uuid())
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await?;
        Ok(tx.commit().await?)
    }

    pub(crate) async fn merge_contact_rows(
        &self,
        org: OrganizationId,
        into: ContactId,
        from: ContactId,
        absorb: Absorb,
        event: &EventMeta,
    ) -> StoreResult<Contact> {
        let org = org.as_uuid();
        let mut tx = self.writer.begin().await?;
        // Both rows locked in id order, so two merges of the same pair never deadlock.
        let mut ids = [into.as_uuid(), from.as_uuid()];
        ids.sort_unstable();
        for id in ids {
            sqlx::query(&format!(
                "UPDATE contacts SET updated_at = updated_at WHERE organization_id = $1 AND id = \
                 $2 AND {LIVE}"
            ))
            .bind(org)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let mut survivor = fetch_live(&mut tx, org, into.as_uuid()).await?;
        let merged = fetch_live(&mut tx, org, from.as_uuid())
            .await
            .map_err(|_| StoreError::from(Error::invalid("from", format!("no contact {from}"))))?;
        absorb(&mut survivor, &merged);
        let now = Timestamp::now();
        // The merged record leaves the index and points at the survivor, as do the records
        // merged into it before.
        sqlx::query("DELETE FROM contact_terms WHERE contact_id = $1")
            .bind(from.as_uuid())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE contacts SET merged_into = $1, updated_at = $2 WHERE organization_id = $3 \
             AND (id = $4 OR merged_into = $4)",
        )
        .bind(into.as_uuid())
        .bind(now.as_millis())
        .bind(org)
        .bind(from.as_uuid())
        .execute(&mut *tx)
        .await?;
        // Its messages in its conversations, then the conversations themselves.
        sqlx::query(
            "UPDATE messages SET sender_id = $1 WHERE sender_type = 'contact' AND sender_id = $2 \
             AND conversation_id IN (SELECT id FROM conversations WHERE organization_id = $3 AND \
             contact_id = $4)",
        )
        .bind(into.to_string())
        .bind(from.to_string())
        .bind(org)
        .bind(from.as_uuid())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE conversations SET contact_id = $1, updated_at = $2, version = version + 1 \
             WHERE organization_id = $3 AND contact_id = $4",
        )
        .bind(into.as_uuid())
        .bind(now.as_millis())
        .bind(org)
        .bind(from.as_uuid())
        .execute(&mut *tx)
        .await?;
        write_contact(&mut tx, &survivor).await?;
        let recorded = NewEvent::organization_wide(event, &survivor, now)?.moved(
            "contact_id",
            from.as_uuid(),
            into.as_uuid(),
        );
        record_events(&mut tx, org, &[&recorded]).await?;
        self.commit_and_wake(tx, org).await?;
        Ok(survivor)
    }

    /// Writes the words of contacts stored before contacts could be searched, a batch at a
    /// time; runs once at start-up (a no-op when every contact is indexed).
    pub async fn index_contacts(&self) -> Result<u64, sqlx::Error> {
        let indexed: Result<u64> = run(async {
            let mut indexed = 0;
            loop {
                let mut tx = self.writer.begin().await?;
                let rows: Vec<ContactRow> = sqlx::query_as(&format!(
                    "SELECT {CONTACT_COLUMNS} FROM contacts WHERE indexed = 0 AND {LIVE} LIMIT $1"
                ))
                .bind(INDEX_BATCH)
                .fetch_all(&mut *tx)
                .await?;
                if rows.is_empty() {
                    return Ok(indexed);
                }
                for row in rows {
                    write_terms(&mut tx, &row.into()).await?;
                    indexed += 1;
                }
                tx.commit().await?;
            }
        })
        .await;
        indexed.map_err(|e| sqlx::Error::Protocol(format!("indexing contacts: {e}")))
    }
}
