//! Single sign-on: who a person verified by their OpenID provider is here. The protocol (code
//! flow, PKCE, the ID token's signature, audience and nonce) is the server's, with the
//! `openidconnect` crate; the rule of whom it signs in is this.

use convo_types::{AuditAction, ErrorCode, Timestamp, User, UserId, UserKind, UserRole};

use super::audit::{Audit, ClientInfo};
use super::invitations;
use super::sessions::{self, SignedIn};
use crate::people::{self, SessionPolicy};
use crate::{DirectoryStore, Error, InvitationStore, OrganizationStore, PeopleStore, Result};

/// What the provider's verified ID token says of the person.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// A refusal the person sees (`403 sso_failed`), recorded when it names someone.
pub fn refused(message: impl Into<String>) -> Error {
    Error::Forbidden {
        code: ErrorCode::SsoFailed,
        message: message.into(),
    }
}

/// Whether `email`'s domain is one of `allowed` (case ignored; `*.example.com` allows its
/// subdomains).
pub fn domain_allowed(email: &str, allowed: &[String]) -> bool {
    let Some((_, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_lowercase();
    allowed.iter().any(|rule| {
        let rule = rule.trim().to_lowercase();
        match rule.strip_prefix("*.") {
            Some(parent) => domain.ends_with(&format!(".{parent}")),
            None => !rule.is_empty() && domain == rule,
        }
    })
}

/// Signs the person in: matched by verified email to a person here, or to a pending
/// invitation (which they join); anyone else joins the first organization as an agent only
/// when their email's domain is allowed.
pub async fn sign_in(
    store: &(impl PeopleStore + InvitationStore + DirectoryStore + OrganizationStore + ?Sized),
    policy: SessionPolicy,
    identity: Identity,
    allowed_domains: &[String],
    client: &ClientInfo,
) -> Result<SignedIn> {
    let email = identity
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| refused("the provider did not give an email address"))?;
    if !identity.email_verified {
        return Err(refused(
            "the provider has not verified this email address: verify it there first",
        ));
    }
    let key = people::email_key(email);
    let known = store.find_people(&key).await?;
    if let Some(person) = sessions::the_person(&known) {
        let user = &person.user;
        if !user.active || user.kind != UserKind::Human {
            let audit = Audit::new(AuditAction::SessionFailed, client)
                .about(user.id)
                .with("reason", "inactive")
                .with("via", "oidc");
            audit.record(store, user.organization_id).await;
            return Err(refused("this account is deactivated"));
        }
        return sessions::start(store, policy, user, "oidc", client).await;
    }
    let now = Timestamp::now();
    let name = identity.name.clone().unwrap_or_else(|| email.to_owned());
    if let Some(invitation) = store.find_invitation_by_email(&key, now).await? {
        let user = invitations::invited_user(&invitation, &name, now);
        return invitations::join(store, policy, &invitation, user, None, "oidc", client).await;
    }
    if !domain_allowed(email, allowed_domains) {
        return Err(refused(
            "no one here has this email, and its domain may not join: ask an admin for an \
             invitation",
        ));
    }
    let first = super::organizations::first(store).await?;
    let user = User {
        object_name: "user".into(),
        id: UserId::new(),
        organization_id: first.id,
        name,
        email: Some(email.to_owned()),
        kind: UserKind::Human,
        role: UserRole::Agent,
        avatar_url: None,
        business_unit_ids: Vec::new(),
        active: true,
        presence: convo_types::Presence::Offline,
        created_at: now,
        updated_at: now,
    };
    store.insert_user(&user).await?;
    Audit::new(AuditAction::UserCreated, client)
        .on("user", user.id)
        .with("via", "oidc")
        .with("issuer", identity.issuer)
        .record(store, user.organization_id)
        .await;
    sessions::start(store, policy, &user, "oidc", client).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_match_exactly_or_as_subdomains() {
        let allowed = vec!["example.com".to_owned(), "*.corp.test".to_owned()];
        assert!(domain_allowed("a@Example.COM", &allowed));
        assert!(domain_allowed("a@eu.corp.test", &allowed));
        assert!(!domain_allowed("a@corp.test", &allowed));
        assert!(!domain_allowed("a@example.com.evil.test", &allowed));
        assert!(!domain_allowed("a@notexample.com", &allowed));
        assert!(!domain_allowed("a@example.com", &[]));
    }
}
