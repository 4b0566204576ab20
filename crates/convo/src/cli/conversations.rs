//! `convo conversations`: list, search, create, change, team members, views, video calls.

use clap::{Args, Subcommand};
use convo_client::{Client, ConversationFilters, Page, Pages};
use convo_types::{BulkChange, BulkUpdate};
use convo_types::{
    BusinessUnitId, ChannelId, ContactId, ControlParty, ControlType, ConversationId,
    ConversationOrder, ConversationType, CreateConversation, CustomerRef, GetOrCreateConversation,
    HandoffRequest, JsonObject, MarkRead, MessageId, Priority, SavedViewId, Status, Timestamp,
    UpdateConversation, UserId, View,
};

use crate::output::Output;

use super::{parse_object, print_list, Paging};

fn parse_time(text: &str) -> Result<Timestamp, String> {
    Timestamp::parse(text).ok_or_else(|| format!("`{text}` is not an RFC 3339 time"))
}

#[derive(Args, Clone, Default)]
pub struct Filters {
    /// A status (`open`, `resolved`, ...).
    #[arg(long)]
    pub status: Option<Status>,
    /// Several statuses, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub statuses: Vec<Status>,
    /// `mine`, `unassigned`, `assigned` or `all`.
    #[arg(long)]
    pub view: Option<View>,
    /// Text in the conversation, its contact or its messages.
    #[arg(long)]
    pub q: Option<String>,
    #[arg(long)]
    pub business_unit: Option<BusinessUnitId>,
    #[arg(long)]
    pub channel: Option<ChannelId>,
    #[arg(long)]
    pub contact: Option<ContactId>,
    #[arg(long)]
    pub agent: Option<String>,
    /// Priorities, comma-separated (`high,urgent`).
    #[arg(long, value_delimiter = ',')]
    pub priority: Vec<Priority>,
    /// Who is in control: `ai_agent`, `human` or `none`.
    #[arg(long)]
    pub control: Option<ControlType>,
    /// Only conversations with a handoff waiting (`true`) or without one (`false`).
    #[arg(long)]
    pub handoff_pending: Option<bool>,
    /// Labels the conversation carries all of, comma-separated.
    #[arg(long)]
    pub labels: Option<String>,
    /// Labels it carries at least one of, comma-separated.
    #[arg(long)]
    pub labels_any: Option<String>,
    /// Only conversations waiting for a reply (`true`) or not (`false`).
    #[arg(long)]
    pub waiting: Option<bool>,
    /// Only conversations with messages the key's acting user has not read.
    #[arg(long)]
    pub unread: bool,
    /// `recent` (default), `oldest`, `priority` or `waiting_since` (longest wait first).
    #[arg(long)]
    pub order: Option<ConversationOrder>,
    /// A saved view (`convo views`): its filters apply, under those given here.
    #[arg(long)]
    pub view_id: Option<SavedViewId>,
}

impl Filters {
    fn into_filters(self) -> ConversationFilters {
        ConversationFilters {
            status: self.status,
            statuses: self.statuses,
            view: self.view,
            q: self.q,
            business_unit_id: self.business_unit,
            channel_id: self.channel,
            contact_id: self.contact,
            agent_id: self.agent,
            priority: self.priority,
            control_type: self.control,
            handoff_pending: self.handoff_pending,
            labels: self.labels,
            labels_any: self.labels_any,
            waiting: self.waiting,
            unread: self.unread.then_some(true),
            order: self.order,
            view_id: self.view_id,
            ..Default::default()
        }
    }
}

#[derive(Subcommand)]
pub enum ConversationCommand {
    /// List conversations.
    List {
        #[command(flatten)]
        filters: Filters,
        #[command(flatten)]
        paging: Paging,
    },
    /// Show one conversation (by id, or by public id with --public-id).
    Get {
        id: String,
        #[arg(long)]
        public_id: bool,
    },
    /// Full-text search in any language.
    Search {
        q: String,
        #[arg(long)]
        business_unit: Option<BusinessUnitId>,
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Create a conversation.
    Create {
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        channel: Option<ChannelId>,
        #[arg(long)]
        contact: Option<ContactId>,
        #[arg(long)]
        status: Option<Status>,
        #[arg(long = "type")]
        conversation_type: Option<ConversationType>,
        #[arg(long)]
        detail: Option<String>,
        /// Metadata as a JSON object.
        #[arg(long, value_parser = parse_object)]
        metadata: Option<JsonObject>,
        /// A team member (repeat for several).
        #[arg(long = "member")]
        members: Vec<UserId>,
        #[arg(long)]
        priority: Option<Priority>,
    },
    /// Change name, detail, metadata (merged), priority or parent, or transfer it to another
    /// business unit.
    Update {
        id: ConversationId,
        /// Transfer to this business unit (the channel stays).
        #[arg(long)]
        business_unit: Option<BusinessUnitId>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        priority: Option<Priority>,
        #[arg(long)]
        detail: Option<String>,
        #[arg(long, value_parser = parse_object)]
        metadata: Option<JsonObject>,
        #[arg(long, conflicts_with = "no_parent")]
        parent: Option<ConversationId>,
        /// Make it a top-level conversation.
        #[arg(long)]
        no_parent: bool,
    },
    /// Set the status.
    Status { id: ConversationId, status: Status },
    /// Hand over: to the team (`--to human`, pending until accepted), to a named person or
    /// AI agent (`--user`), or back to the conversation's AI agent (`--to ai_agent`).
    Handoff {
        id: ConversationId,
        #[arg(long)]
        to: ControlType,
        #[arg(long)]
        user: Option<UserId>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Accept the pending handoff as the key's acting user.
    Accept { id: ConversationId },
    /// Mark read up to a message (default the latest) as the key's acting user, or with
    /// `--contact` as the contact.
    Read {
        id: ConversationId,
        #[arg(long)]
        message: Option<MessageId>,
        #[arg(long)]
        contact: bool,
    },
    /// Put labels on a conversation.
    Label {
        id: ConversationId,
        #[arg(required = true)]
        labels: Vec<String>,
    },
    /// Take a label off a conversation.
    Unlabel { id: ConversationId, label: String },
    /// Delete (soft; --hard removes it and its messages for good).
    Delete {
        id: ConversationId,
        #[arg(long)]
        hard: bool,
    },
    /// Join as the key's acting user.
    Join { id: ConversationId },
    /// Leave as the key's acting user.
    Leave { id: ConversationId },
    /// Add a team member.
    Assign { id: ConversationId, user: UserId },
    /// Remove a team member.
    Unassign { id: ConversationId, user: UserId },
    /// Users who could be added.
    Invitable {
        id: ConversationId,
        #[arg(long)]
        q: Option<String>,
    },
    /// How many conversations each view holds; `--saved` counts saved views too.
    Views {
        #[command(flatten)]
        filters: Filters,
        /// Saved view ids, comma-separated.
        #[arg(long, value_delimiter = ',')]
        saved: Vec<SavedViewId>,
    },
    /// Change up to 100 conversations at once: a result per id.
    Bulk {
        /// Conversation ids, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        ids: Vec<ConversationId>,
        #[arg(long)]
        status: Option<Status>,
        /// With `--status snoozed`: when they wake up (RFC 3339).
        #[arg(long, value_parser = parse_time)]
        snoozed_until: Option<Timestamp>,
        /// Adds this user to each conversation's team.
        #[arg(long)]
        assignee: Option<UserId>,
        #[arg(long)]
        priority: Option<Priority>,
        /// Label names to put on, comma-separated.
        #[arg(long, value_delimiter = ',')]
        add_labels: Vec<String>,
        /// Label names to take off, comma-separated.
        #[arg(long, value_delimiter = ',')]
        remove_labels: Vec<String>,
    },
    /// Start a video call.
    VideoCall { id: ConversationId },
    /// The customer's conversation, made when missing.
    GetOrCreate {
        #[command(flatten)]
        customer: CustomerArgs,
    },
    /// Sub-conversations.
    #[command(subcommand)]
    Sub(SubCommand),
    /// A conversation's activity log.
    Events { id: ConversationId },
}

#[derive(Args, Clone, Default)]
pub struct CustomerArgs {
    #[arg(long)]
    pub customer_id: Option<ContactId>,
    /// Your id for the customer; the contact is made when missing.
    #[arg(long)]
    pub external_id: Option<String>,
    #[arg(long)]
    pub customer_name: Option<String>,
    #[arg(long)]
    pub customer_email: Option<String>,
    #[arg(long = "member")]
    pub members: Vec<UserId>,
    #[arg(long)]
    pub channel_identifier: Option<String>,
    #[arg(long = "type")]
    pub conversation_type: Option<ConversationType>,
    #[arg(long)]
    pub name: Option<String>,
}

impl CustomerArgs {
    fn into_request(self) -> GetOrCreateConversation {
        let customer =
            (self.external_id.is_some() || self.customer_name.is_some()).then(|| CustomerRef {
                external_id: self.external_id,
                name: self.customer_name,
                email: self.customer_email,
                ..Default::default()
            });
        GetOrCreateConversation {
            conversation_type: self.conversation_type,
            name: self.name,
            customer_id: self.customer_id,
            customer,
            member_ids: (!self.members.is_empty()).then_some(self.members),
            channel_identifier: self.channel_identifier,
            ..Default::default()
        }
    }
}

#[derive(Subcommand)]
pub enum SubCommand {
    /// List a conversation's sub-conversations.
    List {
        id: ConversationId,
        #[command(flatten)]
        paging: Paging,
    },
    /// Create a sub-conversation.
    Create {
        id: ConversationId,
        #[command(flatten)]
        customer: CustomerArgs,
    },
}

pub async fn run(
    c: &Client,
    out: &Output,
    command: ConversationCommand,
) -> convo_client::Result<()> {
    let conversations = c.conversations();
    match command {
        ConversationCommand::List { filters, paging } => {
            let filters = filters.into_filters();
            let first = conversations.list(&filters, &paging.page()).await;
            let all = conversations.pages(&filters, paging.limit.unwrap_or(100));
            print_list(out, &paging, all, first).await
        }
        ConversationCommand::Get {
            id,
            public_id: true,
        } => out.one(&conversations.get_by_conversation_id(&id).await?),
        ConversationCommand::Get {
            id,
            public_id: false,
        } => {
            let id: ConversationId = id.parse().map_err(|_| {
                convo_client::Error::Config(format!(
                    "`{id}` is not a conversation id (use --public-id for a public id)"
                ))
            })?;
            out.one(&conversations.get(id).await?)
        }
        ConversationCommand::Search {
            q,
            business_unit,
            limit,
        } => {
            let found = conversations.search(&q, business_unit, limit, None).await?;
            out.rows(&found.data, found.next_cursor.as_deref())
        }
        ConversationCommand::Create {
            name,
            channel,
            contact,
            status,
            conversation_type,
            detail,
            metadata,
            members,
            priority,
        } => {
            let req = CreateConversation {
                name,
                channel_id: channel,
                contact_id: contact,
                status,
                conversation_type,
                detail,
                metadata,
                member_ids: (!members.is_empty()).then_some(members),
                priority,
                ..Default::default()
            };
            out.one(&conversations.create(&req).await?)
        }
        ConversationCommand::Update {
            id,
            business_unit,
            name,
            priority,
            detail,
            metadata,
            parent,
            no_parent,
        } => {
            let parent_id = if no_parent {
                Some(None)
            } else {
                parent.map(Some)
            };
            let req = UpdateConversation {
                name,
                detail,
                metadata,
                parent_id,
                priority,
                business_unit_id: business_unit,
                ..Default::default()
            };
            out.one(&conversations.update_conversation(id, &req).await?)
        }
        ConversationCommand::Status { id, status } => {
            out.one(&conversations.update_status(id, status).await?)
        }
        ConversationCommand::Delete { id, hard } => {
            out.done(conversations.delete_conversation(id, hard).await, "deleted")
        }
        ConversationCommand::Handoff {
            id,
            to,
            user,
            reason,
        } => {
            let req = HandoffRequest {
                to: ControlParty {
                    control_type: to,
                    id: user,
                },
                reason,
                metadata: None,
            };
            out.one(&conversations.handoff(id, &req).await?)
        }
        ConversationCommand::Accept { id } => out.one(&conversations.accept_handoff(id).await?),
        ConversationCommand::Read {
            id,
            message,
            contact,
        } => {
            let req = MarkRead {
                message_id: message,
                contact,
            };
            out.one(&conversations.mark_read(id, &req).await?)
        }
        ConversationCommand::Label { id, labels } => {
            let names: Vec<&str> = labels.iter().map(String::as_str).collect();
            out.one(&conversations.add_labels(id, &names).await?)
        }
        ConversationCommand::Unlabel { id, label } => {
            out.one(&conversations.remove_label(id, &label).await?)
        }
        ConversationCommand::Join { id } => out.one(&conversations.join(id).await?),
        ConversationCommand::Leave { id } => out.one(&conversations.leave(id).await?),
        ConversationCommand::Assign { id, user } => {
            out.one(&conversations.assign_team_member(id, user).await?)
        }
        ConversationCommand::Unassign { id, user } => {
            out.one(&conversations.remove_team_member(id, user).await?)
        }
        ConversationCommand::Invitable { id, q } => {
            let users = conversations
                .get_invitable_users(id, q.as_deref(), &Page::default())
                .await?;
            out.rows(&users.data, users.next_cursor.as_deref())
        }
        ConversationCommand::Views { filters, saved } => out.one(
            &conversations
                .get_views_count_with(&filters.into_filters(), &saved)
                .await?,
        ),
        ConversationCommand::Bulk {
            ids,
            status,
            snoozed_until,
            assignee,
            priority,
            add_labels,
            remove_labels,
        } => {
            let listed = |names: Vec<String>| (!names.is_empty()).then_some(names);
            let req = BulkUpdate {
                ids,
                set: BulkChange {
                    status,
                    snoozed_until,
                    assignee_id: assignee,
                    priority,
                    labels_add: listed(add_labels),
                    labels_remove: listed(remove_labels),
                },
            };
            let answer = conversations.bulk_update(&req).await?;
            out.rows(&answer.results, None)
        }
        ConversationCommand::VideoCall { id } => {
            out.one(&conversations.init_video_call(id).await?.video_call)
        }
        ConversationCommand::GetOrCreate { customer } => out.one(
            &conversations
                .get_or_create(&customer.into_request())
                .await?,
        ),
        ConversationCommand::Sub(SubCommand::List { id, paging }) => {
            list!(out, paging, |page| c
                .conversations()
                .list_sub_conversations(id, &page)
                .await)
        }
        ConversationCommand::Sub(SubCommand::Create { id, customer }) => out.one(
            &conversations
                .create_sub_conversation(id, &customer.into_request())
                .await?,
        ),
        ConversationCommand::Events { id } => {
            let events = conversations.events(id, None).await?;
            out.rows(&events.data, events.next_cursor.as_deref())
        }
    }
}
