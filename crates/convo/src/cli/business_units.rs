//! `convo business-units`: Business units.

use clap::Subcommand;
use convo_client::{Client, Page, Pages};
use convo_types::{BusinessUnitId, CreateBusinessUnit, UpdateBusinessUnit};

use crate::output::{Output, Printed};

use super::{print_list, Paging};

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
        /// Resolve open and pending conversations after this many seconds without a message
        /// from the contact.
        #[arg(long)]
        auto_resolve_after: Option<i64>,
    },
    Update {
        id: BusinessUnitId,
        #[arg(long)]
        name: Option<String>,
        /// Seconds; 0 turns the timer off.
        #[arg(long)]
        auto_resolve_after: Option<i64>,
    },
    Delete {
        id: BusinessUnitId,
    },
}

pub async fn run(c: &Client, out: &Output, command: BusinessUnitCommand) -> Printed {
    match command {
        BusinessUnitCommand::List { paging } => {
            list!(out, paging, |page| c.business_units().list(&page).await)
        }
        BusinessUnitCommand::Get { id } => out.one(&c.business_units().get(id).await?),
        BusinessUnitCommand::Create {
            name,
            auto_resolve_after,
        } => out.one(
            &c.business_units()
                .create(&CreateBusinessUnit {
                    name,
                    metadata: None,
                    auto_resolve_after,
                })
                .await?,
        ),
        BusinessUnitCommand::Update {
            id,
            name,
            auto_resolve_after,
        } => out.one(
            &c.business_units()
                .update(
                    id,
                    &UpdateBusinessUnit {
                        name,
                        metadata: None,
                        auto_resolve_after: auto_resolve_after
                            .map(|seconds| (seconds > 0).then_some(seconds)),
                    },
                )
                .await?,
        ),
        BusinessUnitCommand::Delete { id } => {
            out.done(c.business_units().delete(id).await, "deleted")
        }
    }
}
