//! `convo messages`: Messages of a conversation.

use clap::Subcommand;
use convo_client::{Client, Page, Pages};
use convo_types::{ConversationId, CreateMessage, MessageId, MessageType, UpdateMessage};

use crate::output::{Output, Printed};

use super::{print_list, Paging};

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

pub async fn run(c: &Client, out: &Output, command: MessageCommand) -> Printed {
    match command {
        MessageCommand::List {
            conversation,
            paging,
        } => list!(out, paging, |page| c
            .conversations()
            .list_messages(conversation, &page)
            .await),
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
    }
}
