//! `convo contacts`: Contacts (customers).

use clap::Subcommand;
use convo_client::{Client, Page, Pages};
use convo_types::{ContactId, CreateContact, UpdateContact};

use crate::output::{Output, Printed};

use super::{print_list, Paging};

#[derive(Subcommand)]
pub enum ContactCommand {
    /// List contacts; `--q` finds them by words of their name, email or external id, or the
    /// start of their phone number.
    List {
        #[arg(long, conflicts_with = "q")]
        external_id: Option<String>,
        #[arg(long)]
        q: Option<String>,
        #[command(flatten)]
        paging: Paging,
    },
    /// Merge contact `from` (the same person) into `id`: its conversations move over.
    Merge {
        id: ContactId,
        #[arg(long)]
        from: ContactId,
    },
    Get {
        id: ContactId,
    },
    Create {
        #[arg(long)]
        external_id: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
    },
    Update {
        id: ContactId,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
    },
    Delete {
        id: ContactId,
    },
}

pub async fn run(c: &Client, out: &Output, command: ContactCommand) -> Printed {
    match command {
        ContactCommand::List {
            external_id: Some(external_id),
            ..
        } => {
            let found = c.contacts().find_by_external_id(&external_id).await?;
            out.rows(&found.into_iter().collect::<Vec<_>>(), None)
        }
        ContactCommand::List {
            q: Some(q), paging, ..
        } => {
            let q = q.as_str();
            list!(out, paging, |page| c.contacts().search(q, &page).await)
        }
        ContactCommand::List { paging, .. } => {
            list!(out, paging, |page| c.contacts().list(&page).await)
        }
        ContactCommand::Merge { id, from } => out.one(&c.contacts().merge(id, from).await?),
        ContactCommand::Get { id } => out.one(&c.contacts().get(id).await?),
        ContactCommand::Create {
            external_id,
            name,
            email,
            phone,
        } => out.one(
            &c.contacts()
                .create(&CreateContact {
                    external_id,
                    name,
                    email,
                    phone,
                    ..Default::default()
                })
                .await?,
        ),
        ContactCommand::Update {
            id,
            name,
            email,
            phone,
        } => {
            let req = UpdateContact {
                name: name.map(Some),
                email: email.map(Some),
                phone: phone.map(Some),
                ..Default::default()
            };
            out.one(&c.contacts().update(id, &req).await?)
        }
        ContactCommand::Delete { id } => out.done(c.contacts().delete(id).await, "deleted"),
    }
}
