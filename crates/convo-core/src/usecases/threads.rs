//! Seed 002: get-or-create and sub-conversations.

use convo_types::{
    ChannelId, Contact, ContactId, Conversation, ConversationFilters, ConversationId,
    CreateConversation, GetOrCreateConversation, List, Scope, SortOrder, Timestamp, UserId,
};

use crate::auth::Principal;
use crate::paging::PagingParams;
use crate::rules::{Checks, MAX_IDENTIFIER_CHARS, MAX_NAME_CHARS, MAX_SHORT_CHARS};
use crate::usecases::conversations::{self, created_event, visible_record};
use crate::{ChannelFilter, ConversationRecord, ConversationStore, DirectoryStore, Error, Result};

/// The customer of a request: none, a contact that exists, or one to find or make by its
/// external id once the whole request is known to be valid (so a refused request leaves no
/// contact behind).
enum Customer {
    None,
    Existing(ContactId),
    ByExternalId(Box<Contact>),
}

impl Customer {
    fn existing(&self) -> Option<ContactId> {
        match self {
            Customer::Existing(id) => Some(*id),
            _ => None,
        }
    }

    /// The contact's id, finding or making it by external id (race-free).
    async fn store(self, store: &(impl DirectoryStore + ?Sized)) -> Result<Option<ContactId>> {
        Ok(match self {
            Customer::None => None,
            Customer::Existing(id) => Some(id),
            Customer::ByExternalId(contact) => {
                Some(store.find_or_create_contact(&contact).await?.0.id)
            }
        })
    }
}

/// The customer: by `customer_id` or `customer.id`, else by `customer.external_id` (its
/// fields checked here, stored by [`Customer::store`]).
async fn check_customer(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    req: &GetOrCreateConversation,
) -> Result<Customer> {
    let by_id = req.customer_id.or(req.customer.as_ref().and_then(|c| c.id));
    if let Some(id) = by_id {
        return match store.get_contact(caller.organization_id, id).await {
            Err(Error::NotFound(_)) => {
                Err(Error::invalid("customer_id", format!("no contact {id}")))
            }
            found => found.map(|c| Customer::Existing(c.id)),
        };
    }
    let Some(customer) = &req.customer else {
        return Ok(Customer::None);
    };
    let Some(external_id) = customer
        .external_id
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    else {
        return Err(Error::invalid("customer", "needs an id or an external_id"));
    };
    let mut checks = Checks::new();
    checks.text(
        "customer.external_id",
        Some(external_id),
        MAX_IDENTIFIER_CHARS,
        true,
    );
    checks.text(
        "customer.name",
        customer.name.as_deref(),
        MAX_NAME_CHARS,
        false,
    );
    checks.email("customer.email", customer.email.as_deref());
    checks.text(
        "customer.phone",
        customer.phone.as_deref(),
        MAX_SHORT_CHARS,
        false,
    );
    checks.url("customer.image", customer.image.as_deref());
    checks.object("customer.metadata", customer.metadata.as_ref());
    checks.finish()?;
    let now = Timestamp::now();
    Ok(Customer::ByExternalId(Box::new(Contact {
        object_name: "contact".into(),
        id: ContactId::new(),
        organization_id: caller.organization_id,
        external_id: Some(external_id.to_owned()),
        name: customer.name.clone(),
        email: customer.email.clone(),
        phone: customer.phone.clone(),
        image: customer.image.clone(),
        metadata: customer.metadata.clone().unwrap_or_default(),
        addresses: Vec::new(),
        created_at: now,
        updated_at: now,
    })))
}

/// `channel_ids`, else the channel named by `channel_identifier` (unknown or ambiguous:
/// `422`), else `inherited`.
async fn resolve_channels(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    req: &GetOrCreateConversation,
    inherited: Vec<ChannelId>,
) -> Result<Vec<ChannelId>> {
    if let Some(ids) = &req.channel_ids {
        return Ok(ids.clone());
    }
    let Some(identifier) = req.channel_identifier.as_deref() else {
        return Ok(inherited);
    };
    let filter = ChannelFilter {
        business_unit_ids: caller.business_unit_scope(None),
        channel_type: None,
        identifier: Some(identifier.trim().to_owned()),
    };
    let page = PagingParams {
        limit: Some(2),
        ..Default::default()
    }
    .into_request()?;
    let found = store
        .list_channels(caller.organization_id, &filter, &page)
        .await?;
    match &found.items[..] {
        [only] => Ok(vec![only.id]),
        [] => Err(Error::invalid(
            "channel_identifier",
            format!("no channel `{identifier}`"),
        )),
        _ => Err(Error::invalid(
            "channel_identifier",
            format!("`{identifier}` names channels of several types; pass channel_ids"),
        )),
    }
}

/// The acting user joins every conversation made or found here.
fn with_acting_user(caller: &Principal, members: Option<Vec<UserId>>) -> Vec<UserId> {
    let mut members = members.unwrap_or_default();
    if !members.contains(&caller.user_id) {
        members.push(caller.user_id);
    }
    members
}

fn as_create(
    req: GetOrCreateConversation,
    contact_id: Option<ContactId>,
    channel_ids: Vec<ChannelId>,
    member_ids: Vec<UserId>,
    parent_id: Option<ConversationId>,
) -> CreateConversation {
    CreateConversation {
        channel_ids: Some(channel_ids),
        contact_id,
        conversation_type: req.conversation_type,
        name: req.name,
        metadata: req.metadata,
        member_ids: Some(member_ids),
        parent_id,
        ..Default::default()
    }
}

/// Seed `getOrCreateConversation`: the customer's live top-level conversation (`false`), or a
/// new one (`true`). The acting user is in it either way.
pub async fn get_or_create(
    store: &(impl ConversationStore + DirectoryStore + ?Sized),
    caller: &Principal,
    req: GetOrCreateConversation,
) -> Result<(ConversationRecord, bool)> {
    caller.require(Scope::ConversationsWrite)?;
    let has_members = req.member_ids.as_ref().is_some_and(|m| !m.is_empty());
    if req.customer_id.is_none() && req.customer.is_none() && !has_members {
        return Err(Error::invalid(
            "customer",
            "give customer_id, customer or member_ids",
        ));
    }
    let customer = check_customer(store, caller, &req).await?;
    let channel_ids = resolve_channels(store, caller, &req, Vec::new()).await?;
    // Without a customer, the same set of members (and type) finds the same conversation.
    let members_key = {
        let mut members = req.member_ids.clone().unwrap_or_default();
        members.sort();
        members.dedup();
        let kind = req.conversation_type.map_or("direct", |t| t.as_str());
        let ids: Vec<String> = members.iter().map(ToString::to_string).collect();
        format!("members:{kind}:{}", ids.join(","))
    };
    let members = with_acting_user(caller, req.member_ids.clone());
    let mut new = conversations::prepare(
        store,
        caller,
        as_create(req, customer.existing(), channel_ids, members, None),
    )
    .await?;
    // Every input is valid: only now may a new customer be stored.
    let contact_id = customer.store(store).await?;
    new.conversation.contact_id = contact_id;
    let reuse_key = match contact_id {
        Some(contact) => format!("contact:{contact}"),
        None => members_key,
    };
    // A key limited to business units finds only what it can see and, when that is nothing,
    // makes the customer's conversation of its unit, as if the others did not exist.
    let units = caller.business_unit_scope(None);
    new.reuse_key = Some(match units {
        None => reuse_key,
        Some(_) => format!("{reuse_key}@{}", new.conversation.business_unit_id),
    });
    new.reuse_units = units;
    let (record, created) = store
        .get_or_create_conversation(&new, &created_event(caller))
        .await?;
    if created {
        return Ok((record, true));
    }
    Ok((
        crate::usecases::team::join(store, caller, record.conversation.id).await?,
        false,
    ))
}

/// Seed `createSubConversation`: a conversation under `parent_id`, inheriting the parent's
/// channels and business unit unless channels are given; the acting user joins it.
pub async fn create_sub_conversation(
    store: &(impl ConversationStore + DirectoryStore + ?Sized),
    caller: &Principal,
    parent_id: ConversationId,
    req: GetOrCreateConversation,
) -> Result<ConversationRecord> {
    caller.require(Scope::ConversationsWrite)?;
    let parent = visible_record(store, caller, parent_id).await?.conversation;
    let customer = check_customer(store, caller, &req).await?;
    let contact_id = customer.existing().or(parent.contact_id);
    let channel_ids = resolve_channels(store, caller, &req, parent.channel_ids.clone()).await?;
    let members = with_acting_user(caller, req.member_ids.clone());
    let mut create = as_create(
        req,
        contact_id,
        channel_ids.clone(),
        members,
        Some(parent_id),
    );
    if channel_ids.is_empty() {
        create.business_unit_id = Some(parent.business_unit_id);
    }
    let mut new = conversations::prepare(store, caller, create).await?;
    // Every input is valid: only now may a new customer be stored.
    if let Some(contact) = customer.store(store).await? {
        new.conversation.contact_id = Some(contact);
    }
    store
        .create_conversation(&new, &created_event(caller))
        .await
}

/// Seed `listSubConversations`: the children, oldest first, each with `counts` and `users`.
pub async fn list_sub_conversations(
    store: &(impl ConversationStore + crate::ReadStore + crate::TeamworkStore + ?Sized),
    caller: &Principal,
    parent_id: ConversationId,
    order: Option<SortOrder>,
    paging: PagingParams,
) -> Result<List<Conversation>> {
    conversations::get(store, caller, parent_id).await?;
    let query = ConversationFilters {
        parent_id: Some(parent_id),
        order: Some(order.unwrap_or(SortOrder::Oldest).into()),
        ..Default::default()
    };
    conversations::list(store, caller, query, paging).await
}
