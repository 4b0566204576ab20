//! The client commands: `convo conversations list`, `convo messages send`, ...

use clap::{Args, Subcommand};
use convo_client::{Client, Page, Pages};
use convo_types::JsonObject;
use serde::Serialize;

use crate::output::{Output, Printed, Row};

/// A `Pages` walker over a list call, `--limit` (default 100) per request.
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

/// Prints one page of a list call (`--limit`, `--cursor`), or every page with `--all`.
macro_rules! list {
    ($out:expr, $paging:expr, |$page:ident| $call:expr) => {{
        let first = {
            let $page = $paging.page();
            $call
        };
        print_list($out, &$paging, pages!(c, $paging, |$page| $call), first).await
    }};
}

mod api_keys;
mod attachments;
mod business_units;
mod canned;
mod channels;
mod contacts;
mod conversations;
mod events;
mod labels;
mod messages;
mod notifications;
mod organizations;
mod people;
mod users;
mod views;
mod webhooks;

pub use api_keys::ApiKeyCommand;
pub use attachments::AttachmentCommand;
pub use business_units::BusinessUnitCommand;
pub use canned::CannedCommand;
pub use channels::ChannelCommand;
pub use contacts::ContactCommand;
pub use conversations::ConversationCommand;
pub use events::EventCommand;
pub use labels::LabelCommand;
pub use messages::MessageCommand;
pub use notifications::NotificationCommand;
pub use organizations::OrganizationCommand;
pub use people::{AuditCommand, InvitationCommand, SessionCommand};
pub use users::UserCommand;
pub use views::ViewCommand;
pub use webhooks::WebhookCommand;

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
    /// Stored files: upload, get, download.
    #[command(subcommand)]
    Attachments(AttachmentCommand),
    /// Contacts (customers).
    #[command(subcommand)]
    Contacts(ContactCommand),
    /// Channels (web sites, phone numbers, LINE accounts, ...).
    #[command(subcommand)]
    Channels(ChannelCommand),
    /// Labels put on conversations.
    #[command(subcommand)]
    Labels(LabelCommand),
    /// Canned responses: list, search, create, render for a conversation.
    #[command(subcommand)]
    Canned(CannedCommand),
    /// Saved views of the conversation list.
    #[command(subcommand)]
    Views(ViewCommand),
    /// The acting user's notifications and which kinds they get.
    #[command(subcommand)]
    Notifications(NotificationCommand),
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
    /// Invitations of people to the organization (admins).
    #[command(subcommand)]
    Invitations(InvitationCommand),
    /// The acting user's sessions.
    #[command(subcommand)]
    Sessions(SessionCommand),
    /// Who the API key acts as.
    Me,
    /// Sign-ins, password and two-factor changes, keys and users changed (admins).
    #[command(subcommand, name = "audit-log")]
    AuditLog(AuditCommand),
}

/// One page, or every page with `--all`.
async fn print_list<T: Serialize + Row>(
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

pub async fn run(connection: &Connection, command: ClientCommand) -> convo_client::Result<()> {
    let api_key = connection.api_key.clone().ok_or_else(|| {
        convo_client::Error::Config("no API key: pass --api-key or set CONVO_API_KEY".into())
    })?;
    let client = Client::new(&connection.url, api_key)?;
    let (c, out) = (
        &client,
        &Output {
            json: connection.json,
        },
    );
    match command {
        ClientCommand::Conversations(command) => conversations::run(c, out, command).await,
        ClientCommand::Messages(command) => messages::run(c, out, command).await,
        ClientCommand::Attachments(command) => attachments::run(c, out, command).await,
        ClientCommand::Contacts(command) => contacts::run(c, out, command).await,
        ClientCommand::Channels(command) => channels::run(c, out, command).await,
        ClientCommand::Labels(command) => labels::run(c, out, command).await,
        ClientCommand::Canned(command) => canned::run(c, out, command).await,
        ClientCommand::Views(command) => views::run(c, out, command).await,
        ClientCommand::Notifications(command) => notifications::run(c, out, command).await,
        ClientCommand::Users(command) => users::run(c, out, command).await,
        ClientCommand::BusinessUnits(command) => business_units::run(c, out, command).await,
        ClientCommand::ApiKeys(command) => api_keys::run(c, out, command).await,
        ClientCommand::Organizations(command) => organizations::run(c, out, command).await,
        ClientCommand::Events(command) => events::run(c, out, command).await,
        ClientCommand::Webhooks(command) => webhooks::run(c, out, command).await,
        ClientCommand::Invitations(command) => people::run_invitations(c, out, command).await,
        ClientCommand::Sessions(command) => people::run_sessions(c, out, command).await,
        ClientCommand::Me => out.one(&c.me().get().await?.user),
        ClientCommand::AuditLog(command) => people::run_audit(c, out, command).await,
    }
}
