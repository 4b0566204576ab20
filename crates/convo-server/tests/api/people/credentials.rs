//! Passwords, two factors (per person and required by an organization), reset links,
//! invitations, and both mailed over a real SMTP server.

use convo_client::{AuditQuery, Client, ConversationFilters, Page};
use convo_types::{
    AcceptInvitation, AuditAction, CompletePasswordReset, CreateBusinessUnit, CreateInvitation,
    CreateSession, ErrorCode, UpdateMe, UserRole,
};

use super::*;
use crate::common::*;

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
