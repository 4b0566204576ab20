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

pub async fn run(c: &Client, out: &Output, command: BusinessUnitCommand) -> Printed {
    match command {
        BusinessUnitCommand::List { paging } => {
            list!(out, paging, |page| c.business_units().list(&page).await)
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
    }
}
