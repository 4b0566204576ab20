//! Who answers a conversation (handoffs) and its labels.

use convo_types::{
    AddLabels, BusinessUnitId, ControlType, Conversation, ConversationFilters, ConversationId,
    HandoffRequest, List, SearchHit,
};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use reqwest::Method;
use serde::Serialize;

use crate::{Conversations, Result};

impl Conversations<'_> {
    /// Hands the conversation to a named person or AI agent at once, or to the team
    /// (`to: {type: human}` without an id), pending until a human accepts it.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_types::{ControlParty, ControlType, HandoffRequest};
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let to_the_team = HandoffRequest {
    ///     to: ControlParty { control_type: ControlType::Human, id: None },
    ///     reason: Some("the customer asked for a person".into()),
    ///     metadata: None,
    /// };
    /// client.conversations().handoff(id, &to_the_team).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "handoffConversation")]
    pub async fn handoff(&self, id: ConversationId, req: &HandoffRequest) -> Result<Conversation> {
        self.0
            .post(&format!("/v1/conversations/{id}/handoff"), req)
            .await
    }

    /// The key's acting user (a human) accepts the pending handoff: it controls the
    /// conversation and joins its team.
    #[doc(alias = "acceptHandoff")]
    pub async fn accept_handoff(&self, id: ConversationId) -> Result<Conversation> {
        let path = format!("/v1/conversations/{id}/handoff/accept");
        self.0.send(self.0.request(Method::POST, &path)).await
    }

    /// Puts labels (by name; each must exist) on the conversation.
    #[doc(alias = "addConversationLabels")]
    pub async fn add_labels(&self, id: ConversationId, names: &[&str]) -> Result<Conversation> {
        let req = AddLabels {
            labels: names.iter().map(|n| n.to_string()).collect(),
        };
        self.0
            .post(&format!("/v1/conversations/{id}/labels"), &req)
            .await
    }

    /// Takes a label (by name, ignoring case) off the conversation.
    #[doc(alias = "removeConversationLabel")]
    pub async fn remove_label(&self, id: ConversationId, name: &str) -> Result<Conversation> {
        let name = utf8_percent_encode(name, NON_ALPHANUMERIC);
        let path = format!("/v1/conversations/{id}/labels/{name}");
        self.0.send(self.0.request(Method::DELETE, &path)).await
    }
}

/// The query of a filtered search: the words and the inbox filters.
#[derive(Serialize)]
struct FilteredSearch<'a> {
    q: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_unit_id: Option<BusinessUnitId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    control_type: Option<ControlType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    handoff_pending: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels_any: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<&'a str>,
}

impl Conversations<'_> {
    /// [`search`](Self::search) narrowed by the inbox filters of `filters` (business unit,
    /// priority, control, pending handoff, labels); its other list filters do not apply.
    #[doc(alias = "searchConversations")]
    pub async fn search_filtered(
        &self,
        q: &str,
        filters: &ConversationFilters,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<List<SearchHit>> {
        let priority: Vec<&str> = filters.priority.iter().map(|p| p.as_str()).collect();
        let query = FilteredSearch {
            q,
            business_unit_id: filters.business_unit_id,
            priority: (!priority.is_empty()).then(|| priority.join(",")),
            control_type: filters.control_type,
            handoff_pending: filters.handoff_pending,
            labels: filters.labels.as_deref(),
            labels_any: filters.labels_any.as_deref(),
            limit,
            cursor,
        };
        self.0.get("/v1/conversations/search", &query).await
    }
}
