//! The client commands: `convo conversations list`, `convo messages send`, ...

use clap::{Args, Subcommand};
use convo_client::{Client, ConversationFilters, Page, Pages};
use convo_types::{
    ApiKeyId, BusinessUnitId, ChannelId, ChannelType, ContactId, ConversationId, ConversationType,
    CreateApiKey, CreateBusinessUnit, CreateChannel, CreateContact, CreateConversation,
    CreateMessage, CreateOrganization, CreateUser, CustomerRef, GetOrCreateConversation,
    JsonObject, MessageId, MessageType, Scope, Status, UpdateBusinessUnit, UpdateChannel,
    UpdateContact, UpdateConversation, UpdateMessage, UpdateUser, UserId, UserKind, UserRole,
};
use serde::Serialize;

use crate::output::{Output, Printed, Row};

/// Where the server is and who is asking.
#[derive(Args, Clone)]
pub struct Connection {
    /// The convo server.
    #[arg(
        long,
        env = "CONVO_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub url: String,
    /// An API key (`convo_sk_...`).
    #[arg(long, env = "CONVO_API_KEY", hide_env_values = true, global = true)]
    pub api_key: Option<String>,
    /// Print JSON instead of tables, for scripts.
    #[arg(long, global = true)]
    pub json: bool,
}

/// Paging of list commands.
#[derive(Args, Clone, Default)]
pub struct Paging {
    /// Rows per page (1 to 100).
    #[arg(long)]
    pub limit: Option<u32>,
    /// Continue after this cursor (`next_cursor` of a previous page).
    #[arg(long)]
    pub cursor: Option<String>,
    /// Fetch every page.
    #[arg(long)]
    pub all: bool,
}

impl Paging {
    fn page(&self) -> Page {
        Page {
            limit: self.limit,
            cursor: self.cursor.clone(),
            ..Default::default()
        }
    }
}

fn parse_object(text: &str) -> Result<JsonObject, String> {
    serde_json::from_str(text).map_err(|e| format!("not a JSON object: {e}"))
}

#[derive(Subcommand)]
pub enum ClientCommand {
    /// Conversations: list, search, create, change, team members, views, video calls.
    #[command(subcommand, visible_alias = "conv")]
    Conversations(ConversationCommand),
    /// Messages of a conversation.
    #[command(subcommand)]
    Messages(MessageCommand),
    /// Contacts (customers).
    #[command(subcommand)]
    Contacts(ContactCommand),
    /// Channels (web sites, phone numbers, LINE accounts, ...).
    #[command(subcommand)]
    Channels(ChannelCommand),
    /// Team members and AI agents.
    #[command(subcommand)]
    Users(UserCommand),
    /// Business units.
    #[command(subcommand, name = "business-units")]
    BusinessUnits(BusinessUnitCommand),
    /// API keys (the secret is shown once, on create).
    #[command(subcommand, name = "api-keys")]
    ApiKeys(ApiKeyCommand),
    /// Organizations (needs the `platform` key).
    #[command(subcommand)]
    Organizations(OrganizationCommand),
    /// The organization's events: list them, or tail them live.
    #[command(subcommand)]
    Events(EventCommand),
    /// Webhooks: endpoints, secrets, deliveries.
    #[command(subcommand)]
    Webhooks(WebhookCommand),
}

#[derive(Subcommand)]
pub enum WebhookCommand {
    List {
        #[command(flatten)]
        paging: Paging,
    },
    Get {
        id: convo_types::WebhookId,
    },
    /// Create a webhook; its signing secret is printed once.
    Create {
        /// Where events are POSTed (`--url` is the convo server's).
        #[arg(long)]
        endpoint: String,
        /// An event type to send (repeat for several; none sends every type).
        #[arg(long = "type")]
        types: Vec<convo_types::EventType>,
    },
    Update {
        id: convo_types::WebhookId,
        #[arg(long)]
        endpoint: Option<String>,
        #[arg(long)]
        active: Option<bool>,
    },
    Delete {
        id: convo_types::WebhookId,
    },
    /// A new signing secret (printed once); the old one signs too for 24 hours.
    Rotate {
        id: convo_types::WebhookId,
    },
    /// Deliveries with their attempts, newest first.
    Deliveries {
        id: convo_types::WebhookId,
        #[command(flatten)]
        paging: Paging,
    },
    /// Send a delivery again.
    Replay {
        id: convo_types::WebhookId,
        delivery: convo_types::DeliveryId,
    },
}

#[derive(Args, Clone, Default)]
pub struct Filters {
    /// A status (`open`, `resolved`, ...).
    #[arg(long)]
    pub status: Option<Status>,
    /// Several statuses, comma-separated.
    #[arg(long)]
    pub statuses: Option<String>,
    /// `mine`, `unassigned`, `assigned` or `all`.
    #[arg(long)]
    pub view: Option<String>,
    /// Text in the conversation, its contact or its messages.
    #[arg(long)]
    pub q: Option<String>,
    #[arg(long)]
    pub business_unit: Option<BusinessUnitId>,
    #[arg(long)]
    pub channel: Option<ChannelId>,
    #[arg(long)]
    pub contact: Option<ContactId>,
    #[arg(long)]
    pub agent: Option<String>,
    /// `recent` (default) or `oldest`.
    #[arg(long)]
    pub order: Option<String>,
}

impl Filters {
    fn into_filters(self) -> ConversationFilters {
        ConversationFilters {
            status: self.status,
            statuses: self.statuses,
            view: self.view,
            q: self.q,
            business_unit_id: self.business_unit,
            channel_id: self.channel,
            contact_id: self.contact,
            agent_id: self.agent,
            order: self.order,
            ..Default::default()
        }
    }
}

#[derive(Subcommand)]
pub enum ConversationCommand {
    /// List conversations.
    List {
        #[command(flatten)]
        filters: Filters,
        #[command(flatten)]
        paging: Paging,
    },
    /// Show one conversation (by id, or by public id with --public-id).
    Get {
        id: String,
        #[arg(long)]
        public_id: bool,
    },
    /// Full-text search in any language.
    Search {
        q: String,
        #[arg(long)]
        business_unit: Option<BusinessUnitId>,
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Create a conversation.
    Create {
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        channel: Option<ChannelId>,
        #[arg(long)]
        contact: Option<ContactId>,
        #[arg(long)]
        status: Option<Status>,
        #[arg(long = "type")]
        conversation_type: Option<ConversationType>,
        #[arg(long)]
        detail: Option<String>,
        /// Metadata as a JSON object.
        #[arg(long, value_parser = parse_object)]
        metadata: Option<JsonObject>,
        /// A team member (repeat for several).
        #[arg(long = "member")]
        members: Vec<UserId>,
    },
    /// Change name, detail, metadata (merged) or parent.
    Update {
        id: ConversationId,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        detail: Option<String>,
        #[arg(long, value_parser = parse_object)]
        metadata: Option<JsonObject>,
        #[arg(long, conflicts_with = "no_parent")]
        parent: Option<ConversationId>,
        /// Make it a top-level conversation.
        #[arg(long)]
        no_parent: bool,
    },
    /// Set the status.
    Status { id: ConversationId, status: Status },
    /// Delete (soft; --hard removes it and its messages for good).
    Delete {
        id: ConversationId,
        #[arg(long)]
        hard: bool,
    },
    /// Join as the key's acting user.
    Join { id: ConversationId },
    /// Leave as the key's acting user.
    Leave { id: ConversationId },
    /// Add a team member.
    Assign { id: ConversationId, user: UserId },
    /// Remove a team member.
    Unassign { id: ConversationId, user: UserId },
    /// Users who could be added.
    Invitable {
        id: ConversationId,
        #[arg(long)]
        q: Option<String>,
    },
    /// How many conversations each view holds.
    Views {
        #[command(flatten)]
        filters: Filters,
    },
    /// Start a video call.
    VideoCall { id: ConversationId },
    /// The customer's conversation, made when missing.
    GetOrCreate {
        #[command(flatten)]
        customer: CustomerArgs,
    },
    /// Sub-conversations.
    #[command(subcommand)]
    Sub(SubCommand),
    /// A conversation's activity log.
    Events { id: ConversationId },
}

#[derive(Args, Clone, Default)]
pub struct CustomerArgs {
    #[arg(long)]
    pub customer_id: Option<ContactId>,
    /// Your id for the customer; the contact is made when missing.
    #[arg(long)]
    pub external_id: Option<String>,
    #[arg(long)]
    pub customer_name: Option<String>,
    #[arg(long)]
    pub customer_email: Option<String>,
    #[arg(long = "member")]
    pub members: Vec<UserId>,
    #[arg(long)]
    pub channel_identifier: Option<String>,
    #[arg(long = "type")]
    pub conversation_type: Option<ConversationType>,
    #[arg(long)]
    pub name: Option<String>,
}

impl CustomerArgs {
    fn into_request(self) -> GetOrCreateConversation {
        let customer =
            (self.external_id.is_some() || self.customer_name.is_some()).then(|| CustomerRef {
                external_id: self.external_id,
                name: self.customer_name,
                email: self.customer_email,
                ..Default::default()
            });
        GetOrCreateConversation {
            conversation_type: self.conversation_type,
            name: self.name,
            customer_id: self.customer_id,
            customer,
            member_ids: (!self.members.is_empty()).then_some(self.members),
            channel_identifier: self.channel_identifier,
            ..Default::default()
        }
    }
}

#[derive(Subcommand)]
pub enum SubCommand {
    /// List a conversation's sub-conversations.
    List {
        id: ConversationId,
        #[command(flatten)]
        paging: Paging,
    },
    /// Create a sub-conversation.
    Create {
        id: ConversationId,
        #[command(flatten)]
        customer: CustomerArgs,
    },
}

#[derive(Subcommand)]
pub enum MessageCommand {
    /// A conversation's messages, oldest first.
    List {
        conversation: ConversationId,
        #[command(flatten)]
        paging: Paging,
    },
    /// Send a message.
    Send {
        conversation: ConversationId,
        content: String,
        /// `incoming`, `outgoing` (default for a user), `note` or `activity`.
        #[arg(long = "type")]
        message_type: Option<MessageType>,
        #[arg(long)]
        external_id: Option<String>,
    },
    Get {
        id: MessageId,
    },
    Update {
        id: MessageId,
        #[arg(long)]
        content: String,
    },
    Delete {
        id: MessageId,
    },
}

#[derive(Subcommand)]
pub enum ContactCommand {
    List {
        #[arg(long)]
        external_id: Option<String>,
        #[command(flatten)]
        paging: Paging,
    },
    Get {
        id: ContactId,
    },
    Create {
        #[arg(long)]
        external_id: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
    },
    Update {
        id: ContactId,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
    },
    Delete {
        id: ContactId,
    },
}

#[derive(Subcommand)]
pub enum ChannelCommand {
    List {
        #[command(flatten)]
        paging: Paging,
    },
    Get {
        id: ChannelId,
    },
    Create {
        #[arg(long = "type")]
        channel_type: ChannelType,
        #[arg(long)]
        identifier: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        business_unit: Option<BusinessUnitId>,
    },
    Update {
        id: ChannelId,
        #[arg(long)]
        name: Option<String>,
    },
    Delete {
        id: ChannelId,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    List {
        #[command(flatten)]
        paging: Paging,
    },
    Get {
        id: UserId,
    },
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        kind: Option<UserKind>,
        #[arg(long)]
        role: Option<UserRole>,
    },
    Update {
        id: UserId,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        active: Option<bool>,
    },
    Delete {
        id: UserId,
    },
}

#[derive(Subcommand)]
pub enum BusinessUnitCommand {
    List {
        #[command(flatten)]
        paging: Paging,
    },
    Get {
        id: BusinessUnitId,
    },
    Create {
        #[arg(long)]
        name: String,
    },
    Update {
        id: BusinessUnitId,
        #[arg(long)]
        name: String,
    },
    Delete {
        id: BusinessUnitId,
    },
}

#[derive(Subcommand)]
pub enum ApiKeyCommand {
    List {
        #[command(flatten)]
        paging: Paging,
    },
    Get {
        id: ApiKeyId,
    },
    /// Create a key; its secret is printed once.
    Create {
        #[arg(long)]
        name: String,
        /// A scope (repeat for several): conversations:read, ..., admin.
        #[arg(long = "scope", required = true)]
        scopes: Vec<Scope>,
        /// The acting user (default: yours).
        #[arg(long)]
        user: Option<UserId>,
        /// Limit the key to a business unit (repeat for several).
        #[arg(long = "business-unit")]
        business_units: Vec<BusinessUnitId>,
    },
    /// Revoke a key.
    Delete {
        id: ApiKeyId,
    },
}

#[derive(Subcommand)]
pub enum OrganizationCommand {
    List {
        #[command(flatten)]
        paging: Paging,
    },
    /// Create an organization with its admin key (printed once).
    Create {
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
pub enum EventCommand {
    /// Follow events live (Server-Sent Events) until interrupted.
    Tail {
        #[arg(long)]
        conversation: Option<ConversationId>,
        #[arg(long)]
        business_unit: Option<BusinessUnitId>,
        /// Event types, comma-separated.
        #[arg(long)]
        types: Option<String>,
        /// Start after this event id (default: from now).
        #[arg(long)]
        after: Option<i64>,
    },
    List {
        /// Only events after this id.
        #[arg(long)]
        after: Option<i64>,
        #[arg(long)]
        limit: Option<u32>,
    },
}

/// One page, or every page with `--all`.
async fn list<T: Serialize + Row>(
    out: &Output,
    paging: &Paging,
    fetch: Pages<'_, T>,
    first: convo_client::Result<convo_types::List<T>>,
) -> Printed {
    if paging.all {
        out.rows(&fetch.collect_all().await?, None)?;
    } else {
        let page = first?;
        out.rows(&page.data, page.next_cursor.as_deref())?;
    }
    Ok(())
}

macro_rules! pages {
    ($client:expr, $paging:expr, |$page:ident| $call:expr) => {{
        let limit = $paging.limit.or(Some(100));
        Pages::new(move |cursor| {
            let $page = Page {
                limit,
                cursor,
                ..Default::default()
            };
            Box::pin(async move { $call })
        })
    }};
}

pub async fn run(connection: &Connection, command: ClientCommand) -> convo_client::Result<()> {
    let api_key = connection.api_key.clone().ok_or_else(|| {
        convo_client::Error::Config("no API key: pass --api-key or set CONVO_API_KEY".into())
    })?;
    let client = Client::new(&connection.url, api_key)?;
    let c = &client;
    let out = Output {
        json: connection.json,
    };
    match command {
        ClientCommand::Conversations(command) => conversations(c, &out, command).await,
        ClientCommand::Messages(command) => match command {
            MessageCommand::List {
                conversation,
                paging,
            } => {
                let first = c
                    .conversations()
                    .list_messages(conversation, &paging.page())
                    .await;
                list(
                    &out,
                    &paging,
                    pages!(c, paging, |page| c
                        .conversations()
                        .list_messages(conversation, &page)
                        .await),
                    first,
                )
                .await
            }
            MessageCommand::Send {
                conversation,
                content,
                message_type,
                external_id,
            } => {
                let req = CreateMessage {
                    content,
                    message_type,
                    external_id,
                    ..Default::default()
                };
                out.one(&c.conversations().create_message(conversation, &req).await?)?;
                Ok(())
            }
            MessageCommand::Get { id } => out.one(&c.messages().get(id).await?),
            MessageCommand::Update { id, content } => out.one(
                &c.messages()
                    .update(
                        id,
                        &UpdateMessage {
                            content: Some(content),
                            metadata: None,
                        },
                    )
                    .await?,
            ),
            MessageCommand::Delete { id } => out.done(c.messages().delete(id).await, "deleted"),
        },
        ClientCommand::Contacts(command) => match command {
            ContactCommand::List {
                external_id: Some(external_id),
                ..
            } => {
                let found = c.contacts().find_by_external_id(&external_id).await?;
                out.rows(&found.into_iter().collect::<Vec<_>>(), None)
            }
            ContactCommand::List { paging, .. } => {
                let first = c.contacts().list(&paging.page()).await;
                list(
                    &out,
                    &paging,
                    pages!(c, paging, |page| c.contacts().list(&page).await),
                    first,
                )
                .await
            }
            ContactCommand::Get { id } => out.one(&c.contacts().get(id).await?),
            ContactCommand::Create {
                external_id,
                name,
                email,
                phone,
            } => out.one(
                &c.contacts()
                    .create(&CreateContact {
                        external_id,
                        name,
                        email,
                        phone,
                        ..Default::default()
                    })
                    .await?,
            ),
            ContactCommand::Update {
                id,
                name,
                email,
                phone,
            } => {
                let req = UpdateContact {
                    name: name.map(Some),
                    email: email.map(Some),
                    phone: phone.map(Some),
                    ..Default::default()
                };
                out.one(&c.contacts().update(id, &req).await?)
            }
            ContactCommand::Delete { id } => out.done(c.contacts().delete(id).await, "deleted"),
        },
        ClientCommand::Channels(command) => match command {
            ChannelCommand::List { paging } => {
                let first = c.channels().list(&paging.page()).await;
                list(
                    &out,
                    &paging,
                    pages!(c, paging, |page| c.channels().list(&page).await),
                    first,
                )
                .await
            }
            ChannelCommand::Get { id } => out.one(&c.channels().get(id).await?),
            ChannelCommand::Create {
                channel_type,
                identifier,
                name,
                business_unit,
            } => {
                let req = CreateChannel {
                    business_unit_id: business_unit,
                    channel_type,
                    identifier,
                    name,
                    metadata: None,
                };
                out.one(&c.channels().create(&req).await?)
            }
            ChannelCommand::Update { id, name } => out.one(
                &c.channels()
                    .update(
                        id,
                        &UpdateChannel {
                            name,
                            ..Default::default()
                        },
                    )
                    .await?,
            ),
            ChannelCommand::Delete { id } => out.done(c.channels().delete(id).await, "deleted"),
        },
        ClientCommand::Users(command) => match command {
            UserCommand::List { paging } => {
                let first = c.users().list(&paging.page()).await;
                list(
                    &out,
                    &paging,
                    pages!(c, paging, |page| c.users().list(&page).await),
                    first,
                )
                .await
            }
            UserCommand::Get { id } => out.one(&c.users().get(id).await?),
            UserCommand::Create {
                name,
                email,
                kind,
                role,
            } => out.one(
                &c.users()
                    .create(&CreateUser {
                        name,
                        email,
                        kind,
                        role,
                        ..Default::default()
                    })
                    .await?,
            ),
            UserCommand::Update { id, name, active } => out.one(
                &c.users()
                    .update(
                        id,
                        &UpdateUser {
                            name,
                            active,
                            ..Default::default()
                        },
                    )
                    .await?,
            ),
            UserCommand::Delete { id } => out.done(c.users().delete(id).await, "deleted"),
        },
        ClientCommand::BusinessUnits(command) => match command {
            BusinessUnitCommand::List { paging } => {
                let first = c.business_units().list(&paging.page()).await;
                list(
                    &out,
                    &paging,
                    pages!(c, paging, |page| c.business_units().list(&page).await),
                    first,
                )
                .await
            }
            BusinessUnitCommand::Get { id } => out.one(&c.business_units().get(id).await?),
            BusinessUnitCommand::Create { name } => out.one(
                &c.business_units()
                    .create(&CreateBusinessUnit {
                        name,
                        metadata: None,
                    })
                    .await?,
            ),
            BusinessUnitCommand::Update { id, name } => out.one(
                &c.business_units()
                    .update(
                        id,
                        &UpdateBusinessUnit {
                            name: Some(name),
                            metadata: None,
                        },
                    )
                    .await?,
            ),
            BusinessUnitCommand::Delete { id } => {
                out.done(c.business_units().delete(id).await, "deleted")
            }
        },
        ClientCommand::ApiKeys(command) => match command {
            ApiKeyCommand::List { paging } => {
                let first = c.api_keys().list(&paging.page()).await;
                list(
                    &out,
                    &paging,
                    pages!(c, paging, |page| c.api_keys().list(&page).await),
                    first,
                )
                .await
            }
            ApiKeyCommand::Get { id } => out.one(&c.api_keys().get(id).await?),
            ApiKeyCommand::Create {
                name,
                scopes,
                user,
                business_units,
            } => {
                let req = CreateApiKey {
                    name,
                    scopes,
                    user_id: user,
                    business_unit_ids: (!business_units.is_empty()).then_some(business_units),
                };
                let key = c.api_keys().create(&req).await?;
                out.one(&key)?;
                out.note(&format!(
                    "secret (shown once): {}",
                    key.secret.as_deref().unwrap_or_default()
                ));
                Ok(())
            }
            ApiKeyCommand::Delete { id } => out.done(c.api_keys().delete(id).await, "revoked"),
        },
        ClientCommand::Organizations(command) => match command {
            OrganizationCommand::List { paging } => {
                let first = c.organizations().list(&paging.page()).await;
                list(
                    &out,
                    &paging,
                    pages!(c, paging, |page| c.organizations().list(&page).await),
                    first,
                )
                .await
            }
            OrganizationCommand::Create { name } => {
                let created = c
                    .organizations()
                    .create(&CreateOrganization { name })
                    .await?;
                out.one(&created.organization)?;
                out.note(&format!(
                    "admin key (shown once): {}",
                    created.admin_key.secret.as_deref().unwrap_or_default()
                ));
                Ok(())
            }
        },
        ClientCommand::Webhooks(command) => match command {
            WebhookCommand::List { paging } => {
                let first = c.webhooks().list(&paging.page()).await;
                list(
                    &out,
                    &paging,
                    pages!(c, paging, |page| c.webhooks().list(&page).await),
                    first,
                )
                .await
            }
            WebhookCommand::Get { id } => out.one(&c.webhooks().get(id).await?),
            WebhookCommand::Create { endpoint, types } => {
                let req = convo_types::CreateWebhook {
                    url: endpoint,
                    event_types: (!types.is_empty()).then_some(types),
                    active: None,
                };
                let hook = c.webhooks().create(&req).await?;
                out.one(&hook)?;
                out.note(&format!(
                    "signing secret (shown once): {}",
                    hook.secret.as_deref().unwrap_or_default()
                ));
                Ok(())
            }
            WebhookCommand::Update {
                id,
                endpoint,
                active,
            } => out.one(
                &c.webhooks()
                    .update(
                        id,
                        &convo_types::UpdateWebhook {
                            url: endpoint,
                            active,
                            event_types: None,
                        },
                    )
                    .await?,
            ),
            WebhookCommand::Delete { id } => out.done(c.webhooks().delete(id).await, "deleted"),
            WebhookCommand::Rotate { id } => {
                let hook = c.webhooks().rotate_secret(id).await?;
                out.note(&format!(
                    "new signing secret (shown once): {}",
                    hook.secret.as_deref().unwrap_or_default()
                ));
                Ok(())
            }
            WebhookCommand::Deliveries { id, paging } => {
                let first = c.webhooks().deliveries(id, &paging.page()).await;
                list(
                    &out,
                    &paging,
                    pages!(c, paging, |page| c.webhooks().deliveries(id, &page).await),
                    first,
                )
                .await
            }
            WebhookCommand::Replay { id, delivery } => {
                out.done(c.webhooks().replay(id, delivery).await, "queued")
            }
        },
        ClientCommand::Events(EventCommand::Tail {
            conversation,
            business_unit,
            types,
            after,
        }) => {
            let filters = convo_client::StreamFilters {
                conversation_id: conversation,
                business_unit_id: business_unit,
                types,
            };
            let mut stream = c.events().stream(&filters, after).await?;
            while let Some(item) = stream.next().await? {
                match item {
                    convo_client::StreamItem::Event(event) => out.line(&*event)?,
                    convo_client::StreamItem::Resume { after } => {
                        out.note(&format!(
                            "fell behind: catch up with `convo events list --after {after}`"
                        ));
                        break;
                    }
                }
            }
            Ok(())
        }
        ClientCommand::Events(EventCommand::List { after, limit }) => {
            let page = c.events().list(after, limit).await?;
            out.rows(&page.data, page.next_cursor.as_deref())
        }
    }
}

async fn conversations(
    c: &Client,
    out: &Output,
    command: ConversationCommand,
) -> convo_client::Result<()> {
    let conversations = c.conversations();
    match command {
        ConversationCommand::List { filters, paging } => {
            let filters = filters.into_filters();
            let first = conversations.list(&filters, &paging.page()).await;
            let all = conversations.pages(&filters, paging.limit.unwrap_or(100));
            list(out, &paging, all, first).await
        }
        ConversationCommand::Get {
            id,
            public_id: true,
        } => out.one(&conversations.get_by_conversation_id(&id).await?),
        ConversationCommand::Get {
            id,
            public_id: false,
        } => {
            let id: ConversationId = id.parse().map_err(|_| {
                convo_client::Error::Config(format!(
                    "`{id}` is not a conversation id (use --public-id for a public id)"
                ))
            })?;
            out.one(&conversations.get(id).await?)
        }
        ConversationCommand::Search {
            q,
            business_unit,
            limit,
        } => {
            let found = conversations.search(&q, business_unit, limit, None).await?;
            out.rows(&found.data, found.next_cursor.as_deref())
        }
        ConversationCommand::Create {
            name,
            channel,
            contact,
            status,
            conversation_type,
            detail,
            metadata,
            members,
        } => {
            let req = CreateConversation {
                name,
                channel_id: channel,
                contact_id: contact,
                status,
                conversation_type,
                detail,
                metadata,
                member_ids: (!members.is_empty()).then_some(members),
                ..Default::default()
            };
            out.one(&conversations.create(&req).await?)
        }
        ConversationCommand::Update {
            id,
            name,
            detail,
            metadata,
            parent,
            no_parent,
        } => {
            let parent_id = if no_parent {
                Some(None)
            } else {
                parent.map(Some)
            };
            let req = UpdateConversation {
                name,
                detail,
                metadata,
                parent_id,
                ..Default::default()
            };
            out.one(&conversations.update_conversation(id, &req).await?)
        }
        ConversationCommand::Status { id, status } => {
            out.one(&conversations.update_status(id, status).await?)
        }
        ConversationCommand::Delete { id, hard } => {
            out.done(conversations.delete_conversation(id, hard).await, "deleted")
        }
        ConversationCommand::Join { id } => out.one(&conversations.join(id).await?),
        ConversationCommand::Leave { id } => out.one(&conversations.leave(id).await?),
        ConversationCommand::Assign { id, user } => {
            out.one(&conversations.assign_team_member(id, user).await?)
        }
        ConversationCommand::Unassign { id, user } => {
            out.one(&conversations.remove_team_member(id, user).await?)
        }
        ConversationCommand::Invitable { id, q } => {
            let users = conversations
                .get_invitable_users(id, q.as_deref(), &Page::default())
                .await?;
            out.rows(&users.data, users.next_cursor.as_deref())
        }
        ConversationCommand::Views { filters } => out.one(
            &conversations
                .get_views_count(&filters.into_filters())
                .await?,
        ),
        ConversationCommand::VideoCall { id } => {
            out.one(&conversations.init_video_call(id).await?.video_call)
        }
        ConversationCommand::GetOrCreate { customer } => out.one(
            &conversations
                .get_or_create(&customer.into_request())
                .await?,
        ),
        ConversationCommand::Sub(SubCommand::List { id, paging }) => {
            let first = conversations
                .list_sub_conversations(id, &paging.page())
                .await;
            list(
                out,
                &paging,
                pages!(c, paging, |page| c
                    .conversations()
                    .list_sub_conversations(id, &page)
                    .await),
                first,
            )
            .await
        }
        ConversationCommand::Sub(SubCommand::Create { id, customer }) => out.one(
            &conversations
                .create_sub_conversation(id, &customer.into_request())
                .await?,
        ),
        ConversationCommand::Events { id } => {
            let events = conversations.events(id, None).await?;
            out.rows(&events.data, events.next_cursor.as_deref())
        }
    }
}
