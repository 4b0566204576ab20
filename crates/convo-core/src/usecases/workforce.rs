//! Seed 003's Admin API v2 (`/admin/api/v2/conversations`): AI-agent runs over the same
//! conversations and keys as `/v1`.

use convo_types::{
    BusinessUnitId, Conversation, ConversationId, CreateConversation, List, Message,
    OrganizationId, Status, UpdateConversation, UpdateStatus, WorkforceCreateConversation,
    WorkforceUpdateConversation, WorkforceUpdateStatus,
};

use crate::auth::Principal;
use crate::paging::PagingParams;
use crate::usecases::conversations;
use crate::usecases::messages;
use crate::{ConversationRecord, ConversationStore, DirectoryStore, Error, MessageStore, Result};

pub const DEFAULT_TOPIC: &str = "New Conversation";

/// The statuses of an AI-agent run ("Workforce Run Status").
pub const RUN_STATUSES: [Status; 5] = [
    Status::Running,
    Status::Paused,
    Status::Completed,
    Status::Failed,
    Status::Cancelled,
];

/// `tenant_id` and `tenant_unit_id` of seed 003's query strings.
#[derive(Debug, Clone, Default)]
pub struct Tenancy {
    pub tenant_id: Option<OrganizationId>,
    pub tenant_unit_id: Option<BusinessUnitId>,
}

impl Tenancy {
    /// Another organization's tenant id names nothing this key can see.
    fn check(&self, caller: &Principal) -> Result<()> {
        match self.tenant_id {
            Some(t) if t != caller.organization_id => Err(Error::NotFound("tenant")),
            _ => Ok(()),
        }
    }

    fn holds(&self, record: ConversationRecord) -> Result<ConversationRecord> {
        match self.tenant_unit_id {
            Some(unit) if unit != record.conversation.business_unit_id => {
                Err(Error::NotFound("conversation"))
            }
            _ => Ok(record),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub page_num: Option<i64>,
    pub page_size: Option<i64>,
    pub order: Option<convo_types::SortOrder>,
    pub status: Option<convo_types::Status>,
    pub statuses: Vec<convo_types::Status>,
    pub agent_id: Option<String>,
    pub assignment_id: Option<String>,
}

/// List Conversations: page-numbered (with `total`), newest activity first by default.
pub async fn list(
    store: &(impl ConversationStore + crate::ReadStore + crate::TeamworkStore + ?Sized),
    caller: &Principal,
    tenancy: Tenancy,
    params: ListParams,
) -> Result<List<Conversation>> {
    tenancy.check(caller)?;
    let query = convo_types::ConversationFilters {
        status: params.status,
        statuses: params.statuses,
        agent_id: params.agent_id,
        assignment_id: params.assignment_id,
        business_unit_id: tenancy.tenant_unit_id,
        order: params.order.map(Into::into),
        ..Default::default()
    };
    let paging = PagingParams {
        page_num: Some(params.page_num.unwrap_or(1)),
        page_size: params.page_size,
        include_total: true,
        ..Default::default()
    };
    conversations::list(store, caller, query, paging).await
}

/// Create Conversation: topic "New Conversation" and status `running` unless given.
pub async fn create(
    store: &(impl ConversationStore + DirectoryStore + ?Sized),
    caller: &Principal,
    tenancy: Tenancy,
    assignment_id: Option<String>,
    req: WorkforceCreateConversation,
) -> Result<ConversationRecord> {
    tenancy.check(caller)?;
    let create = CreateConversation {
        name: Some(req.topic.unwrap_or_else(|| DEFAULT_TOPIC.to_owned())),
        status: Some(req.status.unwrap_or(Status::Running)),
        agent_id: req.agent_id.map(|id| id.to_string()),
        inputs: req.inputs,
        assignment_id: req.assignment_id.or(assignment_id),
        business_unit_id: tenancy.tenant_unit_id,
        ..Default::default()
    };
    conversations::create(store, caller, create).await
}

pub async fn get(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    tenancy: Tenancy,
    id: ConversationId,
) -> Result<ConversationRecord> {
    tenancy.check(caller)?;
    tenancy.holds(conversations::get(store, caller, id).await?)
}

/// Update Conversation: the topic.
pub async fn update(
    store: &(impl ConversationStore + crate::DirectoryStore + ?Sized),
    caller: &Principal,
    tenancy: Tenancy,
    id: ConversationId,
    req: WorkforceUpdateConversation,
) -> Result<ConversationRecord> {
    get(store, caller, tenancy, id).await?;
    let patch = UpdateConversation {
        name: req.topic,
        ..Default::default()
    };
    conversations::update(store, caller, id, None, patch).await
}

/// Update Conversation Status: one of the run statuses; `null` changes nothing.
pub async fn update_status(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    tenancy: Tenancy,
    id: ConversationId,
    req: WorkforceUpdateStatus,
) -> Result<ConversationRecord> {
    let record = get(store, caller, tenancy, id).await?;
    let Some(status) = req.status else {
        return Ok(record);
    };
    if !RUN_STATUSES.contains(&status) {
        return Err(Error::invalid(
            "status",
            "must be one of running, paused, completed, failed, cancelled",
        ));
    }
    conversations::update_status(
        store,
        caller,
        id,
        None,
        UpdateStatus {
            status,
            snoozed_until: None,
        },
    )
    .await
}

/// Delete Conversation: with its messages, for good.
pub async fn delete(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
) -> Result<()> {
    conversations::delete(store, caller, id, None, true).await?;
    Ok(())
}

/// List Messages By Conversation: `page` and `page_size`, oldest first.
pub async fn list_messages(
    store: &(impl ConversationStore + MessageStore + ?Sized),
    caller: &Principal,
    tenancy: Tenancy,
    id: ConversationId,
    page: Option<i64>,
    page_size: Option<i64>,
) -> Result<List<Message>> {
    get(store, caller, tenancy, id).await?;
    let paging = PagingParams {
        page_num: Some(page.unwrap_or(1)),
        page_size,
        include_total: true,
        ..Default::default()
    };
    messages::list(store, caller, id, Default::default(), paging).await
}
