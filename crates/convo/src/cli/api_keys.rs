//! `convo api-keys`: API keys.

use clap::Subcommand;
use convo_client::{Client, Page, Pages};
use convo_types::{ApiKeyId, BusinessUnitId, CreateApiKey, Scope, UserId};

use crate::output::{Output, Printed};

use super::{print_list, Paging};

#[derive(Subcommand)]
pub enum ApiKeyCommand {
    List {
        #[command(flatten)]
        paging: Paging,
    },
    Get {
        id: ApiKeyId,
    },
    /// Create a key; its secret is printed once.
    Create {
        #[arg(long)]
        name: String,
        /// A scope (repeat for several): conversations:read, ..., admin.
        #[arg(long = "scope", required = true)]
        scopes: Vec<Scope>,
        /// The acting user (default: yours).
        #[arg(long)]
        user: Option<UserId>,
        /// Limit the key to a business unit (repeat for several).
        #[arg(long = "business-unit")]
        business_units: Vec<BusinessUnitId>,
    },
    /// Revoke a key.
    Delete {
        id: ApiKeyId,
    },
}

pub async fn run(c: &Client, out: &Output, command: ApiKeyCommand) -> Printed {
    match command {
        ApiKeyCommand::List { paging } => list!(out, paging, |page| c.api_keys().list(&page).await),
        ApiKeyCommand::Get { id } => out.one(&c.api_keys().get(id).await?),
        ApiKeyCommand::Create {
            name,
            scopes,
            user,
            business_units,
        } => {
            let req = CreateApiKey {
                name,
                scopes,
                user_id: user,
                business_unit_ids: (!business_units.is_empty()).then_some(business_units),
            };
            let key = c.api_keys().create(&req).await?;
            out.one(&key)?;
            out.note(&format!(
                "secret (shown once): {}",
                key.secret.as_deref().unwrap_or_default()
            ));
            Ok(())
        }
        ApiKeyCommand::Delete { id } => out.done(c.api_keys().delete(id).await, "revoked"),
    }
}
