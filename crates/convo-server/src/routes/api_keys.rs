//! `/v1/api-keys`: the secret is answered once, on create.

use convo_types::{ApiKey, ApiKeyId, CreateApiKey, UpdateApiKey};

use super::directory::prelude::*;

directory_list! {
    path: "/v1/api-keys", tag: "api keys", item: ApiKey, operation_id: "listApiKeys",
    use_case: directory::list_api_keys, doc: "Lists api keys, oldest first.",
}

directory_handlers! {
    path: "/v1/api-keys", item_path: "/v1/api-keys/{id}", tag: "api keys",
    item: ApiKey, id: ApiKeyId, create: CreateApiKey, update: UpdateApiKey,
    operation_ids: ("createApiKey", "getApiKey", "updateApiKey", "deleteApiKey"),
    use_cases: (
        directory::create_api_key,
        directory::get_api_key,
        directory::update_api_key,
        directory::delete_api_key
    ),
    docs: (
        "Creates an API key.",
        "Gets an API key by id.",
        "Changes an API key: absent fields stay as they are.",
        "Deletes an API key; `409` while something still refers to it."
    ),
    after_write: clear_key_cache,
}
