//! `convo events`: The organization's events: list them, or tail them live.

use clap::Subcommand;
use convo_client::Client;
use convo_types::{BusinessUnitId, ConversationId};

use crate::output::{Output, Printed};

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
        /// Also show live signals: who types and views, presence, notifications.
        #[arg(long)]
        signals: bool,
    },
    List {
        /// Only events after this id.
        #[arg(long)]
        after: Option<i64>,
        #[arg(long)]
        limit: Option<u32>,
    },
}

pub async fn run(c: &Client, out: &Output, command: EventCommand) -> Printed {
    match command {
        EventCommand::Tail {
            conversation,
            business_unit,
            types,
            after,
            signals,
        } => {
            let filters = convo_client::StreamFilters {
                conversation_id: conversation,
                business_unit_id: business_unit,
                types,
                signals: signals.then_some(true),
            };
            let mut stream = c.events().stream(&filters, after).await?;
            loop {
                match stream.next().await? {
                    convo_client::StreamItem::Event(event) => out.line(&*event)?,
                    convo_client::StreamItem::Signal(signal) => out.line(&*signal)?,
                    convo_client::StreamItem::Resume { after } => {
                        out.note(&format!(
                            "fell behind: catch up with `convo events list --after {after}`"
                        ));
                        return Ok(());
                    }
                }
            }
        }
        EventCommand::List { after, limit } => {
            let page = c.events().list(after, limit).await?;
            out.rows(&page.data, page.next_cursor.as_deref())
        }
    }
}
