//! People sign in over HTTP, through the Rust client and raw requests: sessions and the one
//! visibility rule (`sessions.rs`), passwords, two factors, invitations and mail
//! (`credentials.rs`). The helpers here make a person and sign them in.

mod credentials;
mod sessions;

use convo_client::Client;
use convo_types::{
    AuthMethod, BusinessUnit, BusinessUnitId, Conversation, CreateApiKey, CreateBusinessUnit,
    CreateConversation, CreateSession, CreateUser, Scope, UpdateMe, User, UserRole,
};

use crate::common::*;

pub const PASSWORD: &str = "tulip-orbit-cascade-91";

pub fn sign_in_request(email: &str, password: &str) -> CreateSession {
    CreateSession {
        email: email.into(),
        password: password.into(),
        totp: None,
        recovery_code: None,
    }
}

/// A person with a password, set through a key acting as them (`PATCH /v1/me`); the key is
/// revoked after.
pub async fn person(
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

pub async fn sign_in(server: &TestServer, email: &str) -> Client {
    Client::anonymous(&server.url)
        .unwrap()
        .sessions()
        .create(&sign_in_request(email, PASSWORD))
        .await
        .unwrap()
        .client
}

/// A business unit request of that name.
pub fn unit(name: &str) -> CreateBusinessUnit {
    CreateBusinessUnit {
        name: name.into(),
        metadata: None,
        auto_resolve_after: None,
    }
}

/// A conversation request in `unit`.
pub fn in_unit(name: &str, unit: BusinessUnitId) -> CreateConversation {
    CreateConversation {
        name: Some(name.into()),
        business_unit_id: Some(unit),
        ..Default::default()
    }
}

/// Two business units with a conversation each: the person's, and one they must not see.
pub struct TwoUnits {
    pub mine: BusinessUnit,
    pub other: BusinessUnit,
    pub theirs: Conversation,
    pub hidden: Conversation,
}

/// `mine` holding a conversation named `theirs`, `other` one named `hidden`.
pub async fn two_units(
    server: &TestServer,
    mine: &str,
    other: &str,
    theirs: &str,
    hidden: &str,
) -> TwoUnits {
    let units = server.admin.business_units();
    let (mine, other) = (
        units.create(&unit(mine)).await.unwrap(),
        units.create(&unit(other)).await.unwrap(),
    );
    let conversations = server.admin.conversations();
    TwoUnits {
        theirs: conversations
            .create(&in_unit(theirs, mine.id))
            .await
            .unwrap(),
        hidden: conversations
            .create(&in_unit(hidden, other.id))
            .await
            .unwrap(),
        mine,
        other,
    }
}
