//! `convo views`: saved views of the conversation list.

use clap::Subcommand;
use convo_client::{Client, Page, Pages};
use convo_types::{CreateSavedView, JsonObject, SavedViewId, UpdateSavedView};

use crate::output::{Output, Printed};

use super::{parse_object, print_list, Paging};

#[derive(Subcommand)]
pub enum ViewCommand {
    /// The shared views and the key's acting user's own.
    List {
        #[command(flatten)]
        paging: Paging,
    },
    Get {
        id: SavedViewId,
    },
    /// Save filters of `convo conversations list` under a name.
    Create {
        #[arg(long)]
        name: String,
        /// The list's filters as a JSON object: `{"status": "open", "labels": "vip"}`.
        #[arg(long, value_parser = parse_object, default_value = "{}")]
        filters: JsonObject,
        /// Shared with the organization (needs an admin key).
        #[arg(long)]
        shared: bool,
    },
    Update {
        id: SavedViewId,
        #[arg(long)]
        name: Option<String>,
        /// Replaces the stored filters.
        #[arg(long, value_parser = parse_object)]
        filters: Option<JsonObject>,
        #[arg(long)]
        shared: Option<bool>,
    },
    Delete {
        id: SavedViewId,
    },
}

pub async fn run(c: &Client, out: &Output, command: ViewCommand) -> Printed {
    let views = c.views();
    match command {
        ViewCommand::List { paging } => list!(out, paging, |page| c.views().list(&page).await),
        ViewCommand::Get { id } => out.one(&views.get(id).await?),
        ViewCommand::Create {
            name,
            filters,
            shared,
        } => {
            let req = CreateSavedView {
                name,
                filters,
                shared,
            };
            out.one(&views.create(&req).await?)
        }
        ViewCommand::Update {
            id,
            name,
            filters,
            shared,
        } => {
            let req = UpdateSavedView {
                name,
                filters,
                shared,
            };
            out.one(&views.update(id, &req).await?)
        }
        ViewCommand::Delete { id } => out.done(views.delete(id).await, "deleted"),
    }
}
