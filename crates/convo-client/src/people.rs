//! People sign in: sessions, the acting user's own profile (`me`), two factors, password
//! resets and the audit log.

use convo_types::{
    AcceptInvitation, AuditAction, AuditEntry, CompletePasswordReset, CreateInvitation,
    CreateSession, DisableTotp, Invitation, InvitationId, InvitationInfo, List, Me,
    PasswordResetInfo, RecoveryCodes, RequestPasswordReset, Session, SessionId, TotpCode,
    TotpSetup, UpdateMe,
};
use reqwest::Method;
use serde::Serialize;

use crate::client::Credential;
use crate::{problem, Client, Error, Page, Result, NO_QUERY};

/// `/v1/sessions`.
pub struct Sessions<'a>(pub(crate) &'a Client);

/// A new session, and a client that acts as the person through it.
pub struct SignedIn {
    pub session: Session,
    pub client: Client,
}

impl Sessions<'_> {
    /// Signs a person in; the answer's `client` carries the session cookie and CSRF token.
    #[doc(alias = "createSession")]
    pub async fn create(&self, req: &CreateSession) -> Result<SignedIn> {
        signed_in(self.0, "/v1/sessions", req).await
    }
    #[doc(alias = "getCurrentSession")]
    pub async fn current(&self) -> Result<Session> {
        self.0.get("/v1/sessions/current", &NO_QUERY).await
    }
    /// Signs out: the session ends on the server.
    #[doc(alias = "deleteCurrentSession")]
    pub async fn sign_out(&self) -> Result<()> {
        self.0.delete("/v1/sessions/current").await
    }
    #[doc(alias = "listSessions")]
    pub async fn list(&self, page: &Page) -> Result<List<Session>> {
        self.0.get("/v1/sessions", page).await
    }
    /// Ends one of the acting user's sessions.
    #[doc(alias = "deleteSession")]
    pub async fn delete(&self, id: SessionId) -> Result<()> {
        self.0.delete(&format!("/v1/sessions/{id}")).await
    }
    /// Where a browser goes to sign in with the configured OpenID provider (a redirect, so a
    /// URL to open rather than a call).
    #[doc(alias = "startOidcSignIn")]
    pub fn oidc_login_url(&self) -> String {
        format!("{}/auth/oidc/login", self.0.base_url())
    }
    /// Where the provider sends the browser back: register it at the provider.
    #[doc(alias = "finishOidcSignIn")]
    pub fn oidc_callback_url(&self) -> String {
        format!("{}/auth/oidc/callback", self.0.base_url())
    }
}

/// Posts what makes a session (signing in, accepting an invitation) without a credential,
/// and answers a client that acts through the session it set.
async fn signed_in(client: &Client, path: &str, body: &impl Serialize) -> Result<SignedIn> {
    let anonymous = client.with_credential(Credential::Anonymous);
    let response = anonymous
        .execute(anonymous.request(Method::POST, path).json(body))
        .await?;
    let status = response.status();
    let token = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("convo_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    let bytes = response.bytes().await?;
    if !status.is_success() {
        return Err(problem(status, &bytes));
    }
    let unexpected = || Error::Unexpected {
        status: status.as_u16(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let session: Session = serde_json::from_slice(&bytes).map_err(|_| unexpected())?;
    let token = token.ok_or_else(unexpected)?;
    let csrf = session.csrf_token.clone().unwrap_or_default();
    Ok(SignedIn {
        client: client.with_session(token, csrf),
        session,
    })
}

/// `/v1/me`.
pub struct MeApi<'a>(pub(crate) &'a Client);

impl MeApi<'_> {
    #[doc(alias = "getMe")]
    pub async fn get(&self) -> Result<Me> {
        self.0.get("/v1/me", &NO_QUERY).await
    }
    #[doc(alias = "updateMe")]
    pub async fn update(&self, req: &UpdateMe) -> Result<Me> {
        self.0.patch("/v1/me", req).await
    }
    /// A new TOTP secret (two factors are on after `confirm_totp`).
    #[doc(alias = "startTotp")]
    pub async fn start_totp(&self) -> Result<TotpSetup> {
        self.0
            .send(self.0.request(Method::POST, "/v1/me/totp"))
            .await
    }
    #[doc(alias = "confirmTotp")]
    pub async fn confirm_totp(&self, code: &str) -> Result<RecoveryCodes> {
        self.0
            .post(
                "/v1/me/totp/confirm",
                &TotpCode {
                    code: code.to_owned(),
                },
            )
            .await
    }
    #[doc(alias = "disableTotp")]
    pub async fn disable_totp(&self, password: &str) -> Result<()> {
        let body = DisableTotp {
            password: password.to_owned(),
        };
        self.0
            .send_empty(self.0.request(Method::DELETE, "/v1/me/totp").json(&body))
            .await
    }
}

/// `/v1/password-resets`: these need no key.
pub struct PasswordResets<'a>(pub(crate) &'a Client);

impl PasswordResets<'_> {
    /// Asks for a link mailed to `email` (always accepted: the answer tells nothing).
    #[doc(alias = "requestPasswordReset")]
    pub async fn request(&self, email: &str) -> Result<()> {
        let body = RequestPasswordReset {
            email: email.to_owned(),
        };
        self.0
            .send_empty(
                self.0
                    .request(Method::POST, "/v1/password-resets")
                    .json(&body),
            )
            .await
    }
    #[doc(alias = "getPasswordReset")]
    pub async fn get(&self, token: &str) -> Result<PasswordResetInfo> {
        self.0
            .get(&format!("/v1/password-resets/{token}"), &NO_QUERY)
            .await
    }
    /// Sets the password with the link's token; every session of the person ends.
    #[doc(alias = "completePasswordReset")]
    pub async fn complete(&self, token: &str, req: &CompletePasswordReset) -> Result<()> {
        self.0
            .send_empty(
                self.0
                    .request(Method::POST, &format!("/v1/password-resets/{token}"))
                    .json(req),
            )
            .await
    }
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<AuditAction>,
}

/// `/v1/audit-log`.
pub struct AuditLog<'a>(pub(crate) &'a Client);

impl AuditLog<'_> {
    /// Newest first.
    #[doc(alias = "listAuditLog")]
    pub async fn list(&self, query: &AuditQuery, page: &Page) -> Result<List<AuditEntry>> {
        self.0
            .send(
                self.0
                    .request(Method::GET, "/v1/audit-log")
                    .query(query)
                    .query(page),
            )
            .await
    }
}

/// `/v1/invitations`.
pub struct Invitations<'a>(pub(crate) &'a Client);

impl Invitations<'_> {
    /// Invites a person (admins); the answer holds the link's `url` and `token`, once.
    #[doc(alias = "createInvitation")]
    pub async fn create(&self, req: &CreateInvitation) -> Result<Invitation> {
        self.0.post("/v1/invitations", req).await
    }
    #[doc(alias = "listInvitations")]
    pub async fn list(&self, page: &Page) -> Result<List<Invitation>> {
        self.0.get("/v1/invitations", page).await
    }
    /// Revokes an invitation.
    #[doc(alias = "deleteInvitation")]
    pub async fn delete(&self, id: InvitationId) -> Result<()> {
        self.0.delete(&format!("/v1/invitations/{id}")).await
    }
    /// What a link's token invites to (no key needed).
    #[doc(alias = "getInvitation")]
    pub async fn get(&self, token: &str) -> Result<InvitationInfo> {
        self.0
            .get(&format!("/v1/invitations/{token}"), &NO_QUERY)
            .await
    }
    /// Accepts with a name and a password; the answer's `client` is the person, signed in.
    #[doc(alias = "acceptInvitation")]
    pub async fn accept(&self, token: &str, req: &AcceptInvitation) -> Result<SignedIn> {
        signed_in(self.0, &format!("/v1/invitations/{token}/accept"), req).await
    }
}
