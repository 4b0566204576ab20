//! The audit log: who did what security-relevant thing, when and from where. Admins read it.

use convo_types::{
    AuditAction, AuditActorType, AuditEntry, AuditEntryId, JsonObject, List, OrganizationId, Scope,
    Timestamp, UserId,
};

use crate::auth::{Credential, Principal};
use crate::paging::PagingParams;
use crate::{AuditFilter, PeopleStore, Result};

/// Where a request came from, as the server saw it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

tokio::task_local! {
    /// Where the request being served came from, set by the server around each request, for
    /// the entries of use cases that are not told (the directory's).
    pub static REQUEST_CLIENT: ClientInfo;
}

/// The client of the request being served, when the server said.
pub fn request_client() -> ClientInfo {
    REQUEST_CLIENT.try_with(Clone::clone).unwrap_or_default()
}

/// Longest user agent kept: enough to tell browsers apart.
const MAX_USER_AGENT_CHARS: usize = 256;

impl ClientInfo {
    pub fn new(ip: Option<String>, user_agent: Option<&str>) -> Self {
        ClientInfo {
            ip,
            user_agent: user_agent.map(|ua| {
                ua.chars()
                    .filter(|c| !c.is_control())
                    .take(MAX_USER_AGENT_CHARS)
                    .collect()
            }),
        }
    }
}

/// One entry to record.
pub struct Audit<'a> {
    pub action: AuditAction,
    /// `None`: no one signed in.
    pub actor: Option<&'a Principal>,
    /// A person not (yet) signed in whom the action concerns (see [`Audit::about`]).
    anonymous_user: Option<UserId>,
    pub target: Option<(&'static str, String)>,
    pub client: &'a ClientInfo,
    pub detail: JsonObject,
}

impl<'a> Audit<'a> {
    pub fn new(action: AuditAction, client: &'a ClientInfo) -> Self {
        Audit {
            action,
            actor: None,
            anonymous_user: None,
            target: None,
            client,
            detail: JsonObject::new(),
        }
    }

    pub fn by(mut self, actor: &'a Principal) -> Self {
        self.actor = Some(actor);
        self
    }

    /// An action about a person who is not signed in (a failed sign-in, a reset link): they
    /// are its target, and its actor's id.
    pub fn about(mut self, user: UserId) -> Self {
        self.anonymous_user = Some(user);
        self.on("user", user)
    }

    pub fn on(mut self, kind: &'static str, id: impl ToString) -> Self {
        self.target = Some((kind, id.to_string()));
        self
    }

    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.detail.insert(key.to_owned(), value.into());
        self
    }

    /// Records the entry. A failure to record is logged, not answered: the action itself
    /// has happened.
    pub async fn record(self, store: &(impl PeopleStore + ?Sized), org: OrganizationId) {
        let mut detail = self.detail;
        let (actor_type, actor_id) = match self.actor {
            Some(actor) => {
                let via = match actor.credential {
                    Credential::ApiKey(id) => ("api_key_id", id.to_string()),
                    Credential::Session(id) => ("session_id", id.to_string()),
                };
                detail.insert(via.0.to_owned(), via.1.into());
                (AuditActorType::User, Some(actor.user_id.to_string()))
            }
            None => (
                AuditActorType::Anonymous,
                self.anonymous_user.map(|id| id.to_string()),
            ),
        };
        let (target_type, target_id) = match self.target {
            Some((kind, id)) => (Some(kind.to_owned()), Some(id)),
            None => (None, None),
        };
        let entry = AuditEntry {
            object_name: "audit_entry".into(),
            id: AuditEntryId::new(),
            action: self.action,
            actor_type,
            actor_id,
            target_type,
            target_id,
            ip: self.client.ip.clone(),
            user_agent: self.client.user_agent.clone(),
            detail,
            created_at: Timestamp::now(),
        };
        if let Err(error) = store.record_audit(org, &entry).await {
            tracing::error!(%error, action = %entry.action, "could not record an audit entry");
        }
    }
}

/// `GET /v1/audit-log`: admins only, newest first.
pub async fn list(
    store: &(impl PeopleStore + ?Sized),
    caller: &Principal,
    filter: AuditFilter,
    paging: PagingParams,
) -> Result<List<AuditEntry>> {
    caller.require(Scope::Admin)?;
    let page = paging.into_request()?;
    let rows = store
        .list_audit(caller.organization_id, &filter, &page)
        .await?;
    Ok(rows.into_list(page.limit, |e| e.id.as_uuid()))
}
