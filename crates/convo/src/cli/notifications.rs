//! `convo notifications`: the key's acting user's notifications and their settings.

use clap::Subcommand;
use convo_client::{Client, Page, Pages};
use convo_types::{
    NotificationId, NotificationQuery, ReadNotifications, UpdateNotificationSettings,
};

use crate::output::{Output, Printed};

use super::{print_list, Paging};

#[derive(Subcommand)]
pub enum NotificationCommand {
    /// Newest first.
    List {
        /// Only those not read yet.
        #[arg(long)]
        unread: bool,
        #[command(flatten)]
        paging: Paging,
    },
    /// Mark some read by id, or `--all`.
    Read {
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        ids: Vec<NotificationId>,
        #[arg(long)]
        all: bool,
    },
    /// Show the settings, or turn kinds on or off.
    Settings {
        #[arg(long)]
        mention: Option<bool>,
        #[arg(long)]
        assigned: Option<bool>,
        #[arg(long)]
        handoff_requested: Option<bool>,
        /// New customer messages in conversations one is in.
        #[arg(long)]
        message_in_assigned: Option<bool>,
    },
}

pub async fn run(c: &Client, out: &Output, command: NotificationCommand) -> Printed {
    match command {
        NotificationCommand::List { unread, paging } => {
            let query = &NotificationQuery {
                unread: unread.then_some(true),
            };
            list!(out, paging, |page| c.me().notifications(query, &page).await)
        }
        NotificationCommand::Read { ids, all } => {
            let req = ReadNotifications {
                ids: (!all).then_some(ids),
                all,
            };
            out.one(&c.me().read_notifications(&req).await?)
        }
        NotificationCommand::Settings {
            mention,
            assigned,
            handoff_requested,
            message_in_assigned,
        } => {
            let req = UpdateNotificationSettings {
                mention,
                assigned,
                handoff_requested,
                message_in_assigned,
            };
            if req == UpdateNotificationSettings::default() {
                out.one(&c.me().notification_settings().await?)
            } else {
                out.one(&c.me().update_notification_settings(&req).await?)
            }
        }
    }
}
