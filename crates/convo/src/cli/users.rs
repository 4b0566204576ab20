//! `convo users`: Team members and AI agents.

use clap::Subcommand;
use convo_client::{Client, Page, Pages};
use convo_types::{CreateUser, UpdateUser, UserId, UserKind, UserRole};

use crate::output::{Output, Printed};

use super::{print_list, Paging};

#[derive(Subcommand)]
pub enum UserCommand {
    List {
        #[command(flatten)]
        paging: Paging,
    },
    Get {
        id: UserId,
    },
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        kind: Option<UserKind>,
        #[arg(long)]
        role: Option<UserRole>,
    },
    Update {
        id: UserId,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        active: Option<bool>,
    },
    Delete {
        id: UserId,
    },
}

pub async fn run(c: &Client, out: &Output, command: UserCommand) -> Printed {
    match command {
        UserCommand::List { paging } => list!(out, paging, |page| c.users().list(&page).await),
        UserCommand::Get { id } => out.one(&c.users().get(id).await?),
        UserCommand::Create {
            name,
            email,
            kind,
            role,
        } => out.one(
            &c.users()
                .create(&CreateUser {
                    name,
                    email,
                    kind,
                    role,
                    ..Default::default()
                })
                .await?,
        ),
        UserCommand::Update { id, name, active } => out.one(
            &c.users()
                .update(
                    id,
                    &UpdateUser {
                        name,
                        active,
                        ..Default::default()
                    },
                )
                .await?,
        ),
        UserCommand::Delete { id } => out.done(c.users().delete(id).await, "deleted"),
    }
}
