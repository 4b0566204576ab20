//! Working together: drafts, bulk changes, typing and viewing, presence, notifications.

use convo_types::{
    Activity, BulkResults, BulkUpdate, ConversationFilters, ConversationId, Draft, List,
    Notification, NotificationQuery, NotificationSettings, NotificationsRead, Presence,
    ReadNotifications, ReportActivity, SaveDraft, SavedViewCounts, SetPresence,
    UpdateNotificationSettings, User, ViewsCount,
};
use reqwest::Method;

use crate::query::{Page, NO_QUERY};
use crate::{Conversations, MeApi, Result};

impl Conversations<'_> {
    /// The acting user's draft in the conversation (`Error::Api` 404 when none).
    #[doc(alias = "getDraft")]
    pub async fn draft(&self, id: ConversationId) -> Result<Draft> {
        self.0
            .get(&format!("/v1/conversations/{id}/draft"), &NO_QUERY)
            .await
    }

    /// Saves the acting user's draft; sending a message of its type clears it.
    #[doc(alias = "saveDraft")]
    pub async fn save_draft(&self, id: ConversationId, req: &SaveDraft) -> Result<Draft> {
        let path = format!("/v1/conversations/{id}/draft");
        self.0
            .send(self.0.request(Method::PUT, &path).json(req))
            .await
    }

    #[doc(alias = "deleteDraft")]
    pub async fn delete_draft(&self, id: ConversationId) -> Result<()> {
        self.0
            .delete(&format!("/v1/conversations/{id}/draft"))
            .await
    }

    /// One change for up to 100 conversations, with a result per id.
    #[doc(alias = "bulkUpdateConversations")]
    pub async fn bulk_update(&self, req: &BulkUpdate) -> Result<BulkResults> {
        self.0.post("/v1/conversations/bulk", req).await
    }

    /// Tells every stream that sees the conversation what the acting user is doing in it.
    #[doc(alias = "reportActivity")]
    pub async fn report_activity(&self, id: ConversationId, activity: Activity) -> Result<()> {
        let path = format!("/v1/conversations/{id}/activity");
        self.0
            .send_empty(
                self.0
                    .request(Method::POST, &path)
                    .json(&ReportActivity { activity }),
            )
            .await
    }

    /// The views count under `filters`, and each of these saved views under its own.
    pub async fn get_views_count_with(
        &self,
        filters: &ConversationFilters,
        views: &[convo_types::SavedViewId],
    ) -> Result<ViewsCount> {
        let ids: Vec<String> = views.iter().map(ToString::to_string).collect();
        // An empty `view_ids=` is refused: left out when there are none.
        let saved = SavedViewCounts {
            view_ids: (!ids.is_empty()).then(|| ids.join(",")),
        };
        self.0
            .send(
                self.0
                    .request(Method::GET, "/v1/conversations/views/count")
                    .query(filters)
                    .query(&saved),
            )
            .await
    }
}

impl MeApi<'_> {
    /// `Away`, `Busy` or `Offline` hold while connected; `Online` lets streams decide again.
    #[doc(alias = "setPresence")]
    pub async fn set_presence(&self, status: Presence) -> Result<User> {
        self.0
            .send(
                self.0
                    .request(Method::PUT, "/v1/me/presence")
                    .json(&SetPresence { status }),
            )
            .await
    }

    /// The acting user's notifications, newest first.
    #[doc(alias = "listNotifications")]
    pub async fn notifications(
        &self,
        query: &NotificationQuery,
        page: &Page,
    ) -> Result<List<Notification>> {
        self.0
            .send(
                self.0
                    .request(Method::GET, "/v1/me/notifications")
                    .query(query)
                    .query(page),
            )
            .await
    }

    /// Marks notifications read: some by id, or all.
    #[doc(alias = "readNotifications")]
    pub async fn read_notifications(&self, req: &ReadNotifications) -> Result<NotificationsRead> {
        self.0.post("/v1/me/notifications/read", req).await
    }

    #[doc(alias = "getNotificationSettings")]
    pub async fn notification_settings(&self) -> Result<NotificationSettings> {
        self.0.get("/v1/me/notification-settings", &NO_QUERY).await
    }

    #[doc(alias = "updateNotificationSettings")]
    pub async fn update_notification_settings(
        &self,
        req: &UpdateNotificationSettings,
    ) -> Result<NotificationSettings> {
        self.0.patch("/v1/me/notification-settings", req).await
    }
}
