//! Contacts: the customers conversations are with. Found by words of their name, email,
//! phone and external id; two records of one person merge into one.

use convo_types::{
    BusinessUnitId, Contact, ContactId, ContactQuery, ConversationOrder, CreateContact, EventType,
    List, MergeContacts, Scope, Timestamp, UpdateContact, View,
};

use crate::auth::Principal;
use crate::paging::PagingParams;
use crate::rules::{merge_metadata, Checks, MAX_IDENTIFIER_CHARS, MAX_NAME_CHARS, MAX_SHORT_CHARS};
use crate::text::contact_query_terms;
use crate::{
    ContactFilter, ConversationFilter, ConversationStore, DirectoryStore, Error, EventMeta,
    InboxFilter, ParentFilter, Result,
};

fn check_contact_fields(
    checks: &mut Checks,
    external_id: Option<&str>,
    name: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
    image: Option<&str>,
) {
    checks.text(
        "external_id",
        external_id,
        MAX_IDENTIFIER_CHARS,
        external_id.is_some(),
    );
    checks.text("name", name, MAX_NAME_CHARS, false);
    checks.email("email", email);
    checks.text("phone", phone, MAX_SHORT_CHARS, false);
    checks.url("image", image);
}

pub async fn create_contact(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    req: CreateContact,
) -> Result<Contact> {
    caller.require(Scope::ContactsWrite)?;
    let mut checks = Checks::new();
    check_contact_fields(
        &mut checks,
        req.external_id.as_deref(),
        req.name.as_deref(),
        req.email.as_deref(),
        req.phone.as_deref(),
        req.image.as_deref(),
    );
    checks.object("metadata", req.metadata.as_ref());
    let addresses = req.addresses.unwrap_or_default();
    checks.count("addresses", addresses.len());
    for (i, address) in addresses.iter().enumerate() {
        checks.address(&format!("addresses[{i}]"), Some(address));
    }
    checks.finish()?;
    let now = Timestamp::now();
    let contact = Contact {
        object_name: "contact".into(),
        id: ContactId::new(),
        organization_id: caller.organization_id,
        external_id: req.external_id.map(|e| e.trim().to_owned()),
        name: req.name,
        email: req.email,
        phone: req.phone,
        image: req.image,
        metadata: req.metadata.unwrap_or_default(),
        addresses,
        created_at: now,
        updated_at: now,
    };
    store.insert_contact(&contact).await?;
    Ok(contact)
}

pub async fn get_contact(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    id: ContactId,
) -> Result<Contact> {
    caller.require(Scope::ContactsRead)?;
    store.get_contact(caller.organization_id, id).await
}

/// Contacts, oldest first: by external id, or found by `q` (see `text::contact_query_terms`).
pub async fn list_contacts(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    query: ContactQuery,
    paging: PagingParams,
) -> Result<List<Contact>> {
    caller.require(Scope::ContactsRead)?;
    let mut checks = Checks::new();
    checks.text("q", query.q.as_deref(), MAX_NAME_CHARS, false);
    checks.finish()?;
    let terms = query
        .q
        .as_deref()
        .map(contact_query_terms)
        .unwrap_or_default();
    if query.q.is_some_and(|q| !q.trim().is_empty()) && terms.is_empty() {
        return Err(Error::invalid("q", "must contain a letter or a digit"));
    }
    let filter = ContactFilter {
        external_id: query.external_id,
        terms,
    };
    let page = paging.into_request()?;
    let rows = store
        .list_contacts(caller.organization_id, &filter, &page)
        .await?;
    Ok(rows.into_list(page.limit, |c| c.id.as_uuid()))
}

pub async fn update_contact(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    id: ContactId,
    req: UpdateContact,
) -> Result<Contact> {
    caller.require(Scope::ContactsWrite)?;
    let mut contact = store.get_contact(caller.organization_id, id).await?;
    let mut checks = Checks::new();
    check_contact_fields(
        &mut checks,
        req.external_id.clone().flatten().as_deref(),
        req.name.clone().flatten().as_deref(),
        req.email.clone().flatten().as_deref(),
        req.phone.clone().flatten().as_deref(),
        req.image.clone().flatten().as_deref(),
    );
    checks.object("metadata", req.metadata.as_ref());
    if let Some(addresses) = &req.addresses {
        checks.count("addresses", addresses.len());
        for (i, address) in addresses.iter().enumerate() {
            checks.address(&format!("addresses[{i}]"), Some(address));
        }
    }
    checks.finish()?;
    if let Some(v) = req.external_id {
        contact.external_id = v.map(|e| e.trim().to_owned());
    }
    if let Some(v) = req.name {
        contact.name = v;
    }
    if let Some(v) = req.email {
        contact.email = v;
    }
    if let Some(v) = req.phone {
        contact.phone = v;
    }
    if let Some(v) = req.image {
        contact.image = v;
    }
    if let Some(patch) = req.metadata {
        merge_metadata(&mut contact.metadata, patch);
    }
    if let Some(addresses) = req.addresses {
        contact.addresses = addresses;
    }
    contact.updated_at = Timestamp::now();
    store.update_contact(&contact).await?;
    Ok(contact)
}

pub async fn delete_contact(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    id: ContactId,
) -> Result<()> {
    caller.require(Scope::ContactsWrite)?;
    store.delete_contact(caller.organization_id, id).await
}

/// `POST /v1/contacts/{id}/merge`: `from` (the same person, met on another channel) is merged
/// into `id` in one transaction: its conversations and their messages move over, its fields
/// fill in what this one lacks, its addresses are added; afterwards it answers 404 and its
/// external id finds this one. Records `contact.merged`.
pub async fn merge_contacts(
    store: &(impl DirectoryStore + ConversationStore + ?Sized),
    caller: &Principal,
    id: ContactId,
    req: MergeContacts,
) -> Result<Contact> {
    caller.require(Scope::ContactsWrite)?;
    if req.from == id {
        return Err(Error::invalid("from", "is the contact itself"));
    }
    // A merge moves every conversation of both: a caller limited to some business units may
    // merge only contacts whose conversations are all in them (else, for them, no such contact).
    for contact in [id, req.from] {
        if !sees_every_conversation_of(store, caller, contact).await? {
            return Err(Error::NotFound("contact"));
        }
    }
    let event = EventMeta {
        event_type: EventType::ContactMerged,
        actor: caller.actor(),
    };
    store
        .merge_contacts(caller.organization_id, id, req.from, absorb, &event)
        .await
}

/// What the surviving contact keeps of the merged one: the fields it lacks, the metadata keys
/// it lacks, and every address it does not have.
pub fn absorb(into: &mut Contact, from: &Contact) {
    for (mine, theirs) in [
        (&mut into.name, &from.name),
        (&mut into.email, &from.email),
        (&mut into.phone, &from.phone),
        (&mut into.image, &from.image),
    ] {
        if mine.is_none() {
            mine.clone_from(theirs);
        }
    }
    for (key, value) in &from.metadata {
        into.metadata
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }
    for address in &from.addresses {
        if !into.addresses.contains(address) {
            into.addresses.push(address.clone());
        }
    }
    into.updated_at = Timestamp::now();
}

/// Whether every conversation of `contact` is in a business unit the caller sees.
async fn sees_every_conversation_of(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    contact: ContactId,
) -> Result<bool> {
    if caller.business_unit_ids.is_empty() {
        return Ok(true);
    }
    let count = |units: Option<Vec<BusinessUnitId>>| {
        let filter = ConversationFilter {
            organization_id: caller.organization_id,
            business_unit_ids: units,
            statuses: Vec::new(),
            view: View::All,
            user_id: caller.user_id,
            channel_id: None,
            channel_type: None,
            contact_id: Some(contact),
            agent_id: None,
            assignment_id: None,
            owner_id: None,
            parent: ParentFilter::Any,
            inbox: InboxFilter::default(),
            text: None,
            order: ConversationOrder::Recent,
        };
        async move {
            let tallies = store.count_views(&filter).await?;
            Ok::<i64, Error>(tallies.by_status.iter().map(|(_, _, n)| n).sum())
        }
    };
    Ok(count(None).await? == count(Some(caller.business_unit_ids.clone())).await?)
}
