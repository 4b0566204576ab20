//! `/v1/conversations`, with the method names of the APIs convo serves.

use convo_types::{
    AssignTeamMember, BusinessUnitId, Conversation, ConversationId, CreateConversation,
    CreateMessage, Event, GetOrCreateConversation, List, Message, SearchHit, Status,
    UpdateConversation, UpdateStatus, User, UserId, VideoCallStarted, ViewsCount,
};
use reqwest::Method;
use serde::Serialize;

use crate::{Client, ConversationFilters, EventQuery, Page, Pages, Result, NO_QUERY};

impl<'a> Conversations<'a> {
    /// Every conversation under `filters`, `page_size` per request.
    pub fn pages(&self, filters: &ConversationFilters, page_size: u32) -> Pages<'a, Conversation> {
        let (client, filters) = (self.0, filters.clone());
        Pages::new(move |cursor| {
            let page = Page {
                limit: Some(page_size),
                cursor,
                ..Default::default()
            };
            let filters = filters.clone();
            Box::pin(async move { client.conversations().list(&filters, &page).await })
        })
    }
}

/// `/v1/conversations`, with the seeds' method names.
pub struct Conversations<'a>(pub(crate) &'a Client);

impl Conversations<'_> {
    /// Seed `list`: filters and paging.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_client::{ConversationFilters, Page, StatusOrView};
    /// let filters = ConversationFilters { type_or_view: Some(StatusOrView::Status(convo_types::Status::Open)), q: Some("billing".into()), ..Default::default() };
    /// let page = client.conversations().list(&filters, &Page { limit: Some(20), skip: Some(0), ..Default::default() }).await?;
    /// for conv in &page.data {
    ///     println!("{} {} {}", conv.id, conv.name, conv.status);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "listConversations")]
    pub async fn list(
        &self,
        filters: &ConversationFilters,
        page: &Page,
    ) -> Result<List<Conversation>> {
        self.0
            .send(
                self.0
                    .request(Method::GET, "/v1/conversations")
                    .query(filters)
                    .query(page),
            )
            .await
    }

    /// Seed `get`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let conversation = client.conversations().get(id).await?;
    /// println!("{} {}", conversation.id, conversation.status);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "getConversation")]
    pub async fn get(&self, id: ConversationId) -> Result<Conversation> {
        self.0
            .get(&format!("/v1/conversations/{id}"), &NO_QUERY)
            .await
    }

    /// Seed `getByConversationId`: by the public id.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let conversation = client.conversations().get_by_conversation_id("k3Fq9ZpX2mWc").await?;
    /// println!("{} {}", conversation.id, conversation.status);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "getByConversationId")]
    pub async fn get_by_conversation_id(&self, public_id: &str) -> Result<Conversation> {
        self.0
            .get(
                &format!("/v1/conversations/by-public-id/{public_id}"),
                &NO_QUERY,
            )
            .await
    }

    /// Seed `create`: every field is optional.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_types::CreateConversation;
    /// let conversation = client.conversations().create(&CreateConversation::default()).await?;
    /// println!("{}", conversation.id);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "createConversation")]
    pub async fn create(&self, req: &CreateConversation) -> Result<Conversation> {
        self.0.post("/v1/conversations", req).await
    }

    /// Seed `create` with an `Idempotency-Key`: a retry answers the first conversation.
    pub async fn create_idempotent(
        &self,
        req: &CreateConversation,
        key: &str,
    ) -> Result<Conversation> {
        self.0
            .send(
                self.0
                    .request(Method::POST, "/v1/conversations")
                    .header("Idempotency-Key", key)
                    .json(req),
            )
            .await
    }

    /// Seed `updateConversation`: metadata is merged; `null` removes a key.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let patch = serde_json::from_value(serde_json::json!({"name": "VIP customer support", "metadata": {"priority": "high"}})).unwrap();
    /// let updated = client.conversations().update_conversation(id, &patch).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "updateConversation")]
    pub async fn update_conversation(
        &self,
        id: ConversationId,
        req: &UpdateConversation,
    ) -> Result<Conversation> {
        self.0.patch(&format!("/v1/conversations/{id}"), req).await
    }

    /// Seed `updateName`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// client.conversations().update_name(id, "VIP Support Thread").await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_name(&self, id: ConversationId, name: &str) -> Result<Conversation> {
        let req = UpdateConversation {
            name: Some(name.to_owned()),
            ..Default::default()
        };
        self.update_conversation(id, &req).await
    }

    /// Seed `updateStatus`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_types::Status;
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// client.conversations().update_status(id, Status::Resolved).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "updateStatus")]
    pub async fn update_status(&self, id: ConversationId, status: Status) -> Result<Conversation> {
        let req = UpdateStatus {
            status,
            snoozed_until: None,
        };
        self.0
            .patch(&format!("/v1/conversations/{id}/status"), &req)
            .await
    }

    /// Seed `deleteConversation`: soft by default, for good with `hard`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// client.conversations().delete_conversation(id, false).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "deleteConversation")]
    pub async fn delete_conversation(&self, id: ConversationId, hard: bool) -> Result<()> {
        let path = format!("/v1/conversations/{id}");
        self.0
            .send_empty(
                self.0
                    .request(Method::DELETE, &path)
                    .query(&[("hard", hard)]),
            )
            .await
    }

    /// Seed `join`: the key's acting user joins.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// client.conversations().join(id).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "joinConversation")]
    pub async fn join(&self, id: ConversationId) -> Result<Conversation> {
        self.0
            .post(
                &format!("/v1/conversations/{id}/join"),
                &serde_json::json!({}),
            )
            .await
    }

    /// Seed `leave`: the key's acting user leaves.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// client.conversations().leave(id).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "leaveConversation")]
    pub async fn leave(&self, id: ConversationId) -> Result<Conversation> {
        self.0
            .post(
                &format!("/v1/conversations/{id}/leave"),
                &serde_json::json!({}),
            )
            .await
    }

    /// Seed `assignTeamMember`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let agent = "01936b1e-7c2a-7000-8000-000000000001".parse().unwrap();
    /// client.conversations().assign_team_member(id, agent).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "assignTeamMember")]
    pub async fn assign_team_member(
        &self,
        id: ConversationId,
        user_id: UserId,
    ) -> Result<Conversation> {
        self.0
            .post(
                &format!("/v1/conversations/{id}/members"),
                &AssignTeamMember { user_id },
            )
            .await
    }

    /// Seed `removeTeamMember`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let agent = "01936b1e-7c2a-7000-8000-000000000001".parse().unwrap();
    /// client.conversations().remove_team_member(id, agent).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "removeTeamMember")]
    pub async fn remove_team_member(
        &self,
        id: ConversationId,
        user_id: UserId,
    ) -> Result<Conversation> {
        let path = format!("/v1/conversations/{id}/members/{user_id}");
        self.0.send(self.0.request(Method::DELETE, &path)).await
    }

    /// Seed `getInvitableUsers`: `q` matches name or email, ignoring case and accents.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_client::Page;
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let users = client.conversations().get_invitable_users(id, None, &Page::default()).await?;
    /// for u in &users.data {
    ///     println!("{} {}", u.id, u.name);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "getInvitableUsers")]
    pub async fn get_invitable_users(
        &self,
        id: ConversationId,
        q: Option<&str>,
        page: &Page,
    ) -> Result<List<User>> {
        let path = format!("/v1/conversations/{id}/invitable-users");
        let mut request = self.0.request(Method::GET, &path).query(page);
        if let Some(q) = q {
            request = request.query(&[("q", q)]);
        }
        self.0.send(request).await
    }

    /// Seed `getViewsCount`: `{mine, unassigned, assigned, all, by_status}` under the filters.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_client::{ConversationFilters, StatusOrView};
    /// let counts = client.conversations().get_views_count(&ConversationFilters { type_or_view: Some(StatusOrView::Status(convo_types::Status::Open)), ..Default::default() }).await?;
    /// println!("{counts:?}");
    /// # Ok(()) }
    /// ```
    #[doc(alias = "getViewsCount")]
    pub async fn get_views_count(&self, filters: &ConversationFilters) -> Result<ViewsCount> {
        self.0.get("/v1/conversations/views/count", filters).await
    }

    /// Seed 002 `getOrCreateConversation`: the customer's conversation, made when missing.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let req = serde_json::from_value(serde_json::json!({
    ///     "type": "DIRECT",
    ///     "customer": {"externalId": "website_user_123", "name": "Jane Customer", "email": "jane@example.com"},
    ///     "channelIdentifier": "example.com",
    ///     "metadata": {"source": "website-chat"}
    /// })).unwrap();
    /// let conversation = client.conversations().get_or_create(&req).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "getOrCreateConversation")]
    pub async fn get_or_create(&self, req: &GetOrCreateConversation) -> Result<Conversation> {
        self.0.post("/v1/conversations/get-or-create", req).await
    }

    /// Seed 002 `createSubConversation`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let parent = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let req = serde_json::from_value(serde_json::json!({
    ///     "name": "Order #1042", "type": "GROUP",
    ///     "customer": {"externalId": "website_user_123"}, "channelIdentifier": "example.com"
    /// })).unwrap();
    /// let thread = client.conversations().create_sub_conversation(parent, &req).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "createSubConversation")]
    pub async fn create_sub_conversation(
        &self,
        parent_id: ConversationId,
        req: &GetOrCreateConversation,
    ) -> Result<Conversation> {
        self.0
            .post(
                &format!("/v1/conversations/{parent_id}/sub-conversations"),
                req,
            )
            .await
    }

    /// Seed 002 `listSubConversations`: oldest first.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// use convo_client::Page;
    /// let parent = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let page = client.conversations().list_sub_conversations(parent, &Page { limit: Some(30), ..Default::default() }).await?;
    /// let next = client.conversations().list_sub_conversations(parent, &Page { limit: Some(30), cursor: page.next_cursor, ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "listSubConversations")]
    pub async fn list_sub_conversations(
        &self,
        parent_id: ConversationId,
        page: &Page,
    ) -> Result<List<Conversation>> {
        self.0
            .get(
                &format!("/v1/conversations/{parent_id}/sub-conversations"),
                page,
            )
            .await
    }

    /// Seed `search`: full text in any language, ranked, with highlights.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let bu = "01936b1e-7c2a-7000-8000-000000000002".parse().ok();
    /// let results = client.conversations().search("refund request", bu, Some(10), None).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "searchConversations")]
    pub async fn search(
        &self,
        q: &str,
        business_unit_id: Option<BusinessUnitId>,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<List<SearchHit>> {
        #[derive(Serialize)]
        struct Query<'a> {
            q: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            business_unit_id: Option<BusinessUnitId>,
            #[serde(skip_serializing_if = "Option::is_none")]
            limit: Option<u32>,
            #[serde(skip_serializing_if = "Option::is_none")]
            cursor: Option<&'a str>,
        }
        self.0
            .get(
                "/v1/conversations/search",
                &Query {
                    q,
                    business_unit_id,
                    limit,
                    cursor,
                },
            )
            .await
    }

    /// Seed `initVideoCall`.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let result = client.conversations().init_video_call(id).await?;
    /// println!("{:?}", result.conversation);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "initVideoCall")]
    pub async fn init_video_call(&self, id: ConversationId) -> Result<VideoCallStarted> {
        self.0
            .post(
                &format!("/v1/conversations/{id}/video-call"),
                &serde_json::json!({}),
            )
            .await
    }

    /// A conversation's messages, oldest first.
    #[doc(alias = "listMessages")]
    pub async fn list_messages(&self, id: ConversationId, page: &Page) -> Result<List<Message>> {
        self.0
            .get(&format!("/v1/conversations/{id}/messages"), page)
            .await
    }

    /// Adds a message; a repeated `external_id` answers the first message.
    #[doc(alias = "createMessage")]
    pub async fn create_message(&self, id: ConversationId, req: &CreateMessage) -> Result<Message> {
        self.0
            .post(&format!("/v1/conversations/{id}/messages"), req)
            .await
    }

    /// The conversation's activity log.
    #[doc(alias = "listConversationEvents")]
    pub async fn events(&self, id: ConversationId, after: Option<i64>) -> Result<List<Event>> {
        self.0
            .get(
                &format!("/v1/conversations/{id}/events"),
                &EventQuery { after, limit: None },
            )
            .await
    }
}
