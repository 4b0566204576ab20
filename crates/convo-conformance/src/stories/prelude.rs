//! What the stories use.

pub(super) use std::collections::HashSet;
pub(super) use std::sync::Arc;

pub(super) use convo_core::auth::{self, Principal};
pub(super) use convo_core::paging::PagingParams;
pub(super) use convo_core::usecases::conversations;
pub(super) use convo_core::usecases::{
    directory, events, idempotency, messages, search, team, threads, webhooks, workforce,
};
pub(super) use convo_core::{ContactFilter, Error, IdempotencyState, MessageWrite, Store};
pub(super) use convo_types::{
    Address, Attachment, ChannelType, Conversation, ConversationFilters, ConversationId,
    ConversationType, CreateApiKey, CreateBusinessUnit, CreateChannel, CreateContact,
    CreateConversation, CreateMessage, CreateUser, ErrorCode, EventType, MessageType, Scope,
    Sender, SenderType, SortOrder, Status, StatusOrView, UpdateBusinessUnit, UpdateConversation,
    UpdateMessage, UpdateStatus, View,
};
pub(super) use serde_json::json;

pub(super) use super::support::*;
pub(super) use crate::Fixture;
