//! Single sign-on with OpenID Connect, by the `openidconnect` crate: the authorization code
//! flow with PKCE, `state` and `nonce`; the ID token's signature, issuer and audience checked
//! against the provider's discovery document and keys. Whom it signs in is convo-core's rule
//! (`usecases::sso`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use convo_core::usecases::sso::{self, Identity};
use convo_types::ErrorCode;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse,
};
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::error::ApiError;

/// The flow's cookie: `state`, `nonce` and the PKCE verifier between the redirect to the
/// provider and its answer (HttpOnly, only for `/auth/oidc`, ten minutes).
pub const FLOW_COOKIE: &str = "convo_oidc";
pub const FLOW_SECONDS: i64 = 600;

/// The configured provider.
pub struct Oidc {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: ClientSecret,
    redirect: RedirectUrl,
    pub allowed_domains: Vec<String>,
    http: openidconnect::reqwest::Client,
}

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// What the flow cookie keeps.
#[derive(Serialize, Deserialize)]
pub struct Flow {
    state: String,
    nonce: String,
    verifier: String,
}

impl Flow {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(text: &str) -> Option<Self> {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(text).ok()?).ok()
    }
}

fn unavailable(detail: impl std::fmt::Display) -> ApiError {
    tracing::warn!(error = %detail, "the OpenID provider could not be used");
    ApiError::new(
        axum::http::StatusCode::BAD_GATEWAY,
        ErrorCode::SsoFailed,
        "the sign-in provider could not be reached or answered wrongly; try again later",
    )
}

impl Oidc {
    /// The provider the settings name, or `None` when single sign-on is not configured.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Option<Self>> {
        let (Some(issuer), Some(id)) = (&settings.oidc_issuer, &settings.oidc_client_id) else {
            return Ok(None);
        };
        let secret = settings
            .oidc_client_secret
            .clone()
            .ok_or_else(|| anyhow::anyhow!("--oidc-client-secret is needed with --oidc-issuer"))?;
        let http = openidconnect::reqwest::ClientBuilder::new()
            // The provider's answers are read as they are: a redirect is not followed (SSRF).
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()?;
        Ok(Some(Oidc {
            issuer: IssuerUrl::new(issuer.clone())
                .map_err(|e| anyhow::anyhow!("--oidc-issuer: {e}"))?,
            client_id: ClientId::new(id.clone()),
            client_secret: ClientSecret::new(secret),
            redirect: RedirectUrl::new(format!("{}/auth/oidc/callback", settings.public_url()))
                .map_err(|e| anyhow::anyhow!("--public-url: {e}"))?,
            allowed_domains: settings.oidc_allowed_domains.clone(),
            http,
        }))
    }

    /// The provider's discovery document and keys, read for each sign-in (sign-ins are rare;
    /// a provider that rotates its keys is followed at once).
    async fn client(&self) -> Result<Client, ApiError> {
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(unavailable)?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            self.client_id.clone(),
            Some(self.client_secret.clone()),
        )
        .set_redirect_uri(self.redirect.clone()))
    }

    /// Where to send the browser, and the flow to keep in its cookie.
    pub async fn start(&self) -> Result<(String, Flow), ApiError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        let flow = Flow {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
        };
        Ok((url.to_string(), flow))
    }

    /// The person the provider's answer names: `state` must be the flow's, the code is
    /// exchanged with the PKCE verifier, and the ID token verified (signature by the
    /// provider's keys, issuer, audience, expiry, nonce).
    pub async fn finish(&self, flow: &Flow, state: &str, code: &str) -> Result<Identity, ApiError> {
        if !convo_core::people::same_secret(&flow.state, state) {
            return Err(sso::refused(
                "the sign-in did not start here (its state does not match): start again",
            )
            .into());
        }
        let client = self.client().await?;
        let exchange = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(unavailable)?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier.clone()));
        let tokens = exchange.request_async(&self.http).await.map_err(|error| {
            tracing::info!(%error, "the OpenID provider refused the code");
            ApiError::from(sso::refused(
                "the provider refused this sign-in (the code was used, expired or is not \
                 ours): start again",
            ))
        })?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| unavailable("no ID token in the token answer"))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(flow.nonce.clone()))
            .map_err(|error| {
                tracing::warn!(%error, "an ID token failed verification");
                ApiError::from(sso::refused("the provider's ID token did not verify"))
            })?;
        Ok(Identity {
            issuer: claims.issuer().to_string(),
            subject: claims.subject().to_string(),
            email: claims.email().map(|e| e.to_string()),
            email_verified: claims.email_verified().unwrap_or(false),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
        })
    }
}
