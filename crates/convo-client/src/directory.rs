//! Organizations, business units, users, API keys, channels, contacts and webhooks.

use convo_types::{
    ApiKey, ApiKeyId, BusinessUnit, BusinessUnitId, Channel, ChannelId, Contact, ContactId,
    CreateApiKey, CreateBusinessUnit, CreateChannel, CreateContact, CreateOrganization, CreateUser,
    List, Organization, OrganizationCreated, UpdateApiKey, UpdateBusinessUnit, UpdateChannel,
    UpdateContact, UpdateOrganization, UpdateUser, User, UserId,
};
use reqwest::Method;

use crate::{Client, Page, Pages, Result, NO_QUERY};

/// `/v1/organizations` (needs the `platform` key).
pub struct Organizations<'a>(pub(crate) &'a Client);

impl Organizations<'_> {
    #[doc(alias = "createOrganization")]
    pub async fn create(&self, req: &CreateOrganization) -> Result<OrganizationCreated> {
        self.0.post("/v1/organizations", req).await
    }
    #[doc(alias = "listOrganizations")]
    pub async fn list(&self, page: &Page) -> Result<List<Organization>> {
        self.0.get("/v1/organizations", page).await
    }
    /// The key's or person's own organization.
    #[doc(alias = "getCurrentOrganization")]
    pub async fn current(&self) -> Result<Organization> {
        self.0.get("/v1/organizations/current", &NO_QUERY).await
    }
    /// Its name, and whether every person must use two factors (admins).
    #[doc(alias = "updateCurrentOrganization")]
    pub async fn update_current(&self, req: &UpdateOrganization) -> Result<Organization> {
        self.0.patch("/v1/organizations/current", req).await
    }
}

macro_rules! directory_resource {
    (
        $(#[$doc:meta])* $group:ident, $path:literal, $item:ty, $id:ty, $create:ty, $update:ty,
        operations: $create_op:literal, $get_op:literal, $list_op:literal, $update_op:literal,
        $delete_op:literal
    ) => {
        $(#[$doc])*
        pub struct $group<'a>(pub(crate) &'a Client);

        impl<'a> $group<'a> {
            /// Every item, `page_size` per request, following the cursor.
            pub fn pages(&self, page_size: u32) -> Pages<'a, $item> {
                let client = self.0;
                Pages::new(move |cursor| {
                    let page = Page {
                        limit: Some(page_size),
                        cursor,
                        ..Default::default()
                    };
                    Box::pin(async move { $group(client).list(&page).await })
                })
            }

            #[doc(alias = $create_op)]
            pub async fn create(&self, req: &$create) -> Result<$item> {
                self.0.post($path, req).await
            }
            #[doc(alias = $get_op)]
            pub async fn get(&self, id: $id) -> Result<$item> {
                self.0.get(&format!(concat!($path, "/{}"), id), &NO_QUERY).await
            }
            #[doc(alias = $list_op)]
            pub async fn list(&self, page: &Page) -> Result<List<$item>> {
                self.0.get($path, page).await
            }
            #[doc(alias = $update_op)]
            pub async fn update(&self, id: $id, req: &$update) -> Result<$item> {
                self.0.patch(&format!(concat!($path, "/{}"), id), req).await
            }
            #[doc(alias = $delete_op)]
            pub async fn delete(&self, id: $id) -> Result<()> {
                self.0.delete(&format!(concat!($path, "/{}"), id)).await
            }
        }
    };
}

directory_resource!(
    /// `/v1/business-units`
    BusinessUnits, "/v1/business-units", BusinessUnit, BusinessUnitId, CreateBusinessUnit, UpdateBusinessUnit,
    operations: "createBusinessUnit", "getBusinessUnit", "listBusinessUnits", "updateBusinessUnit", "deleteBusinessUnit"
);
directory_resource!(
    /// `/v1/users`: team members and AI agents.
    Users, "/v1/users", User, UserId, CreateUser, UpdateUser,
    operations: "createUser", "getUser", "listUsers", "updateUser", "deleteUser"
);
directory_resource!(
    /// `/v1/api-keys`: `create` answers the secret once; `delete` revokes.
    ApiKeys, "/v1/api-keys", ApiKey, ApiKeyId, CreateApiKey, UpdateApiKey,
    operations: "createApiKey", "getApiKey", "listApiKeys", "updateApiKey", "deleteApiKey"
);
directory_resource!(
    /// `/v1/channels`
    Channels, "/v1/channels", Channel, ChannelId, CreateChannel, UpdateChannel,
    operations: "createChannel", "getChannel", "listChannels", "updateChannel", "deleteChannel"
);
directory_resource!(
    /// `/v1/contacts`
    Contacts, "/v1/contacts", Contact, ContactId, CreateContact, UpdateContact,
    operations: "createContact", "getContact", "listContacts", "updateContact", "deleteContact"
);

impl Contacts<'_> {
    /// The contact with this `external_id`, if any.
    pub async fn find_by_external_id(&self, external_id: &str) -> Result<Option<Contact>> {
        let page: List<Contact> = self
            .0
            .get("/v1/contacts", &[("external_id", external_id)])
            .await?;
        Ok(page.data.into_iter().next())
    }
}

directory_resource!(
    /// `/v1/labels`: organization-wide labels; renaming one keeps it on its conversations.
    Labels, "/v1/labels", convo_types::Label, convo_types::LabelId, convo_types::CreateLabel, convo_types::UpdateLabel,
    operations: "createLabel", "getLabel", "listLabels", "updateLabel", "deleteLabel"
);

directory_resource!(
    /// `/v1/webhooks`: `create` answers the signing secret once.
    Webhooks, "/v1/webhooks", convo_types::Webhook, convo_types::WebhookId, convo_types::CreateWebhook, convo_types::UpdateWebhook,
    operations: "createWebhook", "getWebhook", "listWebhooks", "updateWebhook", "deleteWebhook"
);

impl Webhooks<'_> {
    /// A new signing secret, answered once; the old one signs too for 24 hours.
    #[doc(alias = "rotateWebhookSecret")]
    pub async fn rotate_secret(&self, id: convo_types::WebhookId) -> Result<convo_types::Webhook> {
        self.0
            .post(
                &format!("/v1/webhooks/{id}/rotate-secret"),
                &serde_json::json!({}),
            )
            .await
    }

    /// Deliveries, newest first, with every attempt.
    #[doc(alias = "listWebhookDeliveries")]
    pub async fn deliveries(
        &self,
        id: convo_types::WebhookId,
        page: &Page,
    ) -> Result<List<convo_types::WebhookDelivery>> {
        self.0
            .get(&format!("/v1/webhooks/{id}/deliveries"), page)
            .await
    }

    /// Sends a delivery again.
    #[doc(alias = "replayWebhookDelivery")]
    pub async fn replay(
        &self,
        id: convo_types::WebhookId,
        delivery: convo_types::DeliveryId,
    ) -> Result<()> {
        let path = format!("/v1/webhooks/{id}/deliveries/{delivery}/replay");
        self.0.send_empty(self.0.request(Method::POST, &path)).await
    }
}

directory_resource!(
    /// `/v1/canned-responses`: replies kept for reuse; `list` shows those offered to the
    /// acting user.
    CannedResponses, "/v1/canned-responses", convo_types::CannedResponse, convo_types::CannedResponseId, convo_types::CreateCannedResponse, convo_types::UpdateCannedResponse,
    operations: "createCannedResponse", "getCannedResponse", "listCannedResponses", "updateCannedResponse", "deleteCannedResponse"
);

impl CannedResponses<'_> {
    /// Those whose short code starts with `q` (a leading `/` is ignored), or whose title and
    /// content have words starting with each word of `q`.
    pub async fn search(&self, q: &str, page: &Page) -> Result<List<convo_types::CannedResponse>> {
        self.0
            .send(
                self.0
                    .request(Method::GET, "/v1/canned-responses")
                    .query(&[("q", q)])
                    .query(page),
            )
            .await
    }

    /// The content filled in for a conversation; unknown variables stay and are listed.
    #[doc(alias = "renderCannedResponse")]
    pub async fn render(
        &self,
        id: convo_types::CannedResponseId,
        conversation_id: convo_types::ConversationId,
    ) -> Result<convo_types::RenderedCannedResponse> {
        let req = convo_types::RenderCannedResponse { conversation_id };
        self.0
            .post(&format!("/v1/canned-responses/{id}/render"), &req)
            .await
    }
}

directory_resource!(
    /// `/v1/views`: saved views of the conversation list, the acting user's and shared ones.
    Views, "/v1/views", convo_types::SavedView, convo_types::SavedViewId, convo_types::CreateSavedView, convo_types::UpdateSavedView,
    operations: "createView", "getView", "listViews", "updateView", "deleteView"
);

impl Users<'_> {
    /// The users showing this presence (`Online`: who is there to answer).
    pub async fn with_presence(
        &self,
        presence: convo_types::Presence,
        page: &Page,
    ) -> Result<List<User>> {
        self.0
            .send(
                self.0
                    .request(Method::GET, "/v1/users")
                    .query(&[("presence", presence.as_str())])
                    .query(page),
            )
            .await
    }
}
