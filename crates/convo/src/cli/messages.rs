//! `convo messages`: Messages of a conversation.

use clap::Subcommand;
use convo_client::{Client, Page, Pages};
use convo_types::{
    ConversationId, CreateMessage, MessageError, MessageFilters, MessageId, MessageStatus,
    MessageType, NewAttachment, UpdateMessage,
};

use crate::output::{Output, Printed};

use super::{print_list, Paging};

#[derive(Subcommand)]
pub enum MessageCommand {
    /// A conversation's messages, oldest first.
    List {
        conversation: ConversationId,
        /// Only messages with this delivery status (`failed`: what did not arrive).
        #[arg(long)]
        status: Option<MessageStatus>,
        /// Only `incoming`, `outgoing`, `note` or `activity` messages.
        #[arg(long = "type")]
        message_type: Option<MessageType>,
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
        /// Upload a file and send it with the message (repeat for several).
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<std::path::PathBuf>,
    },
    Get {
        id: MessageId,
    },
    Update {
        id: MessageId,
        #[arg(long)]
        content: String,
    },
    /// Report a delivery receipt: `pending`, `sent`, `delivered`, `read` or `failed` (with
    /// `--error`). A receipt older than the message's status changes nothing.
    Status {
        id: MessageId,
        status: MessageStatus,
        /// Why it failed.
        #[arg(long, required_if_eq("status", "failed"))]
        error: Option<String>,
        /// The channel's error code.
        #[arg(long, requires = "error")]
        error_code: Option<String>,
    },
    Delete {
        id: MessageId,
    },
}

pub async fn run(c: &Client, out: &Output, command: MessageCommand) -> Printed {
    match command {
        MessageCommand::List {
            conversation,
            status,
            message_type,
            paging,
        } => {
            let filters = MessageFilters {
                status,
                message_type,
                ..Default::default()
            };
            let filters = &filters;
            list!(out, paging, |page| c
                .conversations()
                .list_messages_filtered(conversation, filters, &page)
                .await)
        }
        MessageCommand::Send {
            conversation,
            content,
            message_type,
            external_id,
            attach,
        } => {
            let mut attachments = Vec::with_capacity(attach.len());
            for file in &attach {
                let stored = c.attachments().upload_path(file).await?;
                attachments.push(NewAttachment::stored(stored.id));
            }
            let req = CreateMessage {
                content,
                message_type,
                external_id,
                attachments: (!attachments.is_empty()).then_some(attachments),
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
                        ..Default::default()
                    },
                )
                .await?,
        ),
        MessageCommand::Status {
            id,
            status,
            error,
            error_code,
        } => {
            let error = error.map(|message| MessageError {
                code: error_code,
                message,
            });
            out.one(&c.messages().report_status(id, status, error).await?)
        }
        MessageCommand::Delete { id } => out.done(c.messages().delete(id).await, "deleted"),
    }
}
