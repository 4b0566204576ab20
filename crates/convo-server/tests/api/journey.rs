//! A new person's whole way in, on both backends, as issue 32's "done when" tells it: an admin
//! invites them; they accept, sign in with a password, turn on two factors, sign out, sign in
//! again with a code, see only their units' conversations in lists, search, counts and the
//! stream; a cross-site write fails; the same person signs in through the OpenID provider.

use convo_client::{Client, ConversationFilters, Page, StreamItem};
use convo_types::{AcceptInvitation, CreateInvitation, CreateSession, UserRole};
use reqwest::StatusCode;

use crate::common::*;
use crate::people::{in_unit, two_units, TwoUnits, PASSWORD};
use crate::sso::sign_in_as;
use crate::tools::{free_port, OidcProvider};

fn configure(port: u16) -> impl FnOnce(&mut convo_server::Settings, &str) {
    move |settings, url| {
        settings.public_url = Some(url.to_owned());
        settings.oidc_issuer = Some(format!("http://127.0.0.1:{port}"));
        settings.oidc_client_id = Some("convo".into());
        settings.oidc_client_secret = Some("convo-test-client-secret".into());
    }
}

async fn journey(server: TestServer, provider_port: u16) {
    let provider =
        OidcProvider::start(provider_port, &format!("{}/auth/oidc/callback", server.url)).await;
    let TwoUnits {
        mine: support,
        theirs,
        hidden,
        ..
    } = two_units(&server, "Support", "Sales", "parcel broken", "parcel price").await;

    // Invited (as alice, whom the provider knows too), accepted, signed in.
    let invitation = server
        .admin
        .invitations()
        .create(&CreateInvitation {
            email: "alice@example.com".into(),
            name: Some("Alice".into()),
            role: Some(UserRole::Agent),
            business_unit_ids: Some(vec![support.id]),
        })
        .await
        .unwrap();
    let anonymous = Client::anonymous(&server.url).unwrap();
    let accepted = anonymous
        .invitations()
        .accept(
            invitation.token.as_deref().unwrap(),
            &AcceptInvitation {
                name: "Alice".into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    accepted.client.sessions().sign_out().await.unwrap();
    let with_password = CreateSession {
        email: "alice@example.com".into(),
        password: PASSWORD.into(),
        totp: None,
        recovery_code: None,
    };
    let alice = anonymous
        .sessions()
        .create(&with_password)
        .await
        .unwrap()
        .client;

    // Two factors on; signed out; back with a code.
    let setup = alice.me().start_totp().await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    alice
        .me()
        .confirm_totp(&convo_core::people::totp::code_at(&setup.secret, now).unwrap())
        .await
        .unwrap();
    alice.sessions().sign_out().await.unwrap();
    let refused = anonymous
        .sessions()
        .create(&with_password)
        .await
        .err()
        .unwrap();
    assert_eq!(refused.status(), Some(401));
    let next = convo_core::people::totp::code_at(&setup.secret, now + 30).unwrap();
    let alice = anonymous
        .sessions()
        .create(&CreateSession {
            totp: Some(next),
            ..with_password.clone()
        })
        .await
        .unwrap()
        .client;

    // Their unit only: list, search, counts, the stream.
    let listed = alice
        .conversations()
        .list(&ConversationFilters::default(), &Page::default())
        .await
        .unwrap();
    assert_eq!(
        listed.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![theirs.id]
    );
    let found = alice
        .conversations()
        .search("parcel", None, None, None)
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
        alice
            .conversations()
            .get_views_count(&ConversationFilters::default())
            .await
            .unwrap()
            .all,
        1
    );
    let mut stream = alice
        .events()
        .stream(&Default::default(), Some(0))
        .await
        .unwrap();
    let mut seen = Vec::new();
    while let Ok(Ok(StreamItem::Event(event))) =
        tokio::time::timeout(std::time::Duration::from_millis(500), stream.next()).await
    {
        seen.push(event.conversation_id);
    }
    assert!(
        !seen.is_empty() && seen.iter().all(|id| *id == Some(theirs.id)),
        "{seen:?}"
    );
    assert_eq!(
        alice
            .conversations()
            .get(hidden.id)
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );

    // A cross-site write with her cookie fails; her own succeeds.
    let current = alice.sessions().current().await.unwrap();
    let (status, problem) = answer(
        server
            .http
            .post(format!("{}/v1/conversations", server.url))
            .header("cookie", alice.session_cookie().unwrap())
            .header("origin", "https://attacker.example")
            .header("x-csrf-token", current.csrf_token.unwrap_or_default())
            .json(&serde_json::json!({"name": "forged"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("csrf_failed"))
    );
    assert!(alice
        .conversations()
        .create(&in_unit("hers", support.id))
        .await
        .is_ok());

    // The same person through the OpenID provider.
    let sso = sign_in_as(&server, &provider, "alice").await;
    assert_eq!(sso.status(), StatusCode::SEE_OTHER);
    let me = server
        .http
        .get(format!("{}/v1/me", server.url))
        .header("cookie", crate::sso::session_cookie(&sso))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(me["user"]["id"], accepted.session.user.id.to_string());
    server.stop().await;
}

#[tokio::test]
async fn a_new_person_on_sqlite() {
    let port = free_port();
    journey(TestServer::start_at(configure(port)).await, port).await;
}

#[tokio::test]
async fn a_new_person_on_postgres() {
    let port = free_port();
    if let Some(server) = TestServer::start_on_postgres_at(configure(port)).await {
        journey(server, port).await;
    }
}
