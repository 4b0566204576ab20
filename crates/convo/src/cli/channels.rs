//! `convo channels`: Channels.

use clap::Subcommand;
use convo_client::{Client, Page, Pages};
use convo_types::{BusinessUnitId, ChannelId, ChannelType, CreateChannel, UpdateChannel};

use crate::output::{Output, Printed};

use super::{print_list, Paging};

#[derive(Subcommand)]
pub enum ChannelCommand {
    List {
        #[command(flatten)]
        paging: Paging,
    },
    Get {
        id: ChannelId,
    },
    Create {
        #[arg(long = "type")]
        channel_type: ChannelType,
        #[arg(long)]
        identifier: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        business_unit: Option<BusinessUnitId>,
    },
    Update {
        id: ChannelId,
        #[arg(long)]
        name: Option<String>,
    },
    Delete {
        id: ChannelId,
    },
}

pub async fn run(c: &Client, out: &Output, command: ChannelCommand) -> Printed {
    match command {
        ChannelCommand::List { paging } => {
            list!(out, paging, |page| c.channels().list(&page).await)
        }
        ChannelCommand::Get { id } => out.one(&c.channels().get(id).await?),
        ChannelCommand::Create {
            channel_type,
            identifier,
            name,
            business_unit,
        } => {
            let req = CreateChannel {
                business_unit_id: business_unit,
                channel_type,
                identifier,
                name,
                metadata: None,
            };
            out.one(&c.channels().create(&req).await?)
        }
        ChannelCommand::Update { id, name } => out.one(
            &c.channels()
                .update(
                    id,
                    &UpdateChannel {
                        name,
                        ..Default::default()
                    },
                )
                .await?,
        ),
        ChannelCommand::Delete { id } => out.done(c.channels().delete(id).await, "deleted"),
    }
}
