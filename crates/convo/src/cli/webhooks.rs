//! `convo webhooks`: Webhooks: endpoints, secrets, deliveries.

use clap::Subcommand;
use convo_client::{Client, Page, Pages};

use crate::output::{Output, Printed};

use super::{print_list, Paging};

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

pub async fn run(c: &Client, out: &Output, command: WebhookCommand) -> Printed {
    match command {
        WebhookCommand::List { paging } => {
            list!(out, paging, |page| c.webhooks().list(&page).await)
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
            list!(out, paging, |page| c.webhooks().deliveries(id, &page).await)
        }
        WebhookCommand::Replay { id, delivery } => {
            out.done(c.webhooks().replay(id, delivery).await, "queued")
        }
    }
}
