//! `convo canned`: canned responses, found by short code or words and filled in.

use clap::Subcommand;
use convo_client::{Client, Page, Pages};
use convo_types::{
    BusinessUnitId, CannedResponseId, ConversationId, CreateCannedResponse, UpdateCannedResponse,
};

use crate::output::{Output, Printed};

use super::{print_list, Paging};

#[derive(Subcommand)]
pub enum CannedCommand {
    /// Those offered to the key's acting user; `--q` finds by short code or words.
    List {
        #[arg(long)]
        q: Option<String>,
        #[command(flatten)]
        paging: Paging,
    },
    Get {
        id: CannedResponseId,
    },
    /// Organization-wide (admin), for a business unit (admin), or `--personal`.
    Create {
        /// One word, typed after `/` in a composer.
        #[arg(long)]
        short_code: String,
        #[arg(long)]
        title: String,
        /// May hold `{{contact.name}}`, `{{contact.email}}`, `{{agent.name}}`,
        /// `{{conversation.id}}`.
        #[arg(long)]
        content: String,
        #[arg(long, conflicts_with = "personal")]
        business_unit: Option<BusinessUnitId>,
        /// Only for the key's acting user.
        #[arg(long)]
        personal: bool,
    },
    Update {
        id: CannedResponseId,
        #[arg(long)]
        short_code: Option<String>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        content: Option<String>,
    },
    Delete {
        id: CannedResponseId,
    },
    /// The content filled in for a conversation.
    Render {
        id: CannedResponseId,
        #[arg(long)]
        conversation: ConversationId,
    },
}

pub async fn run(c: &Client, out: &Output, command: CannedCommand) -> Printed {
    let canned = c.canned_responses();
    match command {
        CannedCommand::List { q, paging } => match q.as_deref() {
            Some(q) => list!(out, paging, |page| c
                .canned_responses()
                .search(q, &page)
                .await),
            None => list!(out, paging, |page| c.canned_responses().list(&page).await),
        },
        CannedCommand::Get { id } => out.one(&canned.get(id).await?),
        CannedCommand::Create {
            short_code,
            title,
            content,
            business_unit,
            personal,
        } => {
            let user_id = if personal {
                Some(c.me().get().await?.user.id)
            } else {
                None
            };
            let req = CreateCannedResponse {
                short_code,
                title,
                content,
                business_unit_id: business_unit,
                user_id,
            };
            out.one(&canned.create(&req).await?)
        }
        CannedCommand::Update {
            id,
            short_code,
            title,
            content,
        } => {
            let req = UpdateCannedResponse {
                short_code,
                title,
                content,
            };
            out.one(&canned.update(id, &req).await?)
        }
        CannedCommand::Delete { id } => out.done(canned.delete(id).await, "deleted"),
        CannedCommand::Render { id, conversation } => {
            out.one(&canned.render(id, conversation).await?)
        }
    }
}
