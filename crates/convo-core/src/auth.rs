//! API keys and what the caller holding one may do.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use convo_types::{
    ApiKey, ApiKeyId, AuthMethod, BusinessUnitId, ErrorCode, OrganizationId, Participant, Scope,
    SessionId, User, UserId, UserRole,
};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// Every key starts with this, so leaked keys are easy to find in code and logs.
pub const KEY_PREFIX: &str = "convo_sk_";
/// How many characters of a key's secret part its shown prefix reveals: enough to tell keys
/// apart in a list, too few to matter even for a short operator-chosen key.
const SHOWN_SECRET_CHARS: usize = 4;

/// A new API key secret: 256 random bits. It is shown once; only its hash is stored.
pub struct NewSecret {
    pub secret: String,
    pub hash: String,
    pub prefix: String,
}

pub fn generate_secret() -> NewSecret {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    from_secret(format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// Derives hash and shown prefix from a given secret (`CONVO_ADMIN_KEY`).
pub fn from_secret(secret: String) -> NewSecret {
    let hash = hash_secret(&secret);
    let prefix = shown_prefix(&secret);
    NewSecret {
        secret,
        hash,
        prefix,
    }
}

/// What lists show of a key: `convo_sk_` and the next four characters (or the first four of a
/// key chosen without `convo_sk_`).
fn shown_prefix(secret: &str) -> String {
    let (standard, rest) = match secret.strip_prefix(KEY_PREFIX) {
        Some(rest) => (KEY_PREFIX, rest),
        None => ("", secret),
    };
    let shown: String = rest.chars().take(SHOWN_SECRET_CHARS).collect();
    format!("{standard}{shown}")
}

/// Keys carry 256 bits of entropy, so one SHA-256 is enough: there is nothing to brute-force,
/// and a lookup per request stays cheap.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The caller of a request: an API key of one organization acting as one user, or a person
/// signed in with a session, acting as themselves with their role's scopes.
#[derive(Debug, Clone)]
pub struct Principal {
    pub organization_id: OrganizationId,
    pub credential: Credential,
    pub user_id: UserId,
    pub scopes: Vec<Scope>,
    /// Empty: every business unit of the organization.
    pub business_unit_ids: Vec<BusinessUnitId>,
    /// A person whose organization requires two factors and who has none yet: they may only
    /// set them up (no scope is granted until then).
    pub setup_only: bool,
}

/// What authenticated the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    ApiKey(ApiKeyId),
    Session(SessionId),
}

/// What an agent signed in as a person may do: conversations, messages and contacts (of their
/// business units); the directory they may only read, which needs no scope.
const AGENT_SCOPES: [Scope; 6] = [
    Scope::ConversationsRead,
    Scope::ConversationsWrite,
    Scope::MessagesRead,
    Scope::MessagesWrite,
    Scope::ContactsRead,
    Scope::ContactsWrite,
];

impl Principal {
    /// A person signed in: their role gives the scopes, their business units the visibility
    /// (an admin sees every unit of the organization).
    pub fn for_session(user: &User, session: SessionId) -> Self {
        let (scopes, business_unit_ids) = match user.role {
            UserRole::Admin => (vec![Scope::Admin], Vec::new()),
            UserRole::Agent => (AGENT_SCOPES.to_vec(), user.business_unit_ids.clone()),
        };
        Principal {
            organization_id: user.organization_id,
            credential: Credential::Session(session),
            user_id: user.id,
            scopes,
            business_unit_ids,
            setup_only: false,
        }
    }

    /// A session that may only set up two factors (see [`Principal::setup_only`]).
    pub fn setup_only(mut self) -> Self {
        self.scopes.clear();
        self.setup_only = true;
        self
    }

    pub fn api_key_id(&self) -> Option<ApiKeyId> {
        match self.credential {
            Credential::ApiKey(id) => Some(id),
            Credential::Session(_) => None,
        }
    }

    pub fn session_id(&self) -> Option<SessionId> {
        match self.credential {
            Credential::Session(id) => Some(id),
            Credential::ApiKey(_) => None,
        }
    }

    pub fn method(&self) -> AuthMethod {
        match self.credential {
            Credential::ApiKey(_) => AuthMethod::ApiKey,
            Credential::Session(_) => AuthMethod::Session,
        }
    }
}

impl From<&ApiKey> for Principal {
    fn from(key: &ApiKey) -> Self {
        Principal {
            organization_id: key.organization_id,
            credential: Credential::ApiKey(key.id),
            user_id: key.user_id,
            scopes: key.scopes.clone(),
            business_unit_ids: key.business_unit_ids.clone(),
            setup_only: false,
        }
    }
}

impl Principal {
    /// A platform operator outside any organization: what tools and tests use to create
    /// organizations directly through the use cases (over HTTP, the first key holds it).
    pub fn platform_operator() -> Self {
        Principal {
            organization_id: OrganizationId::new(),
            credential: Credential::ApiKey(ApiKeyId::new()),
            user_id: UserId::new(),
            scopes: vec![Scope::Platform],
            business_unit_ids: vec![],
            setup_only: false,
        }
    }

    /// `admin` implies every scope of its organization; `platform` only itself.
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
            || (scope != Scope::Platform && self.scopes.contains(&Scope::Admin))
    }

    pub fn require(&self, scope: Scope) -> Result<()> {
        if self.has(scope) {
            Ok(())
        } else if self.setup_only {
            Err(Error::Forbidden {
                code: ErrorCode::TotpSetupRequired,
                message: "your organization requires two factors: set them up first \
                          (`POST /v1/me/totp`, then `POST /v1/me/totp/confirm`)"
                    .into(),
            })
        } else {
            Err(Error::Forbidden {
                code: ErrorCode::MissingScope,
                message: match self.credential {
                    Credential::ApiKey(_) => format!("this API key lacks the `{scope}` scope"),
                    Credential::Session(_) => {
                        format!("your role does not allow this (it needs `{scope}`)")
                    }
                },
            })
        }
    }

    pub fn is_admin(&self) -> bool {
        self.has(Scope::Admin)
    }

    pub fn sees_business_unit(&self, id: BusinessUnitId) -> bool {
        self.business_unit_ids.is_empty() || self.business_unit_ids.contains(&id)
    }

    /// The business units a query may touch: `None` for all, else the allowed ones, narrowed
    /// by an explicit filter (which may leave none).
    pub fn business_unit_scope(
        &self,
        filter: Option<BusinessUnitId>,
    ) -> Option<Vec<BusinessUnitId>> {
        match filter {
            Some(id) if self.sees_business_unit(id) => Some(vec![id]),
            Some(_) => Some(Vec::new()),
            None if self.business_unit_ids.is_empty() => None,
            None => Some(self.business_unit_ids.clone()),
        }
    }

    pub fn actor(&self) -> Participant {
        Participant {
            participant_type: "user".to_owned(),
            id: Some(self.user_id.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(scopes: Vec<Scope>) -> Principal {
        Principal {
            organization_id: OrganizationId::new(),
            credential: Credential::ApiKey(ApiKeyId::new()),
            user_id: UserId::new(),
            scopes,
            business_unit_ids: vec![],
            setup_only: false,
        }
    }

    #[test]
    fn admin_implies_everything_but_platform() {
        let admin = principal(vec![Scope::Admin]);
        assert!(admin.has(Scope::ConversationsDelete));
        assert!(!admin.has(Scope::Platform));
        let reader = principal(vec![Scope::ConversationsRead]);
        assert!(reader.require(Scope::ConversationsWrite).is_err());
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = generate_secret();
        let b = generate_secret();
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with(KEY_PREFIX));
        assert_eq!(a.hash, hash_secret(&a.secret));
        assert_eq!(a.hash.len(), 64);
        assert!(a.secret.starts_with(&a.prefix));
        assert_eq!(a.prefix.len(), KEY_PREFIX.len() + SHOWN_SECRET_CHARS);
    }

    #[test]
    fn a_chosen_key_shows_four_characters_of_its_secret() {
        let chosen = from_secret("convo_sk_local_dev_key".into());
        assert_eq!(chosen.prefix, "convo_sk_loca");
        assert_eq!(from_secret("my-own-admin-secret".into()).prefix, "my-o");
    }

    #[test]
    fn business_unit_scope_narrows_and_never_widens() {
        let mut p = principal(vec![Scope::Admin]);
        let bu = BusinessUnitId::new();
        assert_eq!(p.business_unit_scope(None), None);
        assert_eq!(p.business_unit_scope(Some(bu)), Some(vec![bu]));
        p.business_unit_ids = vec![bu];
        assert_eq!(p.business_unit_scope(None), Some(vec![bu]));
        assert_eq!(
            p.business_unit_scope(Some(BusinessUnitId::new())),
            Some(vec![])
        );
    }
}
