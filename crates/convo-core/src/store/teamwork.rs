//! The storage contract of working together: what people keep (drafts, canned responses,
//! saved views) and what is live between them (signals, presence, notifications).

use async_trait::async_trait;
use convo_types::{ConversationId, OrganizationId, Timestamp, User, UserId};

use super::*;
use crate::paging::Rows;
use crate::Result;

/// What people keep to work together: drafts, canned responses and saved views.
#[async_trait]
pub trait TeamworkStore: Send + Sync {
    /// Keeps the draft, replacing the person's earlier one in the conversation.
    async fn save_draft(&self, org: OrganizationId, draft: &convo_types::Draft) -> Result<()>;
    async fn get_draft(
        &self,
        org: OrganizationId,
        conversation: ConversationId,
        user: UserId,
    ) -> Result<convo_types::Draft>;
    /// `NotFound` when there is none.
    async fn delete_draft(
        &self,
        org: OrganizationId,
        conversation: ConversationId,
        user: UserId,
    ) -> Result<()>;

    /// `Conflict` when the organization has a response with that short code (ignoring case).
    async fn insert_canned_response(
        &self,
        org: OrganizationId,
        canned: &convo_types::CannedResponse,
    ) -> Result<()>;
    async fn get_canned_response(
        &self,
        org: OrganizationId,
        id: convo_types::CannedResponseId,
    ) -> Result<convo_types::CannedResponse>;
    /// Those offered to `filter.user` (theirs, their units', the organization's), oldest
    /// first.
    async fn list_canned_responses(
        &self,
        org: OrganizationId,
        filter: &CannedFilter,
        page: &DirectoryPage,
    ) -> Result<Rows<convo_types::CannedResponse>>;
    /// `Conflict` as for insert.
    async fn update_canned_response(
        &self,
        org: OrganizationId,
        canned: &convo_types::CannedResponse,
    ) -> Result<()>;
    async fn delete_canned_response(
        &self,
        org: OrganizationId,
        id: convo_types::CannedResponseId,
    ) -> Result<()>;

    async fn insert_saved_view(
        &self,
        org: OrganizationId,
        view: &convo_types::SavedView,
    ) -> Result<()>;
    async fn get_saved_view(
        &self,
        org: OrganizationId,
        id: convo_types::SavedViewId,
    ) -> Result<convo_types::SavedView>;
    /// The views among `ids` (missing ones are left out), in no order.
    async fn get_saved_views(
        &self,
        org: OrganizationId,
        ids: &[convo_types::SavedViewId],
    ) -> Result<Vec<convo_types::SavedView>>;
    /// The shared views and `user`'s own, oldest first.
    async fn list_saved_views(
        &self,
        org: OrganizationId,
        user: UserId,
        page: &DirectoryPage,
    ) -> Result<Rows<convo_types::SavedView>>;
    async fn update_saved_view(
        &self,
        org: OrganizationId,
        view: &convo_types::SavedView,
    ) -> Result<()>;
    async fn delete_saved_view(
        &self,
        org: OrganizationId,
        id: convo_types::SavedViewId,
    ) -> Result<()>;
}

/// What is live: signals between nodes, presence, and each person's notifications.
#[async_trait]
pub trait LiveStore: Send + Sync {
    /// Every node's signals (typing, viewing, presence, notifications) as they are sent. A
    /// lagging receiver loses some: they are ephemeral, never in the event log.
    fn signals(&self) -> tokio::sync::broadcast::Receiver<crate::live::Broadcast>;
    /// Sends a signal to every node, this one included.
    async fn send_signal(&self, broadcast: &crate::live::Broadcast) -> Result<()>;

    /// Records that these people have a stream open on this node at `now`; answers those
    /// whose presence changed (`live::presence`), as they show now.
    async fn heartbeat_presence(
        &self,
        people: &[(OrganizationId, UserId)],
        now: Timestamp,
    ) -> Result<Vec<User>>;
    /// Keeps what a person said (`None`: the stream decides); answers the user when their
    /// presence changed.
    async fn say_presence(
        &self,
        org: OrganizationId,
        user: UserId,
        said: Option<convo_types::Presence>,
        now: Timestamp,
    ) -> Result<Option<User>>;
    /// Up to `limit` people not shown offline whose streams were last seen before
    /// `stale_before`: they go offline (once, whichever node sweeps first); answered.
    async fn expire_presence(&self, stale_before: Timestamp, limit: i64) -> Result<Vec<User>>;

    async fn insert_notifications(
        &self,
        org: OrganizationId,
        notifications: &[(UserId, convo_types::Notification)],
    ) -> Result<()>;
    /// Newest first, only about live conversations in `filter.business_unit_ids`.
    async fn list_notifications(
        &self,
        org: OrganizationId,
        filter: &NotificationFilter,
        page: &DirectoryPage,
    ) -> Result<Rows<convo_types::Notification>>;
    /// Unread ones under the same rule as the list, counted from the rows themselves.
    async fn count_unread_notifications(
        &self,
        org: OrganizationId,
        filter: &NotificationFilter,
    ) -> Result<i64>;
    /// Marks these (`None`: all) of the user's notifications read at `at`; answers how many
    /// were unread.
    async fn read_notifications(
        &self,
        org: OrganizationId,
        user: UserId,
        ids: Option<&[convo_types::NotificationId]>,
        at: Timestamp,
    ) -> Result<i64>;
    /// Team members of the conversation who asked to hear of its new customer messages.
    async fn members_wanting_messages(
        &self,
        org: OrganizationId,
        conversation: ConversationId,
    ) -> Result<Vec<UserId>>;
    /// The defaults when the person never changed them.
    async fn get_notification_settings(
        &self,
        org: OrganizationId,
        user: UserId,
    ) -> Result<convo_types::NotificationSettings>;
    async fn set_notification_settings(
        &self,
        org: OrganizationId,
        user: UserId,
        settings: &convo_types::NotificationSettings,
    ) -> Result<()>;
}
