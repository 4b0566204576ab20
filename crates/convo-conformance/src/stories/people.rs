//! People sign in: passwords, sessions, reset links, two factors, the audit log, and the one
//! visibility rule seen through a session.

use convo_core::people::{self, totp, SessionPolicy};
use convo_core::sealed::SecretBox;
use convo_core::usecases::audit::ClientInfo;
use convo_core::usecases::{audit, organizations, passwords, sessions, totp as totp_use};
use convo_core::AuditFilter;
use convo_types::{
    AuditAction, BusinessUnitId, CompletePasswordReset, CreateSession, UpdateMe, UpdateUser, User,
    UserRole,
};

use super::prelude::*;

const PASSWORD: &str = "tulip-orbit-cascade-91";

fn client() -> ClientInfo {
    ClientInfo::new(Some("192.0.2.7".into()), Some("story/1.0"))
}

/// An email no other story uses: sign-in emails are unique server-wide.
fn unique_email(name: &str) -> String {
    format!("{name}.{}@Example.com", uuid::Uuid::now_v7().simple())
}

fn sign_in_request(email: &str, password: &str) -> CreateSession {
    CreateSession {
        email: email.into(),
        password: password.into(),
        totp: None,
        recovery_code: None,
    }
}

/// A person of `t` with a password, set through their own key (`PATCH /v1/me`).
async fn person(t: &Fixture<'_>, name: &str, role: UserRole, units: Vec<BusinessUnitId>) -> User {
    let user = t
        .add_user(CreateUser {
            name: name.into(),
            email: Some(unique_email(name)),
            role: Some(role),
            business_unit_ids: Some(units),
            ..Default::default()
        })
        .await;
    let own_key = t.key_for(user.id, vec![Scope::ConversationsRead]).await;
    let set = UpdateMe {
        password: Some(PASSWORD.into()),
        ..Default::default()
    };
    sessions::update_me(t.store, &own_key, set, &client())
        .await
        .expect("a first password needs no current one");
    // The key was only the way in: gone, the user can be deleted.
    let key = own_key.api_key_id().unwrap();
    directory::delete_api_key(t.store, &t.admin, key)
        .await
        .unwrap();
    user
}

async fn sign_in(
    store: &dyn Store,
    email: &str,
    password: &str,
) -> convo_core::Result<sessions::SignedIn> {
    sessions::sign_in(
        store,
        &SecretBox::new(None, None).unwrap(),
        SessionPolicy::default(),
        sign_in_request(email, password),
        &client(),
    )
    .await
}

async fn session_principal(store: &dyn Store, token: &str) -> Option<Principal> {
    sessions::authenticate(store, SessionPolicy::default(), token)
        .await
        .unwrap()
        .map(|(_, _, principal)| principal)
}

fn code_of(error: &Error) -> Option<ErrorCode> {
    match error {
        Error::Unauthorized { code, .. }
        | Error::Rejected { code, .. }
        | Error::Conflict { code, .. }
        | Error::Forbidden { code, .. } => Some(*code),
        _ => None,
    }
}

async fn people_sign_in_with_their_password_only(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Sign in").await;
    let unit = t.unit("Support").await;
    let ana = person(&t, "Ana", UserRole::Agent, vec![unit.id]).await;
    let email = ana.email.clone().unwrap();

    // A weak password is refused with its reason; the first one stays.
    let own_key = t.key_for(ana.id, vec![Scope::ContactsRead]).await;
    let weak = UpdateMe {
        password: Some("password123".into()),
        current_password: Some(PASSWORD.into()),
        ..Default::default()
    };
    let refused = sessions::update_me(store, &own_key, weak, &client())
        .await
        .unwrap_err();
    assert_eq!(
        code_of(&refused),
        Some(ErrorCode::WeakPassword),
        "{refused:?}"
    );

    for (who, password) in [
        (email.as_str(), "not-the-password-1"),
        ("nobody.at.all@example.com", PASSWORD),
    ] {
        let wrong = sign_in(store, who, password).await.map(|_| ()).unwrap_err();
        assert_eq!(
            code_of(&wrong),
            Some(ErrorCode::InvalidCredentials),
            "{who}"
        );
    }
    // The email is folded: case and spaces do not matter.
    let folded = format!("  {}  ", email.to_uppercase());
    let signed_in = sign_in(store, &folded, PASSWORD).await.unwrap();
    assert_eq!(signed_in.session.user.id, ana.id);
    assert!(signed_in.session.current);
    assert_eq!(
        signed_in.session.csrf_token.as_deref(),
        Some(people::csrf_token(&signed_in.token).as_str())
    );
    let principal = session_principal(store, &signed_in.token).await.unwrap();
    assert_eq!(principal.user_id, ana.id);
    assert_eq!(principal.business_unit_ids, vec![unit.id]);
    assert!(principal.has(Scope::MessagesWrite) && !principal.has(Scope::Admin));

    let listed = sessions::list(store, &principal, page(10)).await.unwrap();
    assert_eq!(listed.data.len(), 1);
    assert!(listed.data[0].current && listed.data[0].csrf_token.is_none());
    assert_eq!(listed.data[0].ip.as_deref(), Some("192.0.2.7"));

    // Another organization's person cannot take the same sign-in email.
    let other = Fixture::new(store, "Sign in, elsewhere").await;
    let twin = other
        .add_user(CreateUser {
            name: "Ana twin".into(),
            email: Some(email.to_lowercase()),
            ..Default::default()
        })
        .await;
    let twin_key = other.key_for(twin.id, vec![Scope::ContactsRead]).await;
    let set = UpdateMe {
        password: Some(PASSWORD.into()),
        ..Default::default()
    };
    let taken = sessions::update_me(store, &twin_key, set, &client())
        .await
        .unwrap_err();
    assert_eq!(code_of(&taken), Some(ErrorCode::EmailTaken), "{taken:?}");

    sessions::sign_out(store, &principal, &client())
        .await
        .unwrap();
    assert!(session_principal(store, &signed_in.token).await.is_none());
    assert!(session_principal(store, "convo_ses_made_up")
        .await
        .is_none());
}

async fn a_new_password_ends_other_sessions_and_links_work_once(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Passwords").await;
    let lan = person(&t, "Lan", UserRole::Admin, vec![]).await;
    let email = lan.email.clone().unwrap();
    let laptop = sign_in(store, &email, PASSWORD).await.unwrap();
    let phone = sign_in(store, &email, PASSWORD).await.unwrap();
    let on_laptop = session_principal(store, &laptop.token).await.unwrap();

    let without_current = UpdateMe {
        password: Some("another-long-passphrase-7".into()),
        ..Default::default()
    };
    assert!(matches!(
        sessions::update_me(store, &on_laptop, without_current, &client()).await,
        Err(Error::Validation(_))
    ));
    let change = UpdateMe {
        password: Some("another-long-passphrase-7".into()),
        current_password: Some(PASSWORD.into()),
        ..Default::default()
    };
    sessions::update_me(store, &on_laptop, change, &client())
        .await
        .unwrap();
    assert!(
        session_principal(store, &laptop.token).await.is_some(),
        "this one stays"
    );
    assert!(
        session_principal(store, &phone.token).await.is_none(),
        "the others end"
    );

    let link = passwords::operator_link(
        store,
        &email,
        "https://convo.example",
        people::RESET_TOKEN_MILLIS,
    )
    .await
    .unwrap();
    assert!(link.url.starts_with("https://convo.example/"));
    let info = passwords::info(store, &link.token).await.unwrap();
    assert_eq!(info.email.as_deref(), Some(email.as_str()));
    let reset = CompletePasswordReset {
        password: "third-passphrase-for-lan".into(),
        email: None,
    };
    passwords::complete(store, &link.token, reset.clone(), &client())
        .await
        .unwrap();
    assert!(
        session_principal(store, &laptop.token).await.is_none(),
        "a reset ends every session"
    );
    assert!(matches!(
        passwords::complete(store, &link.token, reset, &client()).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        passwords::info(store, &link.token).await,
        Err(Error::NotFound(_))
    ));
    assert!(sign_in(store, &email, "third-passphrase-for-lan")
        .await
        .is_ok());

    // An expired link is no link.
    let expired = passwords::make_link(
        store,
        t.created.organization.id,
        lan.id,
        None,
        "http://x",
        -1,
    )
    .await
    .unwrap();
    assert!(matches!(
        passwords::info(store, &expired.token).await,
        Err(Error::NotFound(_))
    ));

    // A person without an email gives one with the link; then they sign in with it.
    let admin_user = t.created.admin_user.clone();
    let first = passwords::make_link(
        store,
        t.created.organization.id,
        admin_user.id,
        None,
        "http://x",
        60_000,
    )
    .await
    .unwrap();
    let no_email = CompletePasswordReset {
        password: PASSWORD.into(),
        email: None,
    };
    assert!(matches!(
        passwords::complete(store, &first.token, no_email, &client()).await,
        Err(Error::Validation(_))
    ));
    let chosen = unique_email("first");
    let with_email = CompletePasswordReset {
        password: PASSWORD.into(),
        email: Some(chosen.clone()),
    };
    passwords::complete(store, &first.token, with_email, &client())
        .await
        .unwrap();
    assert_eq!(
        sign_in(store, &chosen, PASSWORD)
            .await
            .unwrap()
            .session
            .user
            .id,
        admin_user.id
    );
}

async fn two_factors_refuse_replays_and_use_recovery_codes_once(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let secrets =
        SecretBox::new(Some("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="), None).unwrap();
    let t = Fixture::new(store, "Two factors").await;
    let mai = person(&t, "Mai", UserRole::Agent, vec![]).await;
    let email = mai.email.clone().unwrap();
    let signed_in = sign_in(store, &email, PASSWORD).await.unwrap();
    let me = session_principal(store, &signed_in.token).await.unwrap();

    let setup = totp_use::start(store, &secrets, &me).await.unwrap();
    assert!(setup.otpauth_url.starts_with("otpauth://totp/"));
    let stored = store
        .get_credentials(me.organization_id, me.user_id)
        .await
        .unwrap();
    assert_ne!(
        stored.totp_secret.as_deref(),
        Some(setup.secret.as_str()),
        "sealed at rest"
    );
    assert!(!stored.totp_enabled);

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let wrong = convo_types::TotpCode {
        code: "000000".into(),
    };
    let code_now = totp::code_at(&setup.secret, now).unwrap();
    if code_now != "000000" {
        let refused = totp_use::confirm(store, &secrets, &me, wrong, &client())
            .await
            .unwrap_err();
        assert_eq!(code_of(&refused), Some(ErrorCode::InvalidCode));
    }
    let codes = totp_use::confirm(
        store,
        &secrets,
        &me,
        convo_types::TotpCode {
            code: code_now.clone(),
        },
        &client(),
    )
    .await
    .unwrap()
    .recovery_codes;
    assert_eq!(codes.len(), 10);

    let sign_in_with = |totp: Option<String>, recovery: Option<String>| {
        let email = email.clone();
        let secrets = &secrets;
        async move {
            sessions::sign_in(
                store,
                secrets,
                SessionPolicy::default(),
                CreateSession {
                    totp,
                    recovery_code: recovery,
                    ..sign_in_request(&email, PASSWORD)
                },
                &client(),
            )
            .await
        }
    };
    let missing = sign_in_with(None, None).await.map(|_| ()).unwrap_err();
    assert_eq!(code_of(&missing), Some(ErrorCode::TotpRequired));
    // The code that turned two factors on was used: it cannot sign in again.
    let replay = sign_in_with(Some(code_now), None)
        .await
        .map(|_| ())
        .unwrap_err();
    assert_eq!(code_of(&replay), Some(ErrorCode::InvalidCode));
    let next = totp::code_at(&setup.secret, now + totp::STEP_SECONDS).unwrap();
    assert!(sign_in_with(Some(next.clone()), None).await.is_ok());
    let again = sign_in_with(Some(next), None)
        .await
        .map(|_| ())
        .unwrap_err();
    assert_eq!(
        code_of(&again),
        Some(ErrorCode::InvalidCode),
        "each code once"
    );

    let recovery = codes[3].to_uppercase();
    assert!(sign_in_with(None, Some(recovery.clone())).await.is_ok());
    let used = sign_in_with(None, Some(recovery))
        .await
        .map(|_| ())
        .unwrap_err();
    assert_eq!(code_of(&used), Some(ErrorCode::InvalidCode));

    let wrong_password = convo_types::DisableTotp {
        password: "not-my-password-at-all".into(),
    };
    assert!(totp_use::disable(store, &me, wrong_password, &client())
        .await
        .is_err());
    let right = convo_types::DisableTotp {
        password: PASSWORD.into(),
    };
    totp_use::disable(store, &me, right, &client())
        .await
        .unwrap();
    assert!(sign_in_with(None, None).await.is_ok(), "off again");
}

async fn an_organization_can_require_two_factors(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let secrets = SecretBox::new(None, None).unwrap();
    let t = Fixture::new(store, "Two factors required").await;
    let hoa = person(&t, "Hoa", UserRole::Agent, vec![]).await;
    let email = hoa.email.clone().unwrap();
    let require = convo_types::UpdateOrganization {
        name: None,
        require_totp: Some(true),
    };
    let organization = organizations::update_current(store, &t.admin, require.clone())
        .await
        .unwrap();
    assert!(organization.require_totp);
    assert!(
        organizations::current(store, &t.admin)
            .await
            .unwrap()
            .require_totp
    );

    // Signed in without two factors, a person may only set them up.
    let signed_in = sign_in(store, &email, PASSWORD).await.unwrap();
    let limited = session_principal(store, &signed_in.token).await.unwrap();
    let refused = list_ids_result(store, &limited).await.unwrap_err();
    assert_eq!(
        code_of(&refused),
        Some(ErrorCode::TotpSetupRequired),
        "{refused:?}"
    );
    assert!(
        sessions::me(store, &limited)
            .await
            .unwrap()
            .totp_setup_required
    );
    let denied = organizations::update_current(store, &limited, require).await;
    assert!(matches!(denied, Err(Error::Forbidden { .. })));
    let setup = totp_use::start(store, &secrets, &limited).await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = convo_types::TotpCode {
        code: totp::code_at(&setup.secret, now).unwrap(),
    };
    totp_use::confirm(store, &secrets, &limited, code, &client())
        .await
        .unwrap();
    // The same session may now do what the role allows.
    let full = session_principal(store, &signed_in.token).await.unwrap();
    assert!(!full.setup_only);
    assert!(list_ids_result(store, &full).await.is_ok());
    // Another organization is not affected.
    let other = Fixture::new(store, "Two factors optional").await;
    assert!(
        !organizations::current(store, &other.admin)
            .await
            .unwrap()
            .require_totp
    );
}

async fn list_ids_result(store: &dyn Store, who: &Principal) -> convo_core::Result<usize> {
    conversations::list(store, who, ConversationFilters::default(), page(10))
        .await
        .map(|list| list.data.len())
}

async fn sessions_follow_their_user(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Session users").await;
    let sales = t.unit("Sales").await;
    let support = t.unit("Support").await;
    let kim = person(&t, "Kim", UserRole::Agent, vec![sales.id]).await;
    let email = kim.email.clone().unwrap();
    let in_sales = t
        .conversation(CreateConversation {
            name: Some("sales question".into()),
            business_unit_id: Some(sales.id),
            ..Default::default()
        })
        .await;
    let in_support = t
        .conversation(CreateConversation {
            name: Some("support question".into()),
            business_unit_id: Some(support.id),
            ..Default::default()
        })
        .await;
    let signed_in = sign_in(store, &email, PASSWORD).await.unwrap();
    let agent = session_principal(store, &signed_in.token).await.unwrap();
    // One rule: the session sees its user's units only, in lists and direct reads.
    let ids = list_ids(store, &agent, ConversationFilters::default()).await;
    assert!(ids.contains(&in_sales.id) && !ids.contains(&in_support.id));
    assert!(matches!(
        conversations::get(store, &agent, in_support.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        directory::create_business_unit(
            store,
            &agent,
            CreateBusinessUnit {
                name: "Mine".into(),
                metadata: None,
                auto_resolve_after: None,
            }
        )
        .await,
        Err(Error::Forbidden { .. })
    ));
    assert!(
        directory::list_users(store, &agent, Default::default(), page(10))
            .await
            .is_ok(),
        "the directory reads"
    );

    // A changed unit or role applies to the next request.
    let moved = UpdateUser {
        business_unit_ids: Some(vec![support.id]),
        ..Default::default()
    };
    directory::update_user(store, &t.admin, kim.id, moved)
        .await
        .unwrap();
    let agent = session_principal(store, &signed_in.token).await.unwrap();
    assert!(conversations::get(store, &agent, in_support.id)
        .await
        .is_ok());
    assert!(conversations::get(store, &agent, in_sales.id)
        .await
        .is_err());

    // Deactivated, the session ends at once; active again, it is back until it expires.
    let off = UpdateUser {
        active: Some(false),
        ..Default::default()
    };
    directory::update_user(store, &t.admin, kim.id, off)
        .await
        .unwrap();
    assert!(session_principal(store, &signed_in.token).await.is_none());
    assert!(sign_in(store, &email, PASSWORD).await.is_err());

    // Sessions end after their idle time.
    let brief = SessionPolicy {
        idle_millis: 1,
        max_millis: 1,
    };
    let lan = person(&t, "Lan", UserRole::Agent, vec![]).await;
    let short = sessions::sign_in(
        store,
        &SecretBox::new(None, None).unwrap(),
        brief,
        sign_in_request(lan.email.as_deref().unwrap(), PASSWORD),
        &client(),
    )
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert!(sessions::authenticate(store, brief, &short.token)
        .await
        .unwrap()
        .is_none());
    // Deleted, its sessions go with it.
    let deleted = sign_in(store, lan.email.as_deref().unwrap(), PASSWORD)
        .await
        .unwrap();
    directory::delete_user(store, &t.admin, lan.id)
        .await
        .unwrap();
    assert!(session_principal(store, &deleted.token).await.is_none());
}

async fn audit_log_is_newest_first_for_admins(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Audit").await;
    let ana = person(&t, "Ana", UserRole::Agent, vec![]).await;
    let email = ana.email.clone().unwrap();
    assert!(sign_in(store, &email, "wrong-password-here").await.is_err());
    let signed_in = sign_in(store, &email, PASSWORD).await.unwrap();
    let agent = session_principal(store, &signed_in.token).await.unwrap();
    sessions::sign_out(store, &agent, &client()).await.unwrap();

    let all = audit::list(store, &t.admin, AuditFilter::default(), page(100))
        .await
        .unwrap();
    let actions: Vec<AuditAction> = all.data.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::SessionEnded,
            AuditAction::SessionCreated,
            AuditAction::SessionFailed,
            AuditAction::ApiKeyRevoked,
            AuditAction::PasswordChanged,
            AuditAction::ApiKeyCreated,
            AuditAction::UserCreated,
        ]
    );
    let created = &all.data[1];
    assert_eq!(
        created.actor_id.as_deref(),
        Some(ana.id.to_string().as_str())
    );
    assert_eq!(created.ip.as_deref(), Some("192.0.2.7"));
    assert_eq!(
        created.detail["session_id"],
        json!(signed_in.session.id.to_string())
    );

    let failed = AuditFilter {
        action: Some(AuditAction::SessionFailed),
        ..Default::default()
    };
    let only = audit::list(store, &t.admin, failed, page(10))
        .await
        .unwrap();
    assert_eq!(only.data.len(), 1);
    assert_eq!(only.data[0].detail["reason"], json!("password"));

    // Cursor paging, newest first, never repeats.
    let first = audit::list(store, &t.admin, AuditFilter::default(), page(3))
        .await
        .unwrap();
    let rest = audit::list(
        store,
        &t.admin,
        AuditFilter::default(),
        PagingParams {
            cursor: first.next_cursor.clone(),
            ..page(3)
        },
    )
    .await
    .unwrap();
    assert_eq!(first.data.len(), 3);
    assert_eq!(rest.data.len(), 3);
    assert_eq!(rest.data[1].action, AuditAction::PasswordChanged);
    assert!(rest.has_more);

    let other = Fixture::new(store, "Audit elsewhere").await;
    let theirs = audit::list(store, &other.admin, AuditFilter::default(), page(10))
        .await
        .unwrap();
    assert!(theirs.data.is_empty(), "nothing of another organization");
    let refused = audit::list(store, &agent, AuditFilter::default(), page(10)).await;
    assert!(matches!(refused, Err(Error::Forbidden { .. })));
}

stories![
    people_sign_in_with_their_password_only,
    a_new_password_ends_other_sessions_and_links_work_once,
    two_factors_refuse_replays_and_use_recovery_codes_once,
    an_organization_can_require_two_factors,
    sessions_follow_their_user,
    audit_log_is_newest_first_for_admins
];
