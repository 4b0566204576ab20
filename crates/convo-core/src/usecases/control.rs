//! Who answers a conversation now: an AI agent or a human, and the handoffs between them.
//!
//! Handing to a named person or AI agent passes control at once; handing to the team
//! (`{"type": "human"}` without an id) releases control and leaves a handoff pending until a
//! human accepts it, who then controls the conversation and joins its team. While a human is
//! in control, an AI agent's outgoing message is refused unless it is forced.

use convo_types::{
    Control, ControlParty, ControlType, Conversation, ConversationId, ErrorCode, EventType,
    Handoff, HandoffRequest, NotificationType, Scope, Sender, SenderType, SimpleUser, Timestamp,
    User, UserId, UserKind,
};

use crate::auth::Principal;
use crate::rules::{Checks, MAX_DETAIL_CHARS};
use crate::usecases::{conversations, notifications};
use crate::{
    Change, ConversationRecord, ConversationRef, ConversationStore, DirectoryStore, Error, Result,
};

/// Who holds control now, as the `from` of what comes next.
fn holder(control: &Control) -> ControlParty {
    ControlParty {
        control_type: control.control_type,
        id: control.id,
    }
}

fn as_member(user: &User) -> SimpleUser {
    SimpleUser {
        id: user.id,
        name: user.name.clone(),
        kind: user.kind,
        avatar_url: user.avatar_url.clone(),
    }
}

/// The user a handoff names: active, of the kind it is handed to, working in the unit.
async fn named_user(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    conversation: &Conversation,
    party: &ControlParty,
) -> Result<Option<User>> {
    let Some(id) = party.id else { return Ok(None) };
    let user = match store.get_user(caller.organization_id, id).await {
        Err(Error::NotFound(_)) => return Err(Error::invalid("to.id", format!("no user {id}"))),
        other => other?,
    };
    let kind = match party.control_type {
        ControlType::Human => UserKind::Human,
        ControlType::AiAgent => UserKind::AiAgent,
        ControlType::None => {
            return Err(Error::invalid(
                "to.id",
                "names no one when `type` is `none`",
            ))
        }
    };
    if user.kind != kind {
        return Err(Error::invalid(
            "to.id",
            format!("user {id} is not of kind `{kind}`"),
        ));
    }
    let works_here = crate::rules::works_in(&user, conversation.business_unit_id);
    if !user.active || !works_here {
        return Err(Error::invalid(
            "to.id",
            format!("user {id} is inactive or does not work in this business unit"),
        ));
    }
    Ok(Some(user))
}

/// `POST /v1/conversations/{id}/handoff`.
pub async fn handoff(
    store: &(impl ConversationStore + DirectoryStore + crate::LiveStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    expected_version: Option<i64>,
    req: HandoffRequest,
) -> Result<ConversationRecord> {
    caller.require(Scope::ConversationsWrite)?;
    let mut checks = Checks::new();
    checks.text("reason", req.reason.as_deref(), MAX_DETAIL_CHARS, false);
    checks.object("metadata", req.metadata.as_ref());
    checks.finish()?;
    let record = conversations::get(store, caller, id).await?;
    let mut to = req.to.clone();
    if to.control_type == ControlType::AiAgent && to.id.is_none() {
        // Back to the AI agent of the conversation's team.
        let agent = record
            .conversation
            .users
            .iter()
            .find(|u| u.kind == UserKind::AiAgent)
            .ok_or_else(|| {
                Error::invalid(
                    "to.id",
                    "is required: the conversation has no AI agent in its team",
                )
            })?;
        to.id = Some(agent.id);
    }
    let user = named_user(store, caller, &record.conversation, &to).await?;
    let pending = to.control_type == ControlType::Human && to.id.is_none();
    let joins = user
        .as_ref()
        .filter(|u| u.kind == UserKind::Human)
        .map(as_member);
    let now = Timestamp::now();
    let change = move |c: &mut Conversation| -> Result<Change> {
        let from = holder(&c.control);
        if pending {
            c.handoff = Some(Handoff {
                to: to.clone(),
                from: from.clone(),
                reason: req.reason.clone(),
                metadata: req.metadata.clone().unwrap_or_default(),
                requested_at: now,
            });
        } else {
            c.handoff = None;
        }
        c.control = Control {
            control_type: if pending {
                ControlType::None
            } else {
                to.control_type
            },
            id: if pending { None } else { to.id },
            since: Some(now),
            from: Some(from),
            reason: req.reason.clone(),
        };
        if let Some(member) = &joins {
            if !c.users.iter().any(|u| u.id == member.id) {
                c.users.push(member.clone());
            }
        }
        Ok(Change::Write)
    };
    let event_type = if pending {
        EventType::ConversationHandoffRequested
    } else {
        EventType::ConversationControlChanged
    };
    let handed =
        conversations::apply(store, caller, id, expected_version, event_type, &change).await?;
    // The person it goes to, or (to any human) the humans of the conversation's team.
    let recipients: Vec<UserId> = match &user {
        Some(user) if user.kind == UserKind::Human => vec![user.id],
        Some(_) => Vec::new(),
        None => record
            .conversation
            .users
            .iter()
            .filter(|u| u.kind == UserKind::Human)
            .map(|u| u.id)
            .collect(),
    };
    let cause = notifications::Cause {
        notification_type: NotificationType::HandoffRequested,
        conversation_id: id,
        business_unit_id: handed.conversation.business_unit_id,
        message_id: None,
        actor: caller.actor(),
    };
    notifications::notify(store, caller.organization_id, &recipients, &cause).await;
    Ok(handed)
}

/// `POST /v1/conversations/{id}/handoff/accept`: the acting user (a human) takes the pending
/// handoff, controls the conversation and joins its team.
pub async fn accept(
    store: &(impl ConversationStore + DirectoryStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    expected_version: Option<i64>,
) -> Result<ConversationRecord> {
    caller.require(Scope::ConversationsWrite)?;
    conversations::get(store, caller, id).await?;
    let user = store
        .get_user(caller.organization_id, caller.user_id)
        .await?;
    if user.kind != UserKind::Human || !user.active {
        return Err(Error::Forbidden {
            code: ErrorCode::Forbidden,
            message: "only an active human user may accept a handoff".into(),
        });
    }
    let member = as_member(&user);
    let now = Timestamp::now();
    let change = move |c: &mut Conversation| -> Result<Change> {
        let handoff = c.handoff.take().ok_or_else(|| Error::Conflict {
            code: ErrorCode::NoHandoffPending,
            message: "no handoff is waiting to be accepted".into(),
        })?;
        c.control = Control {
            control_type: ControlType::Human,
            id: Some(member.id),
            since: Some(now),
            from: Some(handoff.from),
            reason: handoff.reason,
        };
        if !c.users.iter().any(|u| u.id == member.id) {
            c.users.push(member.clone());
        }
        Ok(Change::Write)
    };
    let event_type = EventType::ConversationControlChanged;
    conversations::apply(store, caller, id, expected_version, event_type, &change).await
}

/// An AI agent may not answer while a human controls the conversation, unless `force`d. The
/// sender is an AI agent by its type, or by the kind of the user it names.
pub async fn check_turn(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    conversation: &ConversationRef,
    sender: &Sender,
    force: bool,
) -> Result<()> {
    if force || conversation.control_type != ControlType::Human {
        return Ok(());
    }
    let is_ai = match sender.sender_type {
        SenderType::AiAgent => true,
        SenderType::User => match sender.id.as_deref().map(str::parse::<UserId>) {
            Some(Ok(id)) => {
                store.get_user(caller.organization_id, id).await?.kind == UserKind::AiAgent
            }
            _ => false,
        },
        SenderType::Contact | SenderType::System => false,
    };
    if is_ai {
        return Err(Error::Conflict {
            code: ErrorCode::NotInControl,
            message: "a human controls this conversation; an AI agent's message needs `force`"
                .into(),
        });
    }
    Ok(())
}
