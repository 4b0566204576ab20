//! `/v1/contacts`.

use convo_types::{Contact, ContactId, CreateContact, UpdateContact};
use serde::Deserialize;
use utoipa::IntoParams;

use super::directory::prelude::*;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// Only the contact with this external id.
    pub external_id: Option<String>,
}

/// Lists contacts, oldest first.
#[utoipa::path(get, path = "/v1/contacts", operation_id = "listContacts", tag = "contacts", params(PageQuery, ContactQuery), responses((status = 200, body = List<Contact>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<PageQuery>,
    Query(filter): Query<ContactQuery>,
) -> ApiResult<axum::Json<List<Contact>>> {
    Ok(axum::Json(
        directory::list_contacts(
            state.store.as_ref(),
            &caller,
            convo_core::ContactFilter {
                external_id: filter.external_id,
            },
            page.into(),
        )
        .await?,
    ))
}

directory_handlers! {
    path: "/v1/contacts", item_path: "/v1/contacts/{id}", tag: "contacts",
    item: Contact, id: ContactId, create: CreateContact, update: UpdateContact,
    operation_ids: ("createContact", "getContact", "updateContact", "deleteContact"),
    use_cases: (
        directory::create_contact,
        directory::get_contact,
        directory::update_contact,
        directory::delete_contact
    ),
    docs: (
        "Creates a contact.",
        "Gets a contact by id.",
        "Changes a contact: absent fields stay as they are.",
        "Deletes a contact; `409` while something still refers to it."
    ),
    after_write: nothing_cached,
}
