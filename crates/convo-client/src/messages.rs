//! `/v1/messages/{id}`.

use convo_types::{Message, MessageId, UpdateMessage};

use crate::{Client, Result, NO_QUERY};

/// `/v1/messages/{id}`.
pub struct Messages<'a>(pub(crate) &'a Client);

impl Messages<'_> {
    #[doc(alias = "getMessage")]
    pub async fn get(&self, id: MessageId) -> Result<Message> {
        self.0.get(&format!("/v1/messages/{id}"), &NO_QUERY).await
    }
    #[doc(alias = "updateMessage")]
    pub async fn update(&self, id: MessageId, req: &UpdateMessage) -> Result<Message> {
        self.0.patch(&format!("/v1/messages/{id}"), req).await
    }
    #[doc(alias = "deleteMessage")]
    pub async fn delete(&self, id: MessageId) -> Result<()> {
        self.0.delete(&format!("/v1/messages/{id}")).await
    }
}
