//! Other products' APIs over the same data: Connect360's procedures (tRPC under `/trpc`) and
//! VoIPbin's conversation resource (`/v1.0/conversations`).

use convo_types::compat::connect360::{
    Connect360Conversation, Connect360ConversationInput, Connect360Deleted, Connect360IdInput,
    Connect360ListInput, Connect360Page, Connect360SubConversationInput, Connect360UpdateInput,
};
use convo_types::compat::voipbin::{
    VoipbinConversation, VoipbinCreateInput, VoipbinMessage, VoipbinMessageInput, VoipbinPage,
    VoipbinUpdateInput,
};
use convo_types::ConversationId;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{problem_of, Client, Error, Result, NO_QUERY};

/// Connect360's procedures, called over tRPC's HTTP protocol: queries as `GET` with the input
/// as JSON in `?input=`, mutations as `POST` with the input as body.
pub struct Connect<'a>(pub(crate) &'a Client);

/// One call of a batch: a procedure's path (`v1.connect.getConversation`) and its input.
#[derive(Debug, Clone, Serialize)]
pub struct BatchCall {
    pub procedure: String,
    pub input: Value,
}

/// `{"result": {"data": ...}}` or `{"error": {...}}`.
#[derive(Deserialize)]
struct Envelope<T> {
    result: Option<Data<T>>,
    error: Option<Value>,
}

#[derive(Deserialize)]
struct Data<T> {
    data: T,
}

impl Connect<'_> {
    #[doc(alias = "trpcGetOrCreateConversation")]
    pub async fn get_or_create_conversation(
        &self,
        input: &Connect360ConversationInput,
    ) -> Result<Connect360Conversation> {
        self.mutation("v1.connect.getOrCreateConversation", input)
            .await
    }

    #[doc(alias = "trpcCreateSubConversation")]
    pub async fn create_sub_conversation(
        &self,
        input: &Connect360SubConversationInput,
    ) -> Result<Connect360Conversation> {
        self.mutation("v1.connect.createSubConversation", input)
            .await
    }

    /// `metadata` is merged; `parentId: null` makes it top-level.
    #[doc(alias = "trpcUpdateConversation")]
    pub async fn update_conversation(
        &self,
        input: &Connect360UpdateInput,
    ) -> Result<Connect360Conversation> {
        self.mutation("v1.connect.updateConversation", input).await
    }

    #[doc(alias = "trpcDeleteConversation")]
    pub async fn delete_conversation(&self, id: ConversationId) -> Result<Connect360Deleted> {
        self.mutation("v1.connect.deleteConversation", &Connect360IdInput { id })
            .await
    }

    /// One page; `nextCursor` is the next page's `cursor`.
    #[doc(alias = "trpcListSubConversations")]
    pub async fn list_sub_conversations(
        &self,
        input: &Connect360ListInput,
    ) -> Result<Connect360Page> {
        self.query("v1.connect.listSubConversations", input).await
    }

    #[doc(alias = "trpcGetConversation")]
    pub async fn get_conversation(&self, id: ConversationId) -> Result<Connect360Conversation> {
        self.query("v1.connect.getConversation", &Connect360IdInput { id })
            .await
    }

    /// Several queries in one request (`?batch=1`); each answers on its own.
    #[doc(alias = "trpcBatchQuery")]
    pub async fn batch_query(&self, calls: &[BatchCall]) -> Result<Vec<Result<Value>>> {
        let input = serde_json::to_string(&keyed(calls)).map_err(config)?;
        let request = self
            .0
            .request(Method::GET, &batch_path(calls))
            .query(&[("batch", "1"), ("input", input.as_str())]);
        self.batch(request).await
    }

    /// Several mutations in one request (`?batch=1`); each answers on its own.
    #[doc(alias = "trpcBatchMutation")]
    pub async fn batch_mutation(&self, calls: &[BatchCall]) -> Result<Vec<Result<Value>>> {
        let request = self
            .0
            .request(Method::POST, &batch_path(calls))
            .query(&[("batch", "1")])
            .json(&keyed(calls));
        self.batch(request).await
    }

    async fn query<T: DeserializeOwned>(
        &self,
        procedure: &str,
        input: &impl Serialize,
    ) -> Result<T> {
        let input = serde_json::to_string(input).map_err(config)?;
        let request = self
            .0
            .request(Method::GET, &format!("/trpc/{procedure}"))
            .query(&[("input", input)]);
        self.call(request).await
    }

    async fn mutation<T: DeserializeOwned>(
        &self,
        procedure: &str,
        input: &impl Serialize,
    ) -> Result<T> {
        let request = self
            .0
            .request(Method::POST, &format!("/trpc/{procedure}"))
            .json(input);
        self.call(request).await
    }

    async fn call<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<T> {
        let response = self.0.execute(request).await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        let envelope: Envelope<T> =
            serde_json::from_slice(&bytes).map_err(|_| unexpected(status.as_u16(), &bytes))?;
        outcome(status.as_u16(), envelope, &bytes)
    }

    async fn batch(&self, request: reqwest::RequestBuilder) -> Result<Vec<Result<Value>>> {
        let response = self.0.execute(request).await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        let Ok(envelopes) = serde_json::from_slice::<Vec<Envelope<Value>>>(&bytes) else {
            // The request as a whole failed (one envelope, not an array).
            let envelope: Envelope<Value> =
                serde_json::from_slice(&bytes).map_err(|_| unexpected(status.as_u16(), &bytes))?;
            return Err(outcome(status.as_u16(), envelope, &bytes)
                .err()
                .unwrap_or_else(|| unexpected(status.as_u16(), &bytes)));
        };
        Ok(envelopes
            .into_iter()
            .map(|envelope| outcome(status.as_u16(), envelope, &bytes))
            .collect())
    }
}

fn batch_path(calls: &[BatchCall]) -> String {
    let procedures: Vec<&str> = calls.iter().map(|c| c.procedure.as_str()).collect();
    format!("/trpc/{}", procedures.join(","))
}

fn keyed(calls: &[BatchCall]) -> serde_json::Map<String, Value> {
    calls
        .iter()
        .enumerate()
        .map(|(index, call)| (index.to_string(), call.input.clone()))
        .collect()
}

/// A call's data, or its error: the REST problem the tRPC envelope carries.
fn outcome<T>(status: u16, envelope: Envelope<T>, bytes: &[u8]) -> Result<T> {
    match (envelope.result, envelope.error) {
        (Some(result), _) => Ok(result.data),
        (None, Some(error)) => Err(problem_of(&error["data"]["problem"])
            .unwrap_or_else(|| unexpected(status, error.to_string().as_bytes()))),
        (None, None) => Err(unexpected(status, bytes)),
    }
}

fn unexpected(status: u16, bytes: &[u8]) -> Error {
    Error::Unexpected {
        status,
        body: String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn config(error: serde_json::Error) -> Error {
    Error::Config(format!("the input does not serialize: {error}"))
}

/// VoIPbin's conversation resource (`/v1.0/conversations`).
pub struct Voipbin<'a>(pub(crate) &'a Client);

/// `page_size` (1 to 100) and `page_token` (the previous page's `next_page_token`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct VoipbinPaging {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

impl Voipbin<'_> {
    /// Newest activity first.
    #[doc(alias = "voipbinListConversations")]
    pub async fn list(&self, paging: &VoipbinPaging) -> Result<VoipbinPage<VoipbinConversation>> {
        self.0.get("/v1.0/conversations", paging).await
    }

    #[doc(alias = "voipbinCreateConversation")]
    pub async fn create(&self, input: &VoipbinCreateInput) -> Result<VoipbinConversation> {
        self.0.post("/v1.0/conversations", input).await
    }

    #[doc(alias = "voipbinGetConversation")]
    pub async fn get(&self, id: ConversationId) -> Result<VoipbinConversation> {
        self.0
            .get(&format!("/v1.0/conversations/{id}"), &NO_QUERY)
            .await
    }

    /// `owner_type`, `owner_id`, `name`, `detail`.
    #[doc(alias = "voipbinUpdateConversation")]
    pub async fn update(
        &self,
        id: ConversationId,
        input: &VoipbinUpdateInput,
    ) -> Result<VoipbinConversation> {
        let request = self
            .0
            .request(Method::PUT, &format!("/v1.0/conversations/{id}"))
            .json(input);
        self.0.send(request).await
    }

    /// Soft delete; answers the conversation with `tm_delete` set.
    #[doc(alias = "voipbinDeleteConversation")]
    pub async fn delete(&self, id: ConversationId) -> Result<VoipbinConversation> {
        let request = self
            .0
            .request(Method::DELETE, &format!("/v1.0/conversations/{id}"));
        self.0.send(request).await
    }

    #[doc(alias = "voipbinListMessages")]
    pub async fn list_messages(
        &self,
        id: ConversationId,
        paging: &VoipbinPaging,
    ) -> Result<VoipbinPage<VoipbinMessage>> {
        self.0
            .get(&format!("/v1.0/conversations/{id}/messages"), paging)
            .await
    }

    #[doc(alias = "voipbinCreateMessage")]
    pub async fn create_message(
        &self,
        id: ConversationId,
        input: &VoipbinMessageInput,
    ) -> Result<VoipbinMessage> {
        self.0
            .post(&format!("/v1.0/conversations/{id}/messages"), input)
            .await
    }
}
