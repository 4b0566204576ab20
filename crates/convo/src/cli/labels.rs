//! `convo labels`: organization-wide labels.

use clap::Subcommand;
use convo_client::{Client, Page, Pages};
use convo_types::{CreateLabel, LabelId, UpdateLabel};

use crate::output::{Output, Printed};

use super::{print_list, Paging};

#[derive(Subcommand)]
pub enum LabelCommand {
    List {
        #[command(flatten)]
        paging: Paging,
    },
    Get {
        id: LabelId,
    },
    Create {
        #[arg(long)]
        name: String,
        /// `#rrggbb`.
        #[arg(long)]
        color: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// Rename or recolour: the label stays on its conversations.
    Update {
        id: LabelId,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        color: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// Delete, taking it off every conversation.
    Delete {
        id: LabelId,
    },
}

pub async fn run(c: &Client, out: &Output, command: LabelCommand) -> Printed {
    match command {
        LabelCommand::List { paging } => list!(out, paging, |page| c.labels().list(&page).await),
        LabelCommand::Get { id } => out.one(&c.labels().get(id).await?),
        LabelCommand::Create {
            name,
            color,
            description,
        } => {
            let req = CreateLabel {
                name,
                color,
                description,
            };
            out.one(&c.labels().create(&req).await?)
        }
        LabelCommand::Update {
            id,
            name,
            color,
            description,
        } => {
            let req = UpdateLabel {
                name,
                color,
                description,
            };
            out.one(&c.labels().update(id, &req).await?)
        }
        LabelCommand::Delete { id } => out.done(c.labels().delete(id).await, "deleted"),
    }
}
