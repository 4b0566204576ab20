//! The Admin API v2 (`/admin/api/v2/conversations`): AI-agent runs.

use convo_types::{Conversation, ConversationId, List, Message};

use crate::{Client, Result, NO_QUERY};

/// Seed 003's Admin API v2 (`/admin/api/v2/conversations`): AI-agent runs.
pub struct AdminV2<'a>(pub(crate) &'a Client);

impl AdminV2<'_> {
    /// List Conversations: `page_num`, `page_size`, `order`, `status`, `agent_id`, ...
    #[doc(alias = "adminListConversations")]
    pub async fn list(&self, query: &[(&str, &str)]) -> Result<List<Conversation>> {
        self.0.get("/admin/api/v2/conversations", &query).await
    }
    /// Create Conversation (topic "New Conversation" and status `running` by default).
    #[doc(alias = "adminCreateConversation")]
    pub async fn create(
        &self,
        req: &convo_types::WorkforceCreateConversation,
    ) -> Result<Conversation> {
        self.0.post("/admin/api/v2/conversations", req).await
    }
    #[doc(alias = "adminGetConversation")]
    pub async fn get(&self, id: ConversationId) -> Result<Conversation> {
        self.0
            .get(&format!("/admin/api/v2/conversations/{id}"), &NO_QUERY)
            .await
    }
    /// Update Conversation (the topic).
    #[doc(alias = "adminUpdateConversation")]
    pub async fn update(
        &self,
        id: ConversationId,
        req: &convo_types::WorkforceUpdateConversation,
    ) -> Result<Conversation> {
        self.0
            .patch(&format!("/admin/api/v2/conversations/{id}"), req)
            .await
    }
    #[doc(alias = "adminUpdateConversationStatus")]
    pub async fn update_status(
        &self,
        id: ConversationId,
        req: &convo_types::WorkforceUpdateStatus,
    ) -> Result<Conversation> {
        self.0
            .patch(&format!("/admin/api/v2/conversations/{id}/status"), req)
            .await
    }
    /// Delete Conversation, with its messages.
    #[doc(alias = "adminDeleteConversation")]
    pub async fn delete(&self, id: ConversationId) -> Result<()> {
        self.0
            .delete(&format!("/admin/api/v2/conversations/{id}"))
            .await
    }
    /// List Messages By Conversation (`page`, `page_size`).
    #[doc(alias = "adminListMessagesByConversation")]
    pub async fn list_messages(
        &self,
        id: ConversationId,
        page: u32,
        page_size: u32,
    ) -> Result<List<Message>> {
        let query = [("page", page), ("page_size", page_size)];
        self.0
            .get(
                &format!("/admin/api/v2/conversations/{id}/messages"),
                &query,
            )
            .await
    }
}
