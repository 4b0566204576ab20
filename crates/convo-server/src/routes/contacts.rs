//! `/v1/contacts`.

use convo_core::usecases::contacts;
use convo_types::{Contact, ContactId, ContactQuery, CreateContact, MergeContacts, UpdateContact};

use super::directory::prelude::*;

/// Lists contacts, oldest first; `q` finds them by the words of their name, email and
/// external id, or the start of their phone number, accents and case ignored.
#[utoipa::path(get, path = "/v1/contacts", operation_id = "listContacts", tag = "contacts", params(PageQuery, ContactQuery), responses(
    (status = 200, body = List<Contact>),
    (status = 422, description = "`q` has no letter or digit, or is too long", body = convo_types::Problem),
))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<PageQuery>,
    Query(query): Query<ContactQuery>,
) -> ApiResult<axum::Json<List<Contact>>> {
    Ok(axum::Json(
        contacts::list_contacts(state.store.as_ref(), &caller, query, page.into()).await?,
    ))
}

/// Merges another contact (`from`: the same person, met on another channel) into this one,
/// in one transaction: its conversations and their messages move here, its fields fill in
/// what this one lacks, its addresses are added. Afterwards `from` answers 404, and its
/// external id finds this contact. Records `contact.merged`.
#[utoipa::path(post, path = "/v1/contacts/{id}/merge", operation_id = "mergeContacts", tag = "contacts", request_body = MergeContacts, params(("id" = ContactId, Path)), responses(
    (status = 200, description = "the contact after the merge", body = Contact),
    (status = 404, body = convo_types::Problem),
    (status = 422, description = "`from` is this contact or no contact of the organization", body = convo_types::Problem),
))]
pub async fn merge(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ContactId>,
    Json(req): Json<MergeContacts>,
) -> ApiResult<axum::Json<Contact>> {
    Ok(axum::Json(
        contacts::merge_contacts(state.store.as_ref(), &caller, id, req).await?,
    ))
}

/// `POST /v1/contacts/{id}/merge`.
pub fn merge_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(merge))
}

directory_handlers! {
    path: "/v1/contacts", item_path: "/v1/contacts/{id}", tag: "contacts",
    item: Contact, id: ContactId, create: CreateContact, update: UpdateContact,
    operation_ids: ("createContact", "getContact", "updateContact", "deleteContact"),
    use_cases: (
        contacts::create_contact,
        contacts::get_contact,
        contacts::update_contact,
        contacts::delete_contact
    ),
    docs: (
        "Creates a contact.",
        "Gets a contact by id.",
        "Changes a contact: absent fields stay as they are.",
        "Deletes a contact; `409` while something still refers to it."
    ),
    after_write: nothing_cached,
}
