//! What every module of the store uses: the domain's types and the backend's dialect.

pub(crate) use std::collections::HashMap;
pub(crate) use std::sync::atomic::{AtomicU64, Ordering};
pub(crate) use std::sync::Arc;

pub(crate) use async_trait::async_trait;
pub(crate) use convo_core::effects::{last_message, ConversationActivity};
pub(crate) use convo_core::paging::{PageRequest, PageStart, Rows, TimeKey};
pub(crate) use convo_core::rules;
pub(crate) use convo_core::text::search::index_text;
pub(crate) use convo_core::usecases::reads::{has_unread, unread};
pub(crate) use convo_core::{
    Absorb, Change, ChannelFilter, ContactFilter, ConversationChange, ConversationFilter,
    ConversationRecord, ConversationRef, ConversationStore, DeliveryOutcome, DirectoryPage,
    DirectoryStore, DueDelivery, Error, EventFilter, EventMeta, EventStore, IdempotencyState,
    IdempotencyStore, InboxFilter, LabelStore, MessageChange, MessageFilter, MessageRecord,
    MessageStore, MessageWrite, NewConversation, NewOrganization, OrganizationStore, ParentFilter,
    QuietConversation, ReadStore, Reader, Result, SearchQuery, SearchRow, SearchStore, StatsStore,
    StoreStats, TimerStore, ViewTallies, WebhookRecord, WebhookStore,
};
pub(crate) use convo_types::{
    Address, ApiKey, ApiKeyId, Attachment, BusinessUnit, BusinessUnitId, Channel, ChannelId,
    ChannelType, Contact, ContactId, ContentType, Control, ControlType, Conversation,
    ConversationCounts, ConversationId, ConversationOrder, ConversationType, Event, EventType,
    Handoff, JsonObject, Label, LabelId, LastMessage, Message, MessageError, MessageId,
    MessageStatus, MessageType, Organization, OrganizationId, Participant, Priority, ReadMarker,
    Scope, Sender, SenderType, SimpleUser, SortOrder, Status, Timestamp, User, UserId, UserKind,
    UserRole, VideoCall, View,
};
pub(crate) use sqlx::types::Json;
pub(crate) use sqlx::{FromRow, QueryBuilder};
pub(crate) use uuid::Uuid;

pub(crate) use super::attachments::{release_attachments, use_attachments, Released};
pub(crate) use super::conversations::*;
pub(crate) use super::counters::*;
pub(crate) use super::directory::*;
pub(crate) use super::error::{affected, found, parse_text, run, StoreError, StoreResult};
pub(crate) use super::events::*;
pub(crate) use super::messages::*;
pub(crate) use super::query::{
    like_pattern, push_directory_page, push_in, push_in_ids, ROWS_PER_INSERT,
};
pub(crate) use super::search::*;
pub(crate) use super::teamwork::clear_drafts;
pub(crate) use super::SqlStore;
pub(crate) use crate::dialect::*;

/// A connection or a transaction of the backend.
pub(crate) type Conn = <Db as sqlx::Database>::Connection;
