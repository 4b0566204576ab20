//! What the stories use.

pub(super) use std::collections::HashSet;
pub(super) use std::sync::Arc;

pub(super) use convo_core::auth::{self, Principal};
pub(super) use convo_core::paging::PagingParams;
pub(super) use convo_core::usecases::conversations;
pub(super) use convo_core::usecases::{
    control, directory, events, idempotency, labels, messages, search, team, threads, timers,
    webhooks, workforce,
};
pub(super) use convo_core::{Error, IdempotencyState, MessageWrite, Store};
pub(super) use convo_types::{
    AddLabels, Address, ChannelType, ControlParty, ControlType, Conversation, ConversationFilters,
    ConversationId, ConversationOrder, ConversationType, CreateApiKey, CreateBusinessUnit,
    CreateChannel, CreateContact, CreateConversation, CreateLabel, CreateMessage, CreateUser,
    ErrorCode, EventType, HandoffRequest, MessageType, NewAttachment, Priority, Scope, Sender,
    SenderType, SortOrder, Status, StatusOrView, UpdateBusinessUnit, UpdateConversation,
    UpdateLabel, UpdateMessage, UpdateStatus, UserKind, View,
};
pub(super) use serde_json::json;

pub(super) use super::support::*;
pub(super) use crate::Fixture;
