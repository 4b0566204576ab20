//! Business units, users, channels and contacts.

mod rows;

pub(crate) use rows::*;

use crate::sql::prelude::*;

/// What invitable-user search matches: the folded name and email.
pub(crate) fn user_search_text(user: &User) -> String {
    convo_core::text::fold(&format!(
        "{} {}",
        user.name,
        user.email.as_deref().unwrap_or_default()
    ))
}

impl SqlStore {
    pub(crate) async fn insert_user_on(conn: &mut Conn, user: &User) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO users ({USER_COLUMNS}, search_text, email_key) VALUES ($1, $2, $3, $4, \
             $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        ))
        .bind(user.organization_id.as_uuid())
        .bind(user.id.as_uuid())
        .bind(&user.name)
        .bind(&user.email)
        .bind(user.kind.as_str())
        .bind(user.role.as_str())
        .bind(&user.avatar_url)
        .bind(Json(&user.business_unit_ids))
        .bind(user.active)
        .bind(user.created_at.as_millis())
        .bind(user.updated_at.as_millis())
        .bind(user.presence.as_str())
        .bind(user_search_text(user))
        .bind(user.email.as_deref().map(convo_core::people::email_key))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    pub(crate) async fn insert_business_unit_on(
        conn: &mut Conn,
        unit: &BusinessUnit,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO business_units (organization_id, id, name, metadata, created_at, \
             updated_at, auto_resolve_after) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(unit.organization_id.as_uuid())
        .bind(unit.id.as_uuid())
        .bind(&unit.name)
        .bind(Json(&unit.metadata))
        .bind(unit.created_at.as_millis())
        .bind(unit.updated_at.as_millis())
        .bind(unit.auto_resolve_after)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl DirectoryStore for SqlStore {
    async fn insert_business_unit(&self, unit: &BusinessUnit) -> Result<()> {
        run(async {
            let mut conn = self.writer.acquire().await?;
            Self::insert_business_unit_on(&mut conn, unit).await
        })
        .await
    }

    async fn get_business_unit(
        &self,
        org: OrganizationId,
        id: BusinessUnitId,
    ) -> Result<BusinessUnit> {
        run(async {
            let row: Option<BusinessUnitRow> = sqlx::query_as(&format!(
                "SELECT {BUSINESS_UNIT_COLUMNS} FROM business_units WHERE organization_id = $1 \
                 AND id = $2"
            ))
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
            found("business unit")(row).map(Into::into)
        })
        .await
    }

    async fn default_business_unit(&self, org: OrganizationId) -> Result<BusinessUnit> {
        run(async {
            let row: Option<BusinessUnitRow> = sqlx::query_as(&format!(
                "SELECT {BUSINESS_UNIT_COLUMNS} FROM business_units WHERE organization_id = $1 \
                 ORDER BY id LIMIT 1"
            ))
            .bind(org.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
            found("business unit")(row).map(Into::into)
        })
        .await
    }

    async fn list_business_units(
        &self,
        org: OrganizationId,
        only: Option<&[BusinessUnitId]>,
        page: &DirectoryPage,
    ) -> Result<Rows<BusinessUnit>> {
        run(async {
            if only.is_some_and(<[_]>::is_empty) {
                return Ok(Rows {
                    items: vec![],
                    total: page.include_total.then_some(0),
                });
            }
            self.list_directory(
                "business_units",
                BUSINESS_UNIT_COLUMNS,
                org,
                |qb| {
                    if let Some(ids) = only {
                        push_in(qb, "id", ids);
                    }
                },
                page,
                |r: BusinessUnitRow| Ok(r.into()),
            )
            .await
        })
        .await
    }

    async fn update_business_unit(&self, unit: &BusinessUnit) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "UPDATE business_units SET name = $1, metadata = $2, updated_at = $3, \
                 auto_resolve_after = $4 WHERE organization_id = $5 AND id = $6",
            )
            .bind(&unit.name)
            .bind(Json(&unit.metadata))
            .bind(unit.updated_at.as_millis())
            .bind(unit.auto_resolve_after)
            .bind(unit.organization_id.as_uuid())
            .bind(unit.id.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("business unit", result.rows_affected())
        })
        .await
    }

    async fn delete_business_unit(&self, org: OrganizationId, id: BusinessUnitId) -> Result<()> {
        Ok(self
            .delete_row("business_units", "business unit", org, id.as_uuid())
            .await?)
    }

    async fn insert_user(&self, user: &User) -> Result<()> {
        run(async {
            let mut conn = self.writer.acquire().await?;
            Self::insert_user_on(&mut conn, user).await
        })
        .await
    }

    async fn get_user(&self, org: OrganizationId, id: UserId) -> Result<User> {
        run(async {
            let row: Option<UserRow> = sqlx::query_as(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE organization_id = $1 AND id = $2"
            ))
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
            found("user")(row)?.try_into()
        })
        .await
    }

    async fn list_users(
        &self,
        org: OrganizationId,
        presence: Option<convo_types::Presence>,
        page: &DirectoryPage,
    ) -> Result<Rows<User>> {
        run(async {
            self.list_directory(
                "users",
                USER_COLUMNS,
                org,
                |qb| {
                    if let Some(presence) = presence {
                        qb.push(" AND presence = ").push_bind(presence.as_str());
                    }
                },
                page,
                |r: UserRow| User::try_from(r),
            )
            .await
        })
        .await
    }

    async fn update_user(&self, user: &User) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "UPDATE users SET name = $1, email = $2, kind = $3, role = $4, avatar_url = $5, \
                 business_unit_ids = $6, active = $7, updated_at = $8, search_text = $9, \
                 email_key = $10 WHERE organization_id = $11 AND id = $12",
            )
            .bind(&user.name)
            .bind(&user.email)
            .bind(user.kind.as_str())
            .bind(user.role.as_str())
            .bind(&user.avatar_url)
            .bind(Json(&user.business_unit_ids))
            .bind(user.active)
            .bind(user.updated_at.as_millis())
            .bind(user_search_text(user))
            .bind(user.email.as_deref().map(convo_core::people::email_key))
            .bind(user.organization_id.as_uuid())
            .bind(user.id.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("user", result.rows_affected())
        })
        .await
    }

    /// Takes the user out of every conversation (keeping `member_count` and the counters
    /// exact), then deletes it; a user that API keys still act as stays (`409`).
    async fn delete_user(&self, org: OrganizationId, id: UserId, event: &EventMeta) -> Result<()> {
        run(async {
            let org = org.as_uuid();
            let mut tx = self.writer.begin().await?;
            // In id order, as message groups lock conversations, so the two never wait on each
            // other in opposite orders.
            let memberships: Vec<(Uuid,)> = sqlx::query_as(
                "SELECT conversation_id FROM conversation_members WHERE organization_id = $1 AND \
                 user_id = $2 ORDER BY conversation_id",
            )
            .bind(org)
            .bind(id.as_uuid())
            .fetch_all(&mut *tx)
            .await?;
            let now = Timestamp::now();
            let mut moved: Vec<(Conversation, Conversation)> = Vec::new();
            for (conversation,) in memberships {
                let before = fetch_conversation(&mut tx, org, conversation, true)
                    .await
                    .ok();
                delete_member(&mut tx, org, conversation, id.as_uuid()).await?;
                count_members(&mut tx, org, conversation, -1, now).await?;
                if let Some(before) = before {
                    let after = fetch_conversation(&mut tx, org, conversation, false).await?;
                    record_event(&mut tx, org, event, &after.conversation, now).await?;
                    moved.push((before.conversation, after.conversation));
                }
            }
            // The counters in one sorted pass, like a message group's.
            let moves: Vec<_> = moved
                .iter()
                .map(|(before, after)| (Some(before), Some(after)))
                .collect();
            move_counters_many(&mut tx, org, &moves).await?;
            // Their read horizons go with them (read above, as the tallies moved).
            sqlx::query(
                "DELETE FROM conversation_reads WHERE organization_id = $1 AND user_id = $2",
            )
            .bind(org)
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await?;
            let result = sqlx::query("DELETE FROM users WHERE organization_id = $1 AND id = $2")
                .bind(org)
                .bind(id.as_uuid())
                .execute(&mut *tx)
                .await?;
            affected("user", result.rows_affected())?;
            self.commit_and_wake(tx, org).await
        })
        .await
    }

    async fn insert_channel(&self, channel: &Channel) -> Result<()> {
        run(async {
            sqlx::query(&format!(
                "INSERT INTO channels ({CHANNEL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                 $9)"
            ))
            .bind(channel.organization_id.as_uuid())
            .bind(channel.id.as_uuid())
            .bind(channel.business_unit_id.as_uuid())
            .bind(channel.channel_type.as_str())
            .bind(&channel.identifier)
            .bind(&channel.name)
            .bind(Json(&channel.metadata))
            .bind(channel.created_at.as_millis())
            .bind(channel.updated_at.as_millis())
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn get_channel(&self, org: OrganizationId, id: ChannelId) -> Result<Channel> {
        run(async {
            let row: Option<ChannelRow> = sqlx::query_as(&format!(
                "SELECT {CHANNEL_COLUMNS} FROM channels WHERE organization_id = $1 AND id = $2"
            ))
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await?;
            found("channel")(row)?.try_into()
        })
        .await
    }

    async fn list_channels(
        &self,
        org: OrganizationId,
        filter: &ChannelFilter,
        page: &DirectoryPage,
    ) -> Result<Rows<Channel>> {
        run(async {
            if filter.business_unit_ids.as_ref().is_some_and(Vec::is_empty) {
                return Ok(Rows {
                    items: vec![],
                    total: page.include_total.then_some(0),
                });
            }
            let filters = |qb: &mut QueryBuilder<'_, Db>| {
                if let Some(units) = &filter.business_unit_ids {
                    push_in(qb, "business_unit_id", units);
                }
                if let Some(t) = filter.channel_type {
                    qb.push(" AND type = ").push_bind(t.as_str());
                }
                if let Some(identifier) = &filter.identifier {
                    qb.push(" AND identifier = ").push_bind(identifier.clone());
                }
            };
            self.list_directory(
                "channels",
                CHANNEL_COLUMNS,
                org,
                filters,
                page,
                |r: ChannelRow| Channel::try_from(r),
            )
            .await
        })
        .await
    }

    async fn update_channel(&self, channel: &Channel) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "UPDATE channels SET business_unit_id = $1, name = $2, metadata = $3, updated_at \
                 = $4 WHERE organization_id = $5 AND id = $6",
            )
            .bind(channel.business_unit_id.as_uuid())
            .bind(&channel.name)
            .bind(Json(&channel.metadata))
            .bind(channel.updated_at.as_millis())
            .bind(channel.organization_id.as_uuid())
            .bind(channel.id.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("channel", result.rows_affected())
        })
        .await
    }

    async fn delete_channel(&self, org: OrganizationId, id: ChannelId) -> Result<()> {
        Ok(self
            .delete_row("channels", "channel", org, id.as_uuid())
            .await?)
    }

    async fn insert_contact(&self, contact: &Contact) -> Result<()> {
        run(self.insert_contact_row(contact)).await
    }

    async fn find_or_create_contact(&self, contact: &Contact) -> Result<(Contact, bool)> {
        run(self.find_or_create_contact_row(contact)).await
    }

    async fn get_contact(&self, org: OrganizationId, id: ContactId) -> Result<Contact> {
        run(self.get_contact_row(org, id)).await
    }

    async fn list_contacts(
        &self,
        org: OrganizationId,
        filter: &ContactFilter,
        page: &DirectoryPage,
    ) -> Result<Rows<Contact>> {
        run(self.list_contact_rows(org, filter, page)).await
    }

    async fn update_contact(&self, contact: &Contact) -> Result<()> {
        run(self.update_contact_row(contact)).await
    }

    async fn delete_contact(&self, org: OrganizationId, id: ContactId) -> Result<()> {
        run(self.delete_contact_row(org, id)).await
    }

    async fn merge_contacts(
        &self,
        org: OrganizationId,
        into: ContactId,
        from: ContactId,
        absorb: Absorb,
        event: &EventMeta,
    ) -> Result<Contact> {
        run(self.merge_contact_rows(org, into, from, absorb, event)).await
    }
}
