//! `convo organizations`: Organizations.

use clap::Subcommand;
use convo_client::{Client, Page, Pages};
use convo_types::CreateOrganization;

use crate::output::{Output, Printed};

use super::{print_list, Paging};

#[derive(Subcommand)]
pub enum OrganizationCommand {
    List {
        #[command(flatten)]
        paging: Paging,
    },
    /// Create an organization with its admin key (printed once).
    Create {
        #[arg(long)]
        name: String,
    },
}

pub async fn run(c: &Client, out: &Output, command: OrganizationCommand) -> Printed {
    match command {
        OrganizationCommand::List { paging } => {
            list!(out, paging, |page| c.organizations().list(&page).await)
        }
        OrganizationCommand::Create { name } => {
            let created = c
                .organizations()
                .create(&CreateOrganization { name })
                .await?;
            out.one(&created.organization)?;
            out.note(&format!(
                "admin key (shown once): {}",
                created.admin_key.secret.as_deref().unwrap_or_default()
            ));
            Ok(())
        }
    }
}
