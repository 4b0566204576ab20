//! People sign in over HTTP: the cookie, CSRF, one visibility rule through a session, two
//! factors, resets and the audit log, through the Rust client and raw requests.

use convo_client::{AuditQuery, Client, ConversationFilters, Page};
use convo_types::{
    AcceptInvitation, AuditAction, AuthMethod, CompletePasswordReset, CreateApiKey,
    CreateBusinessUnit, CreateConversation, CreateInvitation, CreateSession, CreateUser, ErrorCode,
    Scope, UpdateMe, UpdateUser, User, UserRole,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

const PASSWORD: &str = "tulip-orbit-cascade-91";

fn sign_in_request(email: &str, password: &str) -> CreateSession {
    CreateSession {
        email: email.into(),
        password: password.into(),
        totp: None,
        recovery_code: None,
    }
}

/// A person with a password, set through a key acting as them (`PATCH /v1/me`); the key is
/// revoked after.
async fn person(
    server: &TestServer,
    email: &str,
    role: UserRole,
    units: Vec<convo_types::BusinessUnitId>,
) -> User {
    let user = server
        .admin
        .users()
        .create(&CreateUser {
            name: email.split('@').next().unwrap().into(),
            email: Some(email.into()),
            role: Some(role),
            business_unit_ids: Some(units),
            ..Default::default()
        })
        .await
        .unwrap();
    let key = server
        .admin
        .api_keys()
        .create(&CreateApiKey {
            name: "way in".into(),
            scopes: vec![Scope::ConversationsRead],
            user_id: Some(user.id),
            business_unit_ids: None,
        })
        .await
        .unwrap();
    let own = server.admin.with_api_key(key.secret.clone().unwrap());
    let me = own
        .me()
        .update(&UpdateMe {
            password: Some(PASSWORD.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(me.has_password);
    assert_eq!(me.authenticated_by, AuthMethod::ApiKey);
    server.admin.api_keys().delete(key.id).await.unwrap();
    user
}

async fn sign_in(server: &TestServer, email: &str) -> Client {
    Client::anonymous(&server.url)
        .unwrap()
        .sessions()
        .create(&sign_in_request(email, PASSWORD))
        .await
        .unwrap()
        .client
}

#[tokio::test]
async fn an_agent_signs_in_and_sees_only_their_units() {
    let server = TestServer::start().await;
    let unit = |name: &str| CreateBusinessUnit {
        name: name.into(),
        metadata: None,
        auto_resolve_after: None,
    };
    let sales = server
        .admin
        .business_units()
        .create(&unit("Sales"))
        .await
        .unwrap();
    let support = server
        .admin
        .business_units()
        .create(&unit("Support"))
        .await
        .unwrap();
    let conversation = |name: &str, unit| CreateConversation {
        name: Some(name.into()),
        business_unit_id: Some(unit),
        ..Default::default()
    };
    let theirs = server
        .admin
        .conversations()
        .create(&conversation("refund for Sales", sales.id))
        .await
        .unwrap();
    let hidden = server
        .admin
        .conversations()
        .create(&conversation("refund for Support", support.id))
        .await
        .unwrap();
    let agent = person(&server, "kim@example.com", UserRole::Agent, vec![sales.id]).await;

    let anonymous = Client::anonymous(&server.url).unwrap();
    let signed_in = anonymous
        .sessions()
        .create(&sign_in_request("KIM@example.com ", PASSWORD))
        .await
        .unwrap();
    assert_eq!(signed_in.session.user.id, agent.id);
    let kim = signed_in.client;
    assert_eq!(
        kim.me().get().await.unwrap().authenticated_by,
        AuthMethod::Session
    );

    // Lists, search, counts and direct reads all see Sales only.
    let listed = kim
        .conversations()
        .list(&ConversationFilters::default(), &Page::default())
        .await
        .unwrap();
    assert_eq!(
        listed.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![theirs.id]
    );
    let found = kim
        .conversations()
        .search("refund", None, None, None)
        .await
        .unwrap();
    assert_eq!(
        found
            .data
            .iter()
            .map(|h| h.conversation.id)
            .collect::<Vec<_>>(),
        vec![theirs.id]
    );
    assert_eq!(
        kim.conversations()
            .get(hidden.id)
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
    assert!(kim.conversations().get(theirs.id).await.is_ok());
    let counts = kim
        .conversations()
        .get_views_count(&ConversationFilters::default())
        .await
        .unwrap();
    assert_eq!(counts.all, 1, "counts see Sales only");
    let events = kim.events().list(None, Some(100)).await.unwrap();
    assert!(!events.data.is_empty());
    assert!(events
        .data
        .iter()
        .all(|e| e.conversation_id == Some(theirs.id)));
    // The live stream, from the start, replays Sales only.
    let mut stream = kim
        .events()
        .stream(&Default::default(), Some(0))
        .await
        .unwrap();
    let mut streamed = Vec::new();
    while let Ok(Ok(convo_client::StreamItem::Event(event))) =
        tokio::time::timeout(std::time::Duration::from_millis(500), stream.next()).await
    {
        streamed.push(event.conversation_id);
    }
    assert!(!streamed.is_empty());
    assert!(
        streamed.iter().all(|id| *id == Some(theirs.id)),
        "{streamed:?}"
    );
    // An agent reads the directory but does not change it.
    assert!(kim.users().list(&Page::default()).await.is_ok());
    let denied = kim
        .business_units()
        .create(&unit("Mine"))
        .await
        .unwrap_err();
    assert_eq!(denied.status(), Some(403));
    // Writes within their units work (the client sends the CSRF token).
    let made = kim
        .conversations()
        .create(&conversation("from the inbox", sales.id))
        .await
        .unwrap();
    assert_eq!(made.business_unit_id, sales.id);

    // Moved to Support, the same session sees Support.
    server
        .admin
        .users()
        .update(
            agent.id,
            &UpdateUser {
                business_unit_ids: Some(vec![support.id]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(kim.conversations().get(hidden.id).await.is_ok());

    kim.sessions().sign_out().await.unwrap();
    assert_eq!(kim.me().get().await.unwrap_err().status(), Some(401));
    server.stop().await;
}

#[tokio::test]
async fn cookie_writes_need_the_csrf_token_and_bearer_ignores_cookies() {
    let server = TestServer::start().await;
    person(&server, "lan@example.com", UserRole::Admin, vec![]).await;
    let response = server
        .http
        .post(format!("{}/v1/sessions", server.url))
        .json(&json!({"email": "lan@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        set_cookie.starts_with("convo_session=convo_ses_"),
        "{set_cookie}"
    );
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "plain http: {set_cookie}");
    let session: serde_json::Value = response.json().await.unwrap();
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let with_cookie = |method: Method, path: &str| {
        server
            .http
            .request(method, format!("{}{path}", server.url))
            .header("cookie", &cookie)
    };
    let body = json!({"name": "csrf"});
    expect_problems([
        (
            with_cookie(Method::POST, "/v1/conversations").json(&body),
            StatusCode::FORBIDDEN,
            "csrf_failed",
        ),
        (
            with_cookie(Method::POST, "/v1/conversations")
                .header("x-csrf-token", "forged")
                .json(&body),
            StatusCode::FORBIDDEN,
            "csrf_failed",
        ),
        (
            with_cookie(Method::POST, "/v1/conversations")
                .header("x-csrf-token", &csrf)
                .header("origin", "https://attacker.example")
                .json(&body),
            StatusCode::FORBIDDEN,
            "csrf_failed",
        ),
        (
            with_cookie(Method::POST, "/v1/conversations")
                .header("x-csrf-token", &csrf)
                .header("sec-fetch-site", "cross-site")
                .json(&body),
            StatusCode::FORBIDDEN,
            "csrf_failed",
        ),
        // A request with `Authorization` never falls back to the cookie.
        (
            with_cookie(Method::GET, "/v1/me").bearer_auth("convo_sk_not_a_key"),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
    ])
    .await;
    let made = with_cookie(Method::POST, "/v1/conversations")
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    // Reads need no token; the current session answers it again after a reload.
    let current: serde_json::Value = with_cookie(Method::GET, "/v1/sessions/current")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(current["csrf_token"], json!(csrf));
    // With an API key there is no current session.
    let (status, problem) = answer(
        server
            .raw(Method::GET, "/v1/sessions/current")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );

    let signed_out = with_cookie(Method::DELETE, "/v1/sessions/current")
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), StatusCode::NO_CONTENT);
    assert!(signed_out.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (status, _) = answer(with_cookie(Method::GET, "/v1/me").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn wrong_emails_and_passwords_answer_alike_and_are_slowed() {
    let server = TestServer::start().await;
    person(&server, "mai@example.com", UserRole::Agent, vec![]).await;
    let anonymous = Client::anonymous(&server.url).unwrap().with_retries(0);
    for (email, password) in [
        ("mai@example.com", "not-the-password"),
        ("nobody@example.com", PASSWORD),
    ] {
        let error = anonymous
            .sessions()
            .create(&sign_in_request(email, password))
            .await
            .err()
            .unwrap();
        assert_eq!(
            (error.status(), error.code()),
            (Some(401), Some(ErrorCode::InvalidCredentials)),
            "{email}"
        );
    }
    // Bad input is a clear refusal, never a 500: NUL, a huge password, a malformed email.
    let huge = "x".repeat(5_000);
    expect_problems([
        (
            server
                .http
                .post(format!("{}/v1/sessions", server.url))
                .json(&json!({"email": "mai@example.com", "password": huge})),
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        ),
        (
            server
                .http
                .post(format!("{}/v1/sessions", server.url))
                .json(&json!({"email": "mai@example.com", "password": "a\u{0}b"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .http
                .post(format!("{}/v1/sessions", server.url))
                .json(&json!({"email": "not an email", "password": PASSWORD})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ])
    .await;
    // Ten attempts per account at once, then one every 30 s: the right password waits too.
    let mut limited = None;
    for _ in 0..12 {
        if let Err(error) = anonymous
            .sessions()
            .create(&sign_in_request("Mai@example.com", "still-wrong-password"))
            .await
        {
            if error.status() == Some(429) {
                limited = Some(error);
                break;
            }
        }
    }
    let limited = limited.expect("sign-ins are slowed after ten attempts");
    assert_eq!(limited.code(), Some(ErrorCode::RateLimited));
    let right = anonymous
        .sessions()
        .create(&sign_in_request("mai@example.com", PASSWORD))
        .await
        .err()
        .unwrap();
    assert_eq!(
        right.status(),
        Some(429),
        "a guesser past the budget learns nothing"
    );
    server.stop().await;
}

#[tokio::test]
async fn two_factors_and_password_changes_over_http() {
    let server = TestServer::start().await;
    person(&server, "an@example.com", UserRole::Agent, vec![]).await;
    let laptop = sign_in(&server, "an@example.com").await;
    let phone = sign_in(&server, "an@example.com").await;
    assert_eq!(
        laptop
            .sessions()
            .list(&Page::default())
            .await
            .unwrap()
            .data
            .len(),
        2
    );

    let setup = laptop.me().start_totp().await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = convo_core::people::totp::code_at(&setup.secret, now).unwrap();
    let codes = laptop.me().confirm_totp(&code).await.unwrap();
    assert_eq!(codes.recovery_codes.len(), 10);
    assert!(laptop.me().get().await.unwrap().totp_enabled);

    let anonymous = Client::anonymous(&server.url).unwrap();
    let needs_code = anonymous
        .sessions()
        .create(&sign_in_request("an@example.com", PASSWORD))
        .await
        .err()
        .unwrap();
    assert_eq!(
        (needs_code.status(), needs_code.code()),
        (Some(401), Some(ErrorCode::TotpRequired))
    );
    let with_recovery = CreateSession {
        recovery_code: Some(codes.recovery_codes[0].clone()),
        ..sign_in_request("an@example.com", PASSWORD)
    };
    assert!(anonymous.sessions().create(&with_recovery).await.is_ok());
    let reused = anonymous
        .sessions()
        .create(&with_recovery)
        .await
        .err()
        .unwrap();
    assert_eq!(reused.code(), Some(ErrorCode::InvalidCode));

    // A new password ends the other sessions, not this one.
    let weak = laptop
        .me()
        .update(&UpdateMe {
            password: Some("password".into()),
            current_password: Some(PASSWORD.into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (weak.status(), weak.code()),
        (Some(422), Some(ErrorCode::WeakPassword))
    );
    laptop
        .me()
        .update(&UpdateMe {
            password: Some("a-new-long-passphrase-2".into()),
            current_password: Some(PASSWORD.into()),
            locale: Some(Some("vi-VN".into())),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        laptop.me().get().await.unwrap().locale.as_deref(),
        Some("vi-VN")
    );
    assert_eq!(phone.me().get().await.unwrap_err().status(), Some(401));
    let sessions = laptop.sessions().list(&Page::default()).await.unwrap();
    assert_eq!(sessions.data.len(), 1);
    assert!(sessions.data[0].current);
    laptop
        .me()
        .disable_totp("a-new-long-passphrase-2")
        .await
        .unwrap();

    // The audit log tells the story to an admin, not to the agent.
    let log = server
        .admin
        .audit_log()
        .list(&AuditQuery::default(), &Page::default())
        .await
        .unwrap();
    let actions: Vec<AuditAction> = log.data.iter().map(|e| e.action).collect();
    for action in [
        AuditAction::TotpEnabled,
        AuditAction::TotpDisabled,
        AuditAction::RecoveryCodeUsed,
        AuditAction::PasswordChanged,
        AuditAction::SessionFailed,
    ] {
        assert!(actions.contains(&action), "{action:?} in {actions:?}");
    }
    assert_eq!(
        laptop
            .audit_log()
            .list(&AuditQuery::default(), &Page::default())
            .await
            .unwrap_err()
            .status(),
        Some(403)
    );
    server.stop().await;
}

#[tokio::test]
async fn reset_links_answer_alike_and_work_once() {
    let server = TestServer::start().await;
    let anonymous = Client::anonymous(&server.url).unwrap();
    // Known or not, the answer is the same.
    anonymous
        .password_resets()
        .request("nobody@example.com")
        .await
        .unwrap();
    person(&server, "vy@example.com", UserRole::Agent, vec![]).await;
    anonymous
        .password_resets()
        .request("vy@example.com")
        .await
        .unwrap();
    let missing = anonymous
        .password_resets()
        .get("convo_pwr_not_a_token")
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404));
    let reset = CompletePasswordReset {
        password: "a-new-long-passphrase-3".into(),
        email: None,
    };
    let missing = anonymous
        .password_resets()
        .complete("convo_pwr_not_a_token", &reset)
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404));
    let requested = server
        .admin
        .audit_log()
        .list(
            &AuditQuery {
                action: Some(AuditAction::PasswordResetRequested),
                ..Default::default()
            },
            &Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(requested.data.len(), 1, "only the known person's request");
    // The directory's own routes are audited too, with where the request came from.
    let keys = server
        .admin
        .audit_log()
        .list(
            &AuditQuery {
                action: Some(AuditAction::ApiKeyCreated),
                ..Default::default()
            },
            &Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(keys.data.len(), 1);
    assert_eq!(keys.data[0].ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(keys.data[0].actor_type, convo_types::AuditActorType::User);
    server.stop().await;
}

#[tokio::test]
async fn a_deactivated_person_is_signed_out_at_once() {
    let server = TestServer::start().await;
    let user = person(&server, "bao@example.com", UserRole::Agent, vec![]).await;
    let bao = sign_in(&server, "bao@example.com").await;
    assert!(bao.me().get().await.is_ok());
    server
        .admin
        .users()
        .update(
            user.id,
            &UpdateUser {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(bao.me().get().await.unwrap_err().status(), Some(401));
    server.stop().await;
}

/// The first `prefix...` token in a mailed message (quoted-printable soft breaks undone).
fn token_in(message: &str, prefix: &str) -> String {
    let text = message.replace("=\r\n", "").replace("=\n", "");
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {text}"));
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

#[tokio::test]
async fn invitations_and_resets_are_mailed() {
    let smtp = crate::tools::SmtpServer::start().await;
    let server = TestServer::start_with(|settings| {
        settings.smtp_url = Some(smtp.url.clone());
        settings.mail_from = "Support <support@example.com>".into();
        settings.public_url = Some("https://convo.example.com".into());
    })
    .await;
    let unit = server
        .admin
        .business_units()
        .create(&CreateBusinessUnit {
            name: "Billing".into(),
            metadata: None,
            auto_resolve_after: None,
        })
        .await
        .unwrap();
    let invitation = server
        .admin
        .invitations()
        .create(&CreateInvitation {
            email: "hoa@example.com".into(),
            name: Some("Hoa".into()),
            role: Some(UserRole::Agent),
            business_unit_ids: Some(vec![unit.id]),
        })
        .await
        .unwrap();
    assert!(invitation.mailed);
    let url = invitation.url.clone().unwrap();
    assert!(url.starts_with("https://convo.example.com/"), "{url}");
    let mail = smtp.wait_for(1).await;
    assert!(mail[0].contains("To: hoa@example.com"), "{}", mail[0]);
    assert!(mail[0].contains("support@example.com"), "{}", mail[0]);
    let token = token_in(&mail[0], "convo_inv_");
    assert_eq!(
        Some(&token),
        invitation.token.as_ref(),
        "the mailed link is the answered one"
    );
    assert_eq!(
        server
            .admin
            .invitations()
            .list(&Page::default())
            .await
            .unwrap()
            .data
            .len(),
        1
    );

    let anonymous = Client::anonymous(&server.url).unwrap();
    let info = anonymous.invitations().get(&token).await.unwrap();
    assert_eq!(
        (info.email.as_str(), info.organization.name.as_str()),
        ("hoa@example.com", "Default organization")
    );
    let weak = anonymous
        .invitations()
        .accept(
            &token,
            &AcceptInvitation {
                name: "Hoa".into(),
                password: "hoa12345".into(),
            },
        )
        .await
        .err()
        .unwrap();
    assert_eq!(weak.code(), Some(ErrorCode::WeakPassword));
    let joined = anonymous
        .invitations()
        .accept(
            &token,
            &AcceptInvitation {
                name: "Hoa Tran".into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(joined.session.user.business_unit_ids, vec![unit.id]);
    assert_eq!(joined.session.user.role, UserRole::Agent);
    assert_eq!(
        joined.client.me().get().await.unwrap().user.name,
        "Hoa Tran"
    );
    let again = anonymous
        .invitations()
        .accept(
            &token,
            &AcceptInvitation {
                name: "Hoa".into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .err()
        .unwrap();
    assert_eq!(again.status(), Some(404), "an invitation works once");
    assert!(server
        .admin
        .invitations()
        .list(&Page::default())
        .await
        .unwrap()
        .data
        .is_empty());
    // The same email cannot be invited again: the person signs in with it.
    let taken = server
        .admin
        .invitations()
        .create(&CreateInvitation {
            email: "HOA@example.com".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(taken.code(), Some(ErrorCode::EmailTaken));

    // A reset link arrives by mail; using it ends every session and works once.
    anonymous
        .password_resets()
        .request("hoa@example.com")
        .await
        .unwrap();
    let mail = smtp.wait_for(2).await;
    let reset_mail = mail.iter().find(|m| m.contains("convo_pwr_")).unwrap();
    let reset = token_in(reset_mail, "convo_pwr_");
    assert_eq!(
        anonymous
            .password_resets()
            .get(&reset)
            .await
            .unwrap()
            .email
            .as_deref(),
        Some("hoa@example.com")
    );
    let new_password = CompletePasswordReset {
        password: "a-fresh-passphrase-for-hoa".into(),
        email: None,
    };
    anonymous
        .password_resets()
        .complete(&reset, &new_password)
        .await
        .unwrap();
    assert_eq!(
        joined.client.me().get().await.unwrap_err().status(),
        Some(401)
    );
    assert_eq!(
        anonymous
            .password_resets()
            .complete(&reset, &new_password)
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
    let back = anonymous
        .sessions()
        .create(&sign_in_request(
            "hoa@example.com",
            "a-fresh-passphrase-for-hoa",
        ))
        .await
        .unwrap();
    assert!(back.session.user.active);
    // Revoked, an invitation's link stops working.
    let second = server
        .admin
        .invitations()
        .create(&CreateInvitation {
            email: "quang@example.com".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    server.admin.invitations().delete(second.id).await.unwrap();
    assert_eq!(
        anonymous
            .invitations()
            .get(second.token.as_deref().unwrap())
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
    server.stop().await;
}

#[tokio::test]
async fn an_organization_that_requires_two_factors_lets_people_only_set_them_up() {
    let server = TestServer::start().await;
    person(&server, "tuan@example.com", UserRole::Agent, vec![]).await;
    let organization = server
        .admin
        .organizations()
        .update_current(&convo_types::UpdateOrganization {
            name: None,
            require_totp: Some(true),
        })
        .await
        .unwrap();
    assert!(organization.require_totp);
    let tuan = sign_in(&server, "tuan@example.com").await;
    let refused = tuan
        .conversations()
        .list(&ConversationFilters::default(), &Page::default())
        .await
        .unwrap_err();
    assert_eq!(
        (refused.status(), refused.code()),
        (Some(403), Some(ErrorCode::TotpSetupRequired))
    );
    assert!(tuan.me().get().await.unwrap().totp_setup_required);
    let setup = tuan.me().start_totp().await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = convo_core::people::totp::code_at(&setup.secret, now).unwrap();
    tuan.me().confirm_totp(&code).await.unwrap();
    assert!(tuan
        .conversations()
        .list(&ConversationFilters::default(), &Page::default())
        .await
        .is_ok());
    server.stop().await;
}

#[tokio::test]
async fn a_made_up_cookie_does_not_escape_the_anonymous_budget() {
    let server = TestServer::start_with(|settings| settings.anonymous_rate_limit = 1).await;
    person(&server, "khanh@example.com", UserRole::Agent, vec![]).await;
    let khanh = sign_in(&server, "khanh@example.com").await.with_retries(0);
    for _ in 0..10 {
        khanh
            .me()
            .get()
            .await
            .expect("a live session is counted per session");
    }
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let answer = server
            .http
            .get(format!("{}/healthz", server.url))
            .header("cookie", "convo_session=convo_ses_made_up")
            .send()
            .await
            .unwrap();
        statuses.push(answer.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    server.stop().await;
}
