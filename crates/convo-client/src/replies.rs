//! Read markers, delivery receipts, message filters, and merging contacts.

use convo_types::{
    Contact, ContactId, ContactQuery, Conversation, ConversationId, List, MarkRead, MergeContacts,
    Message, MessageError, MessageFilters, MessageId, MessageStatus, UpdateMessage,
};
use reqwest::Method;

use crate::{Contacts, Conversations, Messages, Page, Result};

impl Conversations<'_> {
    /// Marks the conversation read up to `req.message_id` (default the latest) for the key's
    /// acting user, or with `contact: true` for the contact. A horizon only moves forward.
    ///
    /// ```no_run
    /// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
    /// let id = "01936b1e-7c2a-7000-8000-000000000000".parse().unwrap();
    /// let read = client.conversations().mark_read(id, &Default::default()).await?;
    /// assert_eq!(read.unread_count, Some(0));
    /// # Ok(()) }
    /// ```
    #[doc(alias = "markConversationRead")]
    pub async fn mark_read(&self, id: ConversationId, req: &MarkRead) -> Result<Conversation> {
        self.0
            .post(&format!("/v1/conversations/{id}/read"), req)
            .await
    }

    /// A conversation's messages, filtered (`status`, `message_type`) and ordered.
    #[doc(alias = "listMessages")]
    pub async fn list_messages_filtered(
        &self,
        id: ConversationId,
        filters: &MessageFilters,
        page: &Page,
    ) -> Result<List<Message>> {
        let path = format!("/v1/conversations/{id}/messages");
        self.0
            .send(
                self.0
                    .request(Method::GET, &path)
                    .query(filters)
                    .query(page),
            )
            .await
    }
}

impl Messages<'_> {
    /// Reports a delivery receipt; one older than the message's status changes nothing.
    #[doc(alias = "updateMessage")]
    pub async fn report_status(
        &self,
        id: MessageId,
        status: MessageStatus,
        error: Option<MessageError>,
    ) -> Result<Message> {
        let req = UpdateMessage {
            status: Some(status),
            error,
            ..Default::default()
        };
        self.update(id, &req).await
    }
}

impl Contacts<'_> {
    /// Contacts found by words of their name, email or external id, or the start of their
    /// phone number; accents and case ignored.
    #[doc(alias = "listContacts")]
    pub async fn search(&self, q: &str, page: &Page) -> Result<List<Contact>> {
        let query = ContactQuery {
            q: Some(q.to_owned()),
            ..Default::default()
        };
        self.0
            .send(
                self.0
                    .request(Method::GET, "/v1/contacts")
                    .query(&query)
                    .query(page),
            )
            .await
    }

    /// Merges contact `from` (the same person) into `into`: its conversations move over and
    /// it answers 404 afterwards.
    #[doc(alias = "mergeContacts")]
    pub async fn merge(&self, into: ContactId, from: ContactId) -> Result<Contact> {
        self.0
            .post(
                &format!("/v1/contacts/{into}/merge"),
                &MergeContacts { from },
            )
            .await
    }
}
