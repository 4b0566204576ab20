//! Messages and video calls.

use convo_types::{
    Attachment, ContactId, ContentType, ConversationId, CreateMessage, EventType, List, Message,
    MessageError, MessageFilters, MessageId, MessageStatus, MessageType, NewAttachment,
    NotificationType, Scope, Sender, SenderType, SortOrder, Timestamp, UpdateMessage, UserId,
    VideoCall, VideoCallId, VideoCallStarted,
};

use crate::auth::Principal;
use crate::paging::PagingParams;
use crate::rules::{
    self, is_blank, is_space, merge_metadata, Checks, MAX_ATTACHMENTS, MAX_CONTENT_CHARS,
    MAX_DETAIL_CHARS, MAX_IDENTIFIER_CHARS, MAX_URL_CHARS,
};
use crate::usecases::conversations::{visible_ref, visible_refs};
use crate::usecases::notifications::{notify, Cause};
use crate::{
    AttachmentStore, Change, ConversationRef, ConversationStore, DirectoryStore, Error, EventMeta,
    LiveStore, MessageFilter, MessageRecord, MessageStore, MessageWrite, Result,
};

fn check_attachments(checks: &mut Checks, attachments: &[NewAttachment]) {
    if attachments.len() > MAX_ATTACHMENTS {
        checks.fail(
            "attachments",
            format!("must have at most {MAX_ATTACHMENTS} items"),
        );
    }
    for (i, a) in attachments.iter().enumerate() {
        let Some(url) = &a.url else {
            if a.id.is_none() {
                checks.fail(&format!("attachments[{i}]"), "needs `id` or `url`");
            } else if a.name.is_some() || a.mime_type.is_some() || a.size.is_some() {
                checks.fail(
                    &format!("attachments[{i}]"),
                    "a stored attachment has its own name, type and size; send only `id`",
                );
            }
            continue;
        };
        if a.id.is_some() {
            checks.fail(&format!("attachments[{i}]"), "give `id` or `url`, not both");
            continue;
        }
        checks.url(&format!("attachments[{i}].url"), Some(url));
        if a.size.is_some_and(|size| size < 0) {
            checks.fail(&format!("attachments[{i}].size"), "must not be negative");
        }
        if url.chars().count() > MAX_URL_CHARS {
            continue;
        }
        checks.text(
            &format!("attachments[{i}].name"),
            a.name.as_deref(),
            MAX_IDENTIFIER_CHARS,
            false,
        );
        if let Some(mime) = &a.mime_type {
            let well_formed = mime.chars().count() <= MAX_IDENTIFIER_CHARS
                && mime.split_once('/').is_some_and(|(kind, sub)| {
                    !kind.is_empty() && !sub.is_empty() && !sub.contains('/')
                })
                && !mime.chars().any(is_space);
            if !well_formed {
                checks.fail(
                    &format!("attachments[{i}].mime_type"),
                    "must look like `type/subtype`",
                );
            }
        }
    }
}

/// The attachments as the message keeps them: a stored one by its id, with its name, type
/// and size (its links are signed when answered); one hosted elsewhere as given. A stored
/// attachment the caller cannot see (another organization's) is refused.
async fn resolve_attachments(
    store: &(impl AttachmentStore + ?Sized),
    caller: &Principal,
    attachments: Vec<NewAttachment>,
) -> Result<Vec<Attachment>> {
    let mut resolved = Vec::with_capacity(attachments.len());
    for (i, a) in attachments.into_iter().enumerate() {
        let Some(id) = a.id else {
            resolved.push(Attachment {
                id: None,
                url: a.url.unwrap_or_default(),
                name: a.name,
                mime_type: a.mime_type,
                size: a.size,
                thumbnail_url: None,
            });
            continue;
        };
        let record = match super::attachments::visible(store, caller, id).await {
            Err(Error::NotFound(_)) => {
                return Err(Error::invalid(
                    format!("attachments[{i}].id"),
                    format!("no attachment {id} in this organization"),
                ))
            }
            other => other?,
        };
        resolved.push(Attachment {
            id: Some(id),
            url: String::new(),
            name: Some(record.filename),
            mime_type: Some(record.content_type),
            size: Some(record.size),
            thumbnail_url: None,
        });
    }
    Ok(resolved)
}

fn check_content(checks: &mut Checks, content: &str) {
    if content.chars().count() > MAX_CONTENT_CHARS {
        checks.fail(
            "content",
            format!("must be at most {MAX_CONTENT_CHARS} characters"),
        );
    }
}

/// Fills in and checks the sender: `message_type` and `sender` default from each other.
async fn resolve_sender(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    contact: Option<ContactId>,
    message_type: Option<MessageType>,
    sender: Option<Sender>,
) -> Result<(MessageType, Sender)> {
    let sender = match (sender, message_type) {
        (Some(sender), _) => sender,
        (None, Some(MessageType::Incoming)) => Sender {
            sender_type: SenderType::Contact,
            id: None,
        },
        (None, Some(MessageType::Activity)) => Sender {
            sender_type: SenderType::System,
            id: None,
        },
        (None, _) => Sender {
            sender_type: SenderType::User,
            id: Some(caller.user_id.to_string()),
        },
    };
    let sender = match sender.sender_type {
        SenderType::Contact => {
            let id = match sender.id.as_deref() {
                Some(text) => {
                    let id: ContactId = text
                        .parse()
                        .map_err(|_| Error::invalid("sender.id", "is not a contact id"))?;
                    if matches!(
                        store.get_contact(caller.organization_id, id).await,
                        Err(Error::NotFound(_))
                    ) {
                        return Err(Error::invalid("sender.id", format!("no contact {id}")));
                    }
                    Some(id)
                }
                None => contact,
            };
            Sender {
                sender_type: SenderType::Contact,
                id: id.map(|id| id.to_string()),
            }
        }
        SenderType::User | SenderType::AiAgent => {
            // Without an id, the sender is the key's acting user (as a contact sender is the
            // conversation's contact).
            let id = match sender.id.as_deref() {
                None => caller.user_id,
                Some(text) => {
                    let id: UserId = text
                        .parse()
                        .map_err(|_| Error::invalid("sender.id", "is not a user id"))?;
                    if matches!(
                        store.get_user(caller.organization_id, id).await,
                        Err(Error::NotFound(_))
                    ) {
                        return Err(Error::invalid("sender.id", format!("no user {id}")));
                    }
                    id
                }
            };
            Sender {
                sender_type: sender.sender_type,
                id: Some(id.to_string()),
            }
        }
        SenderType::System => {
            if sender.id.is_some() {
                return Err(Error::invalid("sender.id", "a system sender has no id"));
            }
            sender
        }
    };
    let message_type = message_type.unwrap_or(match sender.sender_type {
        SenderType::Contact => MessageType::Incoming,
        SenderType::User | SenderType::AiAgent => MessageType::Outgoing,
        SenderType::System => MessageType::Activity,
    });
    Ok((message_type, sender))
}

/// `POST /v1/conversations/{id}/messages`.
pub async fn create(
    store: &(impl ConversationStore
          + DirectoryStore
          + MessageStore
          + AttachmentStore
          + LiveStore
          + ?Sized),
    caller: &Principal,
    conversation_id: ConversationId,
    req: CreateMessage,
) -> Result<MessageWrite> {
    caller.require(Scope::MessagesWrite)?;
    let conversation = visible_ref(store, caller, conversation_id).await?;
    let after = req.after_message_id.filter(|_| !req.force);
    let mentions = mentions(store, caller, &conversation, &req).await?;
    let message = prepare(store, caller, &conversation, req).await?;
    if !mentions.is_empty() && message.message_type != MessageType::Note {
        return Err(Error::invalid(
            "mentions",
            "people are mentioned in notes (`message_type: note`)",
        ));
    }
    let written = store
        .create_message(&message, after, &created_event(caller))
        .await?;
    if written.created {
        notify_of(store, caller, &conversation, &message, &mentions).await;
    }
    Ok(written)
}

/// The people a new message mentions (`mentions`, and `@[Name](user:<id>)` in its content),
/// each of this organization and able to see the conversation.
async fn mentions(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    conversation: &ConversationRef,
    req: &CreateMessage,
) -> Result<Vec<UserId>> {
    let given = req.mentions.as_deref().unwrap_or_default();
    let mut checks = Checks::new();
    checks.count("mentions", given.len());
    checks.finish()?;
    let written = rules::mentioned_in(&req.content);
    let mut all: Vec<(String, UserId)> = given
        .iter()
        .enumerate()
        .map(|(i, id)| (format!("mentions[{i}]"), *id))
        .collect();
    all.extend(written.into_iter().map(|id| ("content".to_owned(), id)));
    let mut mentioned = Vec::with_capacity(all.len());
    for (field, id) in all {
        let sees = match store.get_user(caller.organization_id, id).await {
            Ok(user) => rules::works_in(&user, conversation.business_unit_id),
            Err(Error::NotFound(_)) => false,
            Err(other) => return Err(other),
        };
        if !sees {
            return Err(Error::invalid(
                field,
                format!("user {id} cannot see this conversation"),
            ));
        }
        if !mentioned.contains(&id) {
            mentioned.push(id);
        }
    }
    Ok(mentioned)
}

/// Who hears of a new message (already stored, so nothing here fails the send): those it
/// mentions; for a customer's message, the team members who asked to.
async fn notify_of(
    store: &(impl DirectoryStore + LiveStore + ?Sized),
    caller: &Principal,
    conversation: &ConversationRef,
    message: &Message,
    mentions: &[UserId],
) {
    let cause = |notification_type| Cause {
        notification_type,
        conversation_id: conversation.id,
        business_unit_id: conversation.business_unit_id,
        message_id: Some(message.id),
        actor: caller.actor(),
    };
    if !mentions.is_empty() {
        notify(
            store,
            caller.organization_id,
            mentions,
            &cause(NotificationType::Mention),
        )
        .await;
    }
    if message.message_type == MessageType::Incoming {
        let wanting = store
            .members_wanting_messages(caller.organization_id, conversation.id)
            .await
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "could not read who hears of new messages");
                Vec::new()
            });
        if !wanting.is_empty() {
            let mut cause = cause(NotificationType::MessageInAssigned);
            cause.actor = convo_types::Participant {
                participant_type: "contact".into(),
                id: message.sender.id.clone(),
            };
            notify(store, caller.organization_id, &wanting, &cause).await;
        }
    }
}

/// Many messages in one transaction (an import, or a data set): each checked as `create`
/// checks it; all or none are added.
pub async fn create_many(
    store: &(impl ConversationStore + DirectoryStore + MessageStore + AttachmentStore + ?Sized),
    caller: &Principal,
    items: Vec<(ConversationId, CreateMessage)>,
) -> Result<Vec<MessageWrite>> {
    caller.require(Scope::MessagesWrite)?;
    let mut messages = Vec::with_capacity(items.len());
    // The conversations are read in one go, however many messages go to each.
    let mut ids: Vec<ConversationId> = items.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let conversations = visible_refs(store, caller, &ids).await?;
    for (conversation_id, req) in items {
        let conversation = conversations
            .get(&conversation_id)
            .ok_or(Error::NotFound("conversation"))?;
        messages.push(prepare(store, caller, conversation, req).await?);
    }
    store
        .create_messages(&messages, &created_event(caller))
        .await
}

fn created_event(caller: &Principal) -> EventMeta {
    EventMeta {
        event_type: EventType::MessageCreated,
        actor: caller.actor(),
    }
}

/// Validates a new message to the (visible) `conversation` and fills in its defaults.
async fn prepare(
    store: &(impl DirectoryStore + AttachmentStore + ?Sized),
    caller: &Principal,
    conversation: &ConversationRef,
    req: CreateMessage,
) -> Result<Message> {
    let mut checks = Checks::new();
    check_content(&mut checks, &req.content);
    let attachments = req.attachments.unwrap_or_default();
    check_attachments(&mut checks, &attachments);
    if is_blank(&req.content) && attachments.is_empty() {
        checks.fail("content", "a message needs content or attachments");
    }
    checks.object("metadata", req.metadata.as_ref());
    checks.text(
        "external_id",
        req.external_id.as_deref(),
        MAX_IDENTIFIER_CHARS,
        req.external_id.is_some(),
    );
    checks.finish()?;
    let attachments = resolve_attachments(store, caller, attachments).await?;
    let (message_type, sender) = resolve_sender(
        store,
        caller,
        conversation.contact_id,
        req.message_type,
        req.sender,
    )
    .await?;
    if req.status == Some(MessageStatus::Failed) {
        return Err(Error::invalid(
            "status",
            "a failure is reported with PATCH /v1/messages/{id}, with its error",
        ));
    }
    if message_type == MessageType::Outgoing {
        crate::usecases::control::check_turn(store, caller, conversation, &sender, req.force)
            .await?;
    }
    let now = Timestamp::now();
    let message = Message {
        object_name: "message".into(),
        id: MessageId::new(),
        conversation_id: conversation.id,
        message_type,
        sender,
        content: req.content,
        content_type: req.content_type.unwrap_or(ContentType::Text),
        attachments,
        metadata: req.metadata.unwrap_or_default(),
        external_id: req.external_id,
        status: req.status.unwrap_or(MessageStatus::Sent),
        error: None,
        created_at: now,
        updated_at: now,
    };
    Ok(message)
}

async fn visible_message(
    store: &(impl MessageStore + ?Sized),
    caller: &Principal,
    id: MessageId,
) -> Result<Message> {
    let MessageRecord {
        message,
        business_unit_id,
    } = store.get_message(caller.organization_id, id).await?;
    if caller.sees_business_unit(business_unit_id) {
        Ok(message)
    } else {
        Err(Error::NotFound("message"))
    }
}

pub async fn get(
    store: &(impl MessageStore + ?Sized),
    caller: &Principal,
    id: MessageId,
) -> Result<Message> {
    caller.require(Scope::MessagesRead)?;
    visible_message(store, caller, id).await
}

/// A conversation's messages, oldest first unless `order=recent`.
pub async fn list(
    store: &(impl ConversationStore + MessageStore + ?Sized),
    caller: &Principal,
    conversation_id: ConversationId,
    filters: MessageFilters,
    paging: PagingParams,
) -> Result<List<Message>> {
    caller.require(Scope::MessagesRead)?;
    visible_ref(store, caller, conversation_id).await?;
    let filter = MessageFilter {
        order: filters.order.unwrap_or(SortOrder::Oldest),
        status: filters.status,
        message_type: filters.message_type,
    };
    let page = paging.into_request()?;
    let rows = store
        .list_messages(caller.organization_id, conversation_id, &filter, &page)
        .await?;
    Ok(rows.into_list(page.limit, |m| m.id.as_uuid()))
}

/// `PATCH /v1/messages/{id}`: content and metadata, or a delivery receipt (`status`, with
/// `error` for `failed`), which records `message.status_changed`.
pub async fn update(
    store: &(impl MessageStore + ?Sized),
    caller: &Principal,
    id: MessageId,
    req: UpdateMessage,
) -> Result<Message> {
    caller.require(Scope::MessagesWrite)?;
    visible_message(store, caller, id).await?;
    if let Some(status) = req.status {
        if req.content.is_some() || req.metadata.is_some() {
            return Err(Error::invalid(
                "status",
                "a delivery receipt changes only status and error; send content and metadata apart",
            ));
        }
        return receipt(store, caller, id, status, req.error).await;
    }
    let mut checks = Checks::new();
    if let Some(content) = &req.content {
        check_content(&mut checks, content);
    }
    checks.object("metadata", req.metadata.as_ref());
    if req.error.is_some() {
        checks.fail("error", "goes with `status: failed`");
    }
    checks.finish()?;
    let change = move |m: &mut Message| -> Result<Change> {
        let before = m.clone();
        if let Some(content) = &req.content {
            if is_blank(content) && m.attachments.is_empty() {
                return Err(Error::invalid(
                    "content",
                    "a message needs content or attachments",
                ));
            }
            m.content = content.clone();
        }
        if let Some(patch) = req.metadata.clone() {
            merge_metadata(&mut m.metadata, patch);
        }
        Ok(if *m == before {
            Change::Unchanged
        } else {
            Change::Write
        })
    };
    let event = EventMeta {
        event_type: EventType::MessageUpdated,
        actor: caller.actor(),
    };
    store
        .update_message(caller.organization_id, id, &change, &event)
        .await
}

/// A delivery receipt: the status moves forward only (`rules::delivery_advances`); a receipt
/// arriving late changes nothing and answers the message as it is.
async fn receipt(
    store: &(impl MessageStore + ?Sized),
    caller: &Principal,
    id: MessageId,
    status: MessageStatus,
    error: Option<MessageError>,
) -> Result<Message> {
    let mut checks = Checks::new();
    match (&error, status) {
        (None, MessageStatus::Failed) => checks.fail("error", "is required with `failed`"),
        (Some(_), MessageStatus::Failed) | (None, _) => {}
        (Some(_), _) => checks.fail("error", "goes with `status: failed`"),
    }
    if let Some(error) = &error {
        checks.text(
            "error.code",
            error.code.as_deref(),
            MAX_IDENTIFIER_CHARS,
            false,
        );
        checks.text(
            "error.message",
            Some(&error.message),
            MAX_DETAIL_CHARS,
            true,
        );
    }
    checks.finish()?;
    let change = move |m: &mut Message| -> Result<Change> {
        if !rules::delivery_advances(m.status, status) {
            return Ok(Change::Unchanged);
        }
        m.status = status;
        m.error.clone_from(&error);
        Ok(Change::Write)
    };
    let event = EventMeta {
        event_type: EventType::MessageStatusChanged,
        actor: caller.actor(),
    };
    store
        .update_message(caller.organization_id, id, &change, &event)
        .await
}

pub async fn delete(
    store: &(impl MessageStore + ?Sized),
    caller: &Principal,
    id: MessageId,
) -> Result<()> {
    caller.require(Scope::MessagesWrite)?;
    visible_message(store, caller, id).await?;
    let event = EventMeta {
        event_type: EventType::MessageDeleted,
        actor: caller.actor(),
    };
    store
        .delete_message(caller.organization_id, id, &event)
        .await
}

/// Seed `initVideoCall`: a call in an unguessable room, its join URL from `url_template`
/// (`{room}` is replaced), an activity message and a `video_call.started` event.
pub async fn init_video_call(
    store: &(impl ConversationStore + MessageStore + ?Sized),
    caller: &Principal,
    conversation_id: ConversationId,
    url_template: &str,
) -> Result<VideoCallStarted> {
    caller.require(Scope::ConversationsWrite)?;
    visible_ref(store, caller, conversation_id).await?;
    let room = rules::new_room();
    let now = Timestamp::now();
    let call = VideoCall {
        object_name: "video_call".into(),
        id: VideoCallId::new(),
        conversation_id,
        join_url: url_template.replace("{room}", &room),
        room,
        started_by: caller.user_id,
        started_at: now,
    };
    let mut metadata = convo_types::JsonObject::new();
    metadata.insert("video_call_id".into(), serde_json::json!(call.id));
    metadata.insert("join_url".into(), serde_json::json!(call.join_url));
    let activity = Message {
        object_name: "message".into(),
        id: MessageId::new(),
        conversation_id,
        message_type: MessageType::Activity,
        sender: Sender {
            sender_type: SenderType::User,
            id: Some(caller.user_id.to_string()),
        },
        content: "Video call started".into(),
        content_type: ContentType::Text,
        attachments: Vec::new(),
        metadata,
        external_id: None,
        status: MessageStatus::Sent,
        error: None,
        created_at: now,
        updated_at: now,
    };
    let event = EventMeta {
        event_type: EventType::VideoCallStarted,
        actor: caller.actor(),
    };
    let activity_event = EventMeta {
        event_type: EventType::MessageCreated,
        actor: caller.actor(),
    };
    let conversation = store
        .start_video_call(&call, &activity, &event, &activity_event)
        .await?;
    Ok(VideoCallStarted {
        video_call: call,
        conversation: conversation.conversation,
    })
}
