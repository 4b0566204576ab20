//! `convo invitations`, `convo sessions`, `convo me`, `convo audit-log`: people, over the API.

use clap::Subcommand;
use convo_client::{AuditQuery, Client, Page, Pages};
use convo_types::{
    AuditAction, BusinessUnitId, CreateInvitation, InvitationId, SessionId, UserRole,
};

use crate::output::{Output, Printed};

use super::{print_list, Paging};

#[derive(Subcommand)]
pub enum InvitationCommand {
    /// Invitations not yet accepted.
    List {
        #[command(flatten)]
        paging: Paging,
    },
    /// Invite a person by email; the link is printed once (and mailed when the server can).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// `agent` (default) or `admin`.
        #[arg(long)]
        role: Option<UserRole>,
        /// A business unit they will work in (repeat for several; none: all).
        #[arg(long = "business-unit")]
        business_units: Vec<BusinessUnitId>,
    },
    /// Revoke an invitation: its link stops working.
    Delete { id: InvitationId },
}

pub async fn run_invitations(c: &Client, out: &Output, command: InvitationCommand) -> Printed {
    match command {
        InvitationCommand::List { paging } => {
            list!(out, paging, |page| c.invitations().list(&page).await)
        }
        InvitationCommand::Create {
            email,
            name,
            role,
            business_units,
        } => {
            let req = CreateInvitation {
                email,
                name,
                role,
                business_unit_ids: (!business_units.is_empty()).then_some(business_units),
            };
            let invitation = c.invitations().create(&req).await?;
            out.one(&invitation)?;
            out.note(&format!(
                "link (shown once{}): {}",
                if invitation.mailed {
                    ", and mailed"
                } else {
                    ""
                },
                invitation.url.as_deref().unwrap_or_default()
            ));
            Ok(())
        }
        InvitationCommand::Delete { id } => out.done(c.invitations().delete(id).await, "revoked"),
    }
}

#[derive(Subcommand)]
pub enum SessionCommand {
    /// The acting user's sessions (their devices).
    List {
        #[command(flatten)]
        paging: Paging,
    },
    /// End one of them.
    Delete { id: SessionId },
}

pub async fn run_sessions(c: &Client, out: &Output, command: SessionCommand) -> Printed {
    match command {
        SessionCommand::List { paging } => {
            list!(out, paging, |page| c.sessions().list(&page).await)
        }
        SessionCommand::Delete { id } => out.done(c.sessions().delete(id).await, "ended"),
    }
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Newest first.
    List {
        /// Only what this user did.
        #[arg(long)]
        actor: Option<String>,
        /// Only this action (`session.failed`, `api_key.created`, ...).
        #[arg(long)]
        action: Option<AuditAction>,
        #[command(flatten)]
        paging: Paging,
    },
}

pub async fn run_audit(c: &Client, out: &Output, command: AuditCommand) -> Printed {
    match command {
        AuditCommand::List {
            actor,
            action,
            paging,
        } => {
            let query = AuditQuery {
                actor_id: actor,
                action,
            };
            let query = &query;
            list!(out, paging, |page| c.audit_log().list(query, &page).await)
        }
    }
}
