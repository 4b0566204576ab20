//! Business units, users, API keys, channels and contacts.
//!
//! Reading the directory needs only a valid key of the organization (an inbox must show names);
//! changing it needs `admin`, except contacts, which have their own scopes.

use convo_types::{
    ApiKey, ApiKeyId, AuditAction, BusinessUnit, BusinessUnitId, Channel, ChannelId, CreateApiKey,
    CreateBusinessUnit, CreateChannel, CreateUser, List, Scope, Timestamp, UpdateApiKey,
    UpdateBusinessUnit, UpdateChannel, UpdateUser, User, UserId, UserKind, UserRole,
};

use crate::auth::{self, Principal};
use crate::paging::PagingParams;
use crate::rules::{
    merge_metadata, Checks, AUTO_RESOLVE_SECS, MAX_IDENTIFIER_CHARS, MAX_NAME_CHARS,
};
use crate::usecases::audit::{request_client, Audit};
use crate::{ChannelFilter, DirectoryStore, Error, OrganizationStore, PeopleStore, Result};

// ---- business units -------------------------------------------------------------------

fn visible_unit(caller: &Principal, id: BusinessUnitId) -> Result<()> {
    if caller.sees_business_unit(id) {
        Ok(())
    } else {
        Err(Error::NotFound("business unit"))
    }
}

fn check_auto_resolve(checks: &mut Checks, seconds: Option<i64>) {
    if seconds.is_some_and(|s| !AUTO_RESOLVE_SECS.contains(&s)) {
        checks.fail(
            "auto_resolve_after",
            format!(
                "must be between {} and {} seconds",
                AUTO_RESOLVE_SECS.start(),
                AUTO_RESOLVE_SECS.end()
            ),
        );
    }
}

pub async fn create_business_unit(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    req: CreateBusinessUnit,
) -> Result<BusinessUnit> {
    caller.require(Scope::Admin)?;
    let mut checks = Checks::new();
    checks.text("name", Some(&req.name), MAX_NAME_CHARS, true);
    checks.object("metadata", req.metadata.as_ref());
    check_auto_resolve(&mut checks, req.auto_resolve_after);
    checks.finish()?;
    let now = Timestamp::now();
    let unit = BusinessUnit {
        object_name: "business_unit".into(),
        id: BusinessUnitId::new(),
        organization_id: caller.organization_id,
        name: req.name.trim().to_owned(),
        metadata: req.metadata.unwrap_or_default(),
        auto_resolve_after: req.auto_resolve_after,
        created_at: now,
        updated_at: now,
    };
    store.insert_business_unit(&unit).await?;
    Ok(unit)
}

pub async fn get_business_unit(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    id: BusinessUnitId,
) -> Result<BusinessUnit> {
    visible_unit(caller, id)?;
    store.get_business_unit(caller.organization_id, id).await
}

pub async fn list_business_units(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    paging: PagingParams,
) -> Result<List<BusinessUnit>> {
    let page = paging.into_request()?;
    let only = caller.business_unit_scope(None);
    let rows = store
        .list_business_units(caller.organization_id, only.as_deref(), &page)
        .await?;
    Ok(rows.into_list(page.limit, |u| u.id.as_uuid()))
}

pub async fn update_business_unit(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    id: BusinessUnitId,
    req: UpdateBusinessUnit,
) -> Result<BusinessUnit> {
    caller.require(Scope::Admin)?;
    let mut unit = get_business_unit(store, caller, id).await?;
    let mut checks = Checks::new();
    checks.text(
        "name",
        req.name.as_deref(),
        MAX_NAME_CHARS,
        req.name.is_some(),
    );
    checks.object("metadata", req.metadata.as_ref());
    check_auto_resolve(&mut checks, req.auto_resolve_after.flatten());
    checks.finish()?;
    if let Some(name) = req.name {
        unit.name = name.trim().to_owned();
    }
    if let Some(patch) = req.metadata {
        merge_metadata(&mut unit.metadata, patch);
    }
    if let Some(after) = req.auto_resolve_after {
        unit.auto_resolve_after = after;
    }
    unit.updated_at = Timestamp::now();
    store.update_business_unit(&unit).await?;
    Ok(unit)
}

pub async fn delete_business_unit(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    id: BusinessUnitId,
) -> Result<()> {
    caller.require(Scope::Admin)?;
    visible_unit(caller, id)?;
    store.delete_business_unit(caller.organization_id, id).await
}

/// Every id must name a business unit of the caller's organization.
pub(crate) async fn check_units(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    field: &str,
    ids: &[BusinessUnitId],
) -> Result<()> {
    for id in ids {
        if let Err(Error::NotFound(_)) = store.get_business_unit(caller.organization_id, *id).await
        {
            return Err(Error::invalid(field, format!("no business unit {id}")));
        }
    }
    Ok(())
}

// ---- users -------------------------------------------------------------------------------

pub async fn create_user(
    store: &(impl DirectoryStore + PeopleStore + ?Sized),
    caller: &Principal,
    req: CreateUser,
) -> Result<User> {
    caller.require(Scope::Admin)?;
    let mut checks = Checks::new();
    checks.text("name", Some(&req.name), MAX_NAME_CHARS, true);
    checks.email("email", req.email.as_deref());
    checks.url("avatar_url", req.avatar_url.as_deref());
    checks.count(
        "business_unit_ids",
        req.business_unit_ids.as_ref().map_or(0, Vec::len),
    );
    checks.finish()?;
    let business_unit_ids = req.business_unit_ids.unwrap_or_default();
    check_units(store, caller, "business_unit_ids", &business_unit_ids).await?;
    let now = Timestamp::now();
    let user = User {
        object_name: "user".into(),
        id: UserId::new(),
        organization_id: caller.organization_id,
        name: req.name.trim().to_owned(),
        email: req.email,
        kind: req.kind.unwrap_or(UserKind::Human),
        role: req.role.unwrap_or(UserRole::Agent),
        avatar_url: req.avatar_url,
        business_unit_ids,
        active: req.active.unwrap_or(true),
        presence: convo_types::Presence::Offline,
        created_at: now,
        updated_at: now,
    };
    store.insert_user(&user).await?;
    Audit::new(AuditAction::UserCreated, &request_client())
        .by(caller)
        .on("user", user.id)
        .with("role", user.role.as_str())
        .record(store, caller.organization_id)
        .await;
    Ok(user)
}

pub async fn get_user(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    id: UserId,
) -> Result<User> {
    store.get_user(caller.organization_id, id).await
}

pub async fn list_users(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    filters: convo_types::UserFilters,
    paging: PagingParams,
) -> Result<List<User>> {
    let page = paging.into_request()?;
    let rows = store
        .list_users(caller.organization_id, filters.presence, &page)
        .await?;
    Ok(rows.into_list(page.limit, |u| u.id.as_uuid()))
}

pub async fn update_user(
    store: &(impl DirectoryStore + PeopleStore + ?Sized),
    caller: &Principal,
    id: UserId,
    req: UpdateUser,
) -> Result<User> {
    caller.require(Scope::Admin)?;
    let mut user = store.get_user(caller.organization_id, id).await?;
    let before = user.clone();
    let mut checks = Checks::new();
    checks.text(
        "name",
        req.name.as_deref(),
        MAX_NAME_CHARS,
        req.name.is_some(),
    );
    checks.email("email", req.email.clone().flatten().as_deref());
    checks.url("avatar_url", req.avatar_url.clone().flatten().as_deref());
    checks.count(
        "business_unit_ids",
        req.business_unit_ids.as_ref().map_or(0, Vec::len),
    );
    checks.finish()?;
    if let Some(ids) = &req.business_unit_ids {
        check_units(store, caller, "business_unit_ids", ids).await?;
    }
    if let Some(name) = req.name {
        user.name = name.trim().to_owned();
    }
    if let Some(email) = req.email {
        user.email = email;
    }
    if let Some(kind) = req.kind {
        user.kind = kind;
    }
    if let Some(role) = req.role {
        user.role = role;
    }
    if let Some(avatar_url) = req.avatar_url {
        user.avatar_url = avatar_url;
    }
    if let Some(ids) = req.business_unit_ids {
        user.business_unit_ids = ids;
    }
    if let Some(active) = req.active {
        user.active = active;
    }
    user.updated_at = Timestamp::now();
    store.update_user(&user).await?;
    // What decides what the person may do and see, and how they sign in.
    let mut changed = Vec::new();
    if user.role != before.role {
        changed.push("role");
    }
    if user.business_unit_ids != before.business_unit_ids {
        changed.push("business_unit_ids");
    }
    if user.active != before.active {
        changed.push("active");
    }
    if user.email != before.email {
        changed.push("email");
    }
    if user.kind != before.kind {
        changed.push("kind");
    }
    if !changed.is_empty() {
        Audit::new(AuditAction::UserChanged, &request_client())
            .by(caller)
            .on("user", user.id)
            .with("changed", changed)
            .record(store, caller.organization_id)
            .await;
    }
    Ok(user)
}

pub async fn delete_user(
    store: &(impl DirectoryStore + PeopleStore + ?Sized),
    caller: &Principal,
    id: UserId,
) -> Result<()> {
    caller.require(Scope::Admin)?;
    if id == caller.user_id {
        return Err(Error::Conflict {
            code: convo_types::ErrorCode::Conflict,
            message: "you cannot delete your own user (a key, its acting user)".into(),
        });
    }
    let event = crate::EventMeta {
        event_type: convo_types::EventType::ConversationMemberRemoved,
        actor: caller.actor(),
    };
    store
        .delete_user(caller.organization_id, id, &event)
        .await?;
    Audit::new(AuditAction::UserDeleted, &request_client())
        .by(caller)
        .on("user", id)
        .record(store, caller.organization_id)
        .await;
    Ok(())
}

// ---- API keys ----------------------------------------------------------------------------

pub async fn create_api_key(
    store: &(impl DirectoryStore + OrganizationStore + PeopleStore + ?Sized),
    caller: &Principal,
    req: CreateApiKey,
) -> Result<ApiKey> {
    caller.require(Scope::Admin)?;
    let mut checks = Checks::new();
    checks.text("name", Some(&req.name), MAX_NAME_CHARS, true);
    if req.scopes.is_empty() {
        checks.fail("scopes", "must name at least one scope");
    }
    if req.scopes.contains(&Scope::Platform) {
        checks.fail(
            "scopes",
            "`platform` belongs only to the key made on first start",
        );
    }
    checks.count(
        "business_unit_ids",
        req.business_unit_ids.as_ref().map_or(0, Vec::len),
    );
    checks.finish()?;
    let user_id = req.user_id.unwrap_or(caller.user_id);
    if let Err(Error::NotFound(_)) = store.get_user(caller.organization_id, user_id).await {
        return Err(Error::invalid("user_id", format!("no user {user_id}")));
    }
    let business_unit_ids = req.business_unit_ids.unwrap_or_default();
    check_units(store, caller, "business_unit_ids", &business_unit_ids).await?;
    let mut scopes = req.scopes;
    scopes.sort_by_key(|s| s.as_str());
    scopes.dedup();
    let secret = auth::generate_secret();
    let now = Timestamp::now();
    let mut key = ApiKey {
        object_name: "api_key".into(),
        id: ApiKeyId::new(),
        organization_id: caller.organization_id,
        name: req.name.trim().to_owned(),
        scopes,
        user_id,
        business_unit_ids,
        prefix: secret.prefix,
        last_used_at: None,
        created_at: now,
        updated_at: now,
        secret: None,
    };
    store.insert_api_key(&key, &secret.hash).await?;
    let scopes: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
    Audit::new(AuditAction::ApiKeyCreated, &request_client())
        .by(caller)
        .on("api_key", key.id)
        .with("scopes", scopes)
        .with("user_id", key.user_id.to_string())
        .record(store, caller.organization_id)
        .await;
    key.secret = Some(secret.secret);
    Ok(key)
}

pub async fn get_api_key(
    store: &(impl OrganizationStore + ?Sized),
    caller: &Principal,
    id: ApiKeyId,
) -> Result<ApiKey> {
    caller.require(Scope::Admin)?;
    store.get_api_key(caller.organization_id, id).await
}

pub async fn list_api_keys(
    store: &(impl OrganizationStore + ?Sized),
    caller: &Principal,
    paging: PagingParams,
) -> Result<List<ApiKey>> {
    caller.require(Scope::Admin)?;
    let page = paging.into_request()?;
    let rows = store.list_api_keys(caller.organization_id, &page).await?;
    Ok(rows.into_list(page.limit, |k| k.id.as_uuid()))
}

pub async fn update_api_key(
    store: &(impl OrganizationStore + ?Sized),
    caller: &Principal,
    id: ApiKeyId,
    req: UpdateApiKey,
) -> Result<ApiKey> {
    caller.require(Scope::Admin)?;
    let mut key = store.get_api_key(caller.organization_id, id).await?;
    let mut checks = Checks::new();
    checks.text(
        "name",
        req.name.as_deref(),
        MAX_NAME_CHARS,
        req.name.is_some(),
    );
    checks.finish()?;
    if let Some(name) = req.name {
        key.name = name.trim().to_owned();
    }
    key.updated_at = Timestamp::now();
    store.update_api_key(&key).await?;
    Ok(key)
}

/// Revokes a key: it stops working at once.
pub async fn delete_api_key(
    store: &(impl OrganizationStore + PeopleStore + ?Sized),
    caller: &Principal,
    id: ApiKeyId,
) -> Result<()> {
    caller.require(Scope::Admin)?;
    store.delete_api_key(caller.organization_id, id).await?;
    Audit::new(AuditAction::ApiKeyRevoked, &request_client())
        .by(caller)
        .on("api_key", id)
        .record(store, caller.organization_id)
        .await;
    Ok(())
}

// ---- channels ----------------------------------------------------------------------------

pub async fn create_channel(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    req: CreateChannel,
) -> Result<Channel> {
    caller.require(Scope::Admin)?;
    let mut checks = Checks::new();
    checks.text(
        "identifier",
        Some(&req.identifier),
        MAX_IDENTIFIER_CHARS,
        true,
    );
    checks.text("name", req.name.as_deref(), MAX_NAME_CHARS, false);
    checks.object("metadata", req.metadata.as_ref());
    checks.finish()?;
    let business_unit_id = match req.business_unit_id {
        Some(id) => {
            if !caller.sees_business_unit(id) {
                return Err(Error::invalid(
                    "business_unit_id",
                    format!("no business unit {id}"),
                ));
            }
            check_units(store, caller, "business_unit_id", &[id]).await?;
            id
        }
        None => {
            store
                .default_business_unit(caller.organization_id)
                .await?
                .id
        }
    };
    let identifier = req.identifier.trim().to_owned();
    let now = Timestamp::now();
    let channel = Channel {
        object_name: "channel".into(),
        id: ChannelId::new(),
        organization_id: caller.organization_id,
        business_unit_id,
        channel_type: req.channel_type,
        name: req
            .name
            .map(|n| n.trim().to_owned())
            .unwrap_or_else(|| identifier.clone()),
        identifier,
        metadata: req.metadata.unwrap_or_default(),
        created_at: now,
        updated_at: now,
    };
    store.insert_channel(&channel).await?;
    Ok(channel)
}

pub async fn get_channel(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    id: ChannelId,
) -> Result<Channel> {
    let channel = store.get_channel(caller.organization_id, id).await?;
    if !caller.sees_business_unit(channel.business_unit_id) {
        return Err(Error::NotFound("channel"));
    }
    Ok(channel)
}

pub async fn list_channels(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    mut filter: ChannelFilter,
    paging: PagingParams,
) -> Result<List<Channel>> {
    let page = paging.into_request()?;
    let requested = filter
        .business_unit_ids
        .as_ref()
        .and_then(|ids| ids.first().copied());
    filter.business_unit_ids = caller.business_unit_scope(requested);
    let rows = store
        .list_channels(caller.organization_id, &filter, &page)
        .await?;
    Ok(rows.into_list(page.limit, |c| c.id.as_uuid()))
}

pub async fn update_channel(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    id: ChannelId,
    req: UpdateChannel,
) -> Result<Channel> {
    caller.require(Scope::Admin)?;
    let mut channel = get_channel(store, caller, id).await?;
    let mut checks = Checks::new();
    checks.text(
        "name",
        req.name.as_deref(),
        MAX_NAME_CHARS,
        req.name.is_some(),
    );
    checks.object("metadata", req.metadata.as_ref());
    checks.finish()?;
    if let Some(unit) = req.business_unit_id {
        if !caller.sees_business_unit(unit) {
            return Err(Error::invalid(
                "business_unit_id",
                format!("no business unit {unit}"),
            ));
        }
        check_units(store, caller, "business_unit_id", &[unit]).await?;
        channel.business_unit_id = unit;
    }
    if let Some(name) = req.name {
        channel.name = name.trim().to_owned();
    }
    if let Some(patch) = req.metadata {
        merge_metadata(&mut channel.metadata, patch);
    }
    channel.updated_at = Timestamp::now();
    store.update_channel(&channel).await?;
    Ok(channel)
}

pub async fn delete_channel(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    id: ChannelId,
) -> Result<()> {
    caller.require(Scope::Admin)?;
    get_channel(store, caller, id).await?;
    store.delete_channel(caller.organization_id, id).await
}
