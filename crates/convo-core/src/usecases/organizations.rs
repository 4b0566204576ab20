//! Tenants: the first start, and the `platform` key's organizations.

use convo_types::{
    ApiKey, ApiKeyId, BusinessUnit, BusinessUnitId, CreateOrganization, List, Organization,
    OrganizationCreated, OrganizationId, Scope, Timestamp, User, UserId, UserKind, UserRole,
};

use crate::auth::{self, NewSecret, Principal};
use crate::paging::PagingParams;
use crate::rules::{Checks, MAX_NAME_CHARS};
use crate::OrganizationStore;
use crate::{NewOrganization, Result};

/// Every scope but `platform`: what an organization's admin key holds.
fn admin_scopes() -> Vec<Scope> {
    Scope::ALL
        .iter()
        .copied()
        .filter(|s| *s != Scope::Platform)
        .collect()
}

fn new_organization(name: &str, secret: NewSecret, platform: bool) -> NewOrganization {
    let now = Timestamp::now();
    let organization = Organization {
        object_name: "organization".into(),
        id: OrganizationId::new(),
        name: name.to_owned(),
        require_totp: false,
        created_at: now,
        updated_at: now,
    };
    let business_unit = BusinessUnit {
        object_name: "business_unit".into(),
        id: BusinessUnitId::new(),
        organization_id: organization.id,
        name: "Default".into(),
        metadata: Default::default(),
        auto_resolve_after: None,
        created_at: now,
        updated_at: now,
    };
    let admin_user = User {
        object_name: "user".into(),
        id: UserId::new(),
        organization_id: organization.id,
        name: "Admin".into(),
        email: None,
        kind: UserKind::Human,
        role: UserRole::Admin,
        avatar_url: None,
        business_unit_ids: vec![],
        active: true,
        presence: convo_types::Presence::Offline,
        created_at: now,
        updated_at: now,
    };
    let mut scopes = admin_scopes();
    if platform {
        scopes.push(Scope::Platform);
    }
    let admin_key = ApiKey {
        object_name: "api_key".into(),
        id: ApiKeyId::new(),
        organization_id: organization.id,
        name: "admin".into(),
        scopes,
        user_id: admin_user.id,
        business_unit_ids: vec![],
        prefix: secret.prefix,
        last_used_at: None,
        created_at: now,
        updated_at: now,
        secret: Some(secret.secret),
    };
    NewOrganization {
        organization,
        business_unit,
        admin_user,
        admin_key,
        admin_key_hash: secret.hash,
    }
}

/// What the first start made; `None` when the database already had an organization.
pub struct Bootstrapped {
    pub organization: Organization,
    /// The admin key's secret, to print once.
    pub admin_secret: String,
    pub generated: bool,
    /// The admin user, who sets a password through a first sign-in link.
    pub admin_user: User,
}

/// On an empty database, creates the first organization and its `platform` admin key
/// (`given_secret` from `CONVO_ADMIN_KEY`, else random).
pub async fn bootstrap(
    store: &(impl OrganizationStore + ?Sized),
    given_secret: Option<String>,
) -> Result<Option<Bootstrapped>> {
    if store.has_organizations().await? {
        return Ok(None);
    }
    let generated = given_secret.is_none();
    let secret = match given_secret {
        Some(secret) => auth::from_secret(secret),
        None => auth::generate_secret(),
    };
    let admin_secret = secret.secret.clone();
    let new = new_organization("Default organization", secret, true);
    store.create_organization(&new).await?;
    Ok(Some(Bootstrapped {
        organization: new.organization,
        admin_secret,
        generated,
        admin_user: new.admin_user,
    }))
}

pub async fn create(
    store: &(impl OrganizationStore + ?Sized),
    caller: &Principal,
    req: CreateOrganization,
) -> Result<OrganizationCreated> {
    caller.require(Scope::Platform)?;
    let mut checks = Checks::new();
    checks.text("name", Some(&req.name), MAX_NAME_CHARS, true);
    checks.finish()?;
    let new = new_organization(req.name.trim(), auth::generate_secret(), false);
    store.create_organization(&new).await?;
    Ok(OrganizationCreated {
        organization: new.organization,
        business_unit: new.business_unit,
        admin_user: new.admin_user,
        admin_key: new.admin_key,
    })
}

pub async fn list(
    store: &(impl OrganizationStore + ?Sized),
    caller: &Principal,
    paging: PagingParams,
) -> Result<List<Organization>> {
    caller.require(Scope::Platform)?;
    let page = paging.into_request()?;
    let rows = store.list_organizations(&page).await?;
    Ok(rows.into_list(page.limit, |o| o.id.as_uuid()))
}

/// The organization made on first start: where operators' links and people who join through
/// single sign-on land.
pub async fn first(store: &(impl OrganizationStore + ?Sized)) -> Result<Organization> {
    let page = crate::DirectoryPage {
        limit: 1,
        start: crate::paging::PageStart::After(None),
        include_total: false,
    };
    store
        .list_organizations(&page)
        .await?
        .items
        .into_iter()
        .next()
        .ok_or(crate::Error::NotFound(
            "organization (start the server once: it makes the first one)",
        ))
}

/// `GET /v1/organizations/current`: the caller's own organization.
pub async fn current(
    store: &(impl OrganizationStore + ?Sized),
    caller: &Principal,
) -> Result<Organization> {
    store.get_organization(caller.organization_id).await
}

/// `PATCH /v1/organizations/current` (admins): its name, and whether two factors are required.
pub async fn update_current(
    store: &(impl OrganizationStore + crate::PeopleStore + ?Sized),
    caller: &Principal,
    req: convo_types::UpdateOrganization,
) -> Result<Organization> {
    caller.require(Scope::Admin)?;
    let mut checks = Checks::new();
    checks.text(
        "name",
        req.name.as_deref(),
        MAX_NAME_CHARS,
        req.name.is_some(),
    );
    checks.finish()?;
    let mut organization = store.get_organization(caller.organization_id).await?;
    let mut changed = Vec::new();
    if let Some(name) = req.name {
        organization.name = name.trim().to_owned();
        changed.push("name");
    }
    if let Some(require) = req.require_totp {
        if require != organization.require_totp {
            changed.push("require_totp");
        }
        organization.require_totp = require;
    }
    organization.updated_at = Timestamp::now();
    store.update_organization(&organization).await?;
    crate::usecases::audit::Audit::new(
        convo_types::AuditAction::OrganizationChanged,
        &crate::usecases::audit::request_client(),
    )
    .by(caller)
    .on("organization", organization.id)
    .with("changed", changed)
    .with("require_totp", organization.require_totp)
    .record(store, caller.organization_id)
    .await;
    Ok(organization)
}
