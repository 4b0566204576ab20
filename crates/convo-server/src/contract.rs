//! The published contract: the document utoipa builds from the handlers' annotations,
//! finished with what holds for every operation alike (the errors each kind of operation can
//! answer, authentication, idempotency), with references for list items, and with the events
//! and webhook deliveries. Handlers annotate only what is theirs.

use convo_core::usecases::idempotency::KEY_PATTERN;
use convo_types::EventType;
use serde_json::{json, Map, Value};

use crate::extract::{IF_MATCH_PATTERN, MAY_BE_EMPTY};

/// Operations that need no API key.
const PUBLIC_OPERATIONS: &[&str] = &[
    "getHealth",
    "getReadiness",
    "createSession",
    "requestPasswordReset",
    "getPasswordReset",
    "completePasswordReset",
    "getInvitation",
    "acceptInvitation",
    "startOidcSignIn",
    "finishOidcSignIn",
];

/// Operations that also take a signed link instead of a key or session.
const SIGNED_LINK_OPERATIONS: &[&str] = &["getAttachmentContent"];

/// Operations whose body is a file of any type, not JSON.
const FILE_BODY_OPERATIONS: &[&str] = &["uploadAttachment"];

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The finished OpenAPI 3.1 document.
pub fn finish(generated: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(generated).expect("the OpenAPI document serializes");
    doc["info"]["version"] = json!(env!("CARGO_PKG_VERSION"));
    doc["info"]["license"] = json!({ "name": "Apache-2.0", "identifier": "Apache-2.0" });
    doc["servers"] = json!([
        { "url": "/", "description": "the server that serves this document" },
        { "url": "http://127.0.0.1:8080", "description": "`convo serve` on its default address" },
    ]);
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let protocol = if path.starts_with("/trpc/") {
                Protocol::Trpc {
                    batch_only: path == "/trpc/{procedures}",
                }
            } else {
                Protocol::Rest
            };
            for (method, operation) in item.as_object_mut().into_iter().flatten() {
                finish_operation(method, operation, protocol);
            }
        }
    }
    reference_list_items(&mut doc);
    add_rate_limit_headers(&mut doc);
    describe_stream(&mut doc);
    add_cross_field_rules(&mut doc);
    add_events(&mut doc);
    open_free_form_objects(&mut doc);
    doc
}

/// How an operation answers errors: problem+json, or tRPC's envelope (one, or an array for a
/// batch).
#[derive(Clone, Copy)]
enum Protocol {
    Rest,
    Trpc { batch_only: bool },
}

impl Protocol {
    fn error_content(self) -> Value {
        match self {
            Protocol::Rest => {
                json!({ PROBLEM_JSON: { "schema": { "$ref": "#/components/schemas/Problem" } } })
            }
            Protocol::Trpc { .. } => {
                let failure = json!({ "$ref": "#/components/schemas/TrpcFailure" });
                json!({ "application/json": { "schema": { "anyOf": [
                    failure,
                    { "type": "array", "items": failure },
                ] } } })
            }
        }
    }
}

/// Errors, authentication and idempotency, by what the operation takes.
fn finish_operation(method: &str, op: &mut Value, protocol: Protocol) {
    let id = op["operationId"].as_str().unwrap_or_default().to_owned();
    let public = PUBLIC_OPERATIONS.contains(&id.as_str());
    if public {
        op["security"] = json!([]);
    }
    if SIGNED_LINK_OPERATIONS.contains(&id.as_str()) {
        op["security"] = json!([{ "bearer": [] }, { "session": [] }, {}]);
    }
    let file_body = FILE_BODY_OPERATIONS.contains(&id.as_str());
    if file_body {
        // Any bytes: the file itself.
        op["requestBody"]["content"]["application/octet-stream"]["schema"] =
            json!({ "type": "string", "format": "binary" });
    }
    if op.get("description").is_none() {
        op["description"] = op["summary"].clone();
    }
    constrain_parameters(op);
    optional_body_is_an_object(op);
    if matches!(protocol, Protocol::Trpc { .. }) {
        type_trpc_input(&id, op);
    }
    let params: Vec<Value> = op["parameters"].as_array().cloned().unwrap_or_default();
    let takes = |place: &str| params.iter().any(|p| p["in"] == place);
    let has_body = op.get("requestBody").is_some();
    let is_post = method == "post";
    let writes = matches!(method, "post" | "patch" | "delete");
    let trpc = matches!(protocol, Protocol::Trpc { .. });
    if is_post && !trpc && !file_body && !params.iter().any(|p| p["name"] == "Idempotency-Key") {
        push_param(op, idempotency_key());
    }
    let if_match = params.iter().any(|p| p["name"] == "If-Match");
    let batch_only = matches!(protocol, Protocol::Trpc { batch_only: true });
    let standard: [(u16, bool, &str); 12] = [
        (400, !public || has_body || takes("query"), "The request is malformed: invalid JSON, a body that is not a JSON object, or a query parameter or header that cannot be read (`bad_request`, `invalid_json`)."),
        (401, !public, "No API key or session, or one this server does not know or that has ended (`unauthorized`)."),
        (403, !public, "The key or the person's role lacks a scope this operation needs (`missing_scope`), may not act on this business unit (`forbidden`), or a write with the session cookie failed the CSRF check (`csrf_failed`)."),
        (404, !public, "An id in the path, query or body names no object in the key's organization; another organization's ids answer the same (`not_found`)."),
        (405, batch_only, "A query called with POST or a mutation with GET (`METHOD_NOT_SUPPORTED`)."),
        (408, has_body, "The body arrived too slowly: a pause longer than the server waits (`request_timeout`)."),
        (409, writes, "A conflict: a unique value is taken (`already_exists`), something still refers to the object (`conflict`), or a request with the same `Idempotency-Key` is still running (`idempotency_key_in_progress`)."),
        (412, if_match, "`If-Match` names a version that is no longer current (`precondition_failed`)."),
        (413, has_body || is_post, "The body is larger than the server accepts (`payload_too_large`)."),
        (415, has_body && !trpc && !file_body, "The body is not sent as `application/json` (`unsupported_media_type`)."),
        (422, has_body || is_post || takes("query"), "A value is invalid; `errors` names each field (`validation_failed`), or the `Idempotency-Key` was used with another request (`idempotency_key_reused`)."),
        (429, true, "Too many requests for this API key, or from this address without a valid key (`rate_limited`): wait `Retry-After` seconds."),
    ];
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    for (status, applies, description) in standard {
        if applies {
            responses
                .entry(status.to_string())
                .or_insert_with(|| json!({ "description": description }));
        }
    }
    for (status, response) in responses.iter_mut() {
        let code: u16 = status.parse().unwrap_or(0);
        if code == 429 {
            response["headers"] = rate_limit_headers();
        }
        if code >= 400 {
            response["content"] = protocol.error_content();
            if response["description"] == "" {
                response["description"] = json!(standard_description(&standard, code));
            }
        } else if is_post && !trpc && !file_body && (200..300).contains(&code) {
            response["headers"]["Idempotent-Replayed"] = json!({
                "description": "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.",
                "schema": { "type": "string", "enum": ["true"] },
            });
            response["headers"]["Secrets-Withheld"] = json!({
                "description": "`true` on a replay whose first answer held a secret (an API key's or a webhook's `secret`, an invitation's `token` and `url`): a secret is shown once, so the replay answers it `null`.",
                "schema": { "type": "string", "enum": ["true"] },
            });
        }
        if response["description"] == "" {
            response["description"] = json!(if code == 204 {
                "Done; no body."
            } else {
                "Success."
            });
        }
    }
}

/// A body that may be left out (`Option<T>` in the handler) is generated as `T` or `null`;
/// a body that is sent must still be a JSON object, so it is `T`, and not required.
fn optional_body_is_an_object(op: &mut Value) {
    // `pointer_mut`, not indexing: indexing a missing key would add it.
    let Some(schema) = op.pointer_mut("/requestBody/content/application~1json/schema") else {
        return;
    };
    let Some(choices) = schema.get("oneOf").and_then(Value::as_array) else {
        return;
    };
    if let [null, object] = choices.as_slice() {
        if null["type"] == "null" {
            *schema = object.clone();
        }
    }
}

fn standard_description(standard: &[(u16, bool, &str)], code: u16) -> String {
    standard
        .iter()
        .find(|(status, _, _)| *status == code)
        .map_or_else(|| "An error.".to_owned(), |(_, _, text)| (*text).to_owned())
}

/// The headers of a `429`, by name and component.
const RATE_LIMIT_HEADERS: [(&str, &str, &str); 4] = [
    (
        "Retry-After",
        "RetryAfter",
        "Seconds to wait before the next request is accepted.",
    ),
    (
        "RateLimit-Limit",
        "RateLimitLimit",
        "The requests the budget allows at once.",
    ),
    (
        "RateLimit-Remaining",
        "RateLimitRemaining",
        "Requests left now: 0.",
    ),
    (
        "RateLimit-Reset",
        "RateLimitReset",
        "Seconds until a request is accepted again.",
    ),
];

/// What a `429` says about the budget it ran out of (references to `components.headers`).
fn rate_limit_headers() -> Value {
    RATE_LIMIT_HEADERS
        .iter()
        .map(|(name, component, _)| {
            let reference = json!({ "$ref": format!("#/components/headers/{component}") });
            ((*name).to_owned(), reference)
        })
        .collect::<Map<String, Value>>()
        .into()
}

fn add_rate_limit_headers(doc: &mut Value) {
    for (_, component, description) in RATE_LIMIT_HEADERS {
        doc["components"]["headers"][component] = json!({
            "description": description,
            "schema": { "type": "integer", "minimum": 0 },
        });
    }
}

fn idempotency_key() -> Value {
    json!({
        "name": "Idempotency-Key",
        "in": "header",
        "required": false,
        "description": "Retry safely: within 24 hours the same key and body answer the first response again and change nothing.",
        "schema": { "type": "string", "pattern": KEY_PATTERN },
    })
}

/// What the extractors refuse, said in the parameters' schemas: an empty query value (but
/// free text), an `If-Match` that is not one of our ETags.
fn constrain_parameters(op: &mut Value) {
    let params = op.get_mut("parameters").and_then(Value::as_array_mut);
    for param in params.into_iter().flatten() {
        let name = param["name"].as_str().unwrap_or_default().to_owned();
        let place = param["in"].as_str().unwrap_or_default().to_owned();
        let schema = &mut param["schema"];
        if place == "query" && !MAY_BE_EMPTY.contains(&name.as_str()) {
            let is_text = schema["type"] == "string"
                || schema["type"]
                    .as_array()
                    .is_some_and(|t| t.contains(&json!("string")));
            if is_text && schema.get("minLength").is_none() && schema.get("pattern").is_none() {
                schema["minLength"] = json!(1);
            }
        } else if place == "header" && name == "If-Match" {
            *schema = json!({ "type": "string", "pattern": IF_MATCH_PATTERN });
        }
    }
}

/// A tRPC query's `input` is JSON in the query string: said as the parameter's content, with
/// the procedure's input schema (a batch's: an object of inputs keyed "0", "1", ..., as is a
/// batch of mutations' body).
fn type_trpc_input(operation_id: &str, op: &mut Value) {
    let keyed = json!({ "type": "object", "additionalProperties": { "type": "object" } });
    if operation_id == "trpcBatchMutation" {
        op["requestBody"]["content"]["application/json"]["schema"] = keyed.clone();
    }
    let schema = crate::routes::compat::connect360::QUERY_INPUTS
        .iter()
        .find(|(id, _)| *id == operation_id)
        .map_or(
            keyed,
            |(_, name)| json!({ "$ref": format!("#/components/schemas/{name}") }),
        );
    let params = op.get_mut("parameters").and_then(Value::as_array_mut);
    for param in params.into_iter().flatten() {
        if param["name"] == "input" && param["in"] == "query" {
            if let Some(param) = param.as_object_mut() {
                param.remove("schema");
                param.insert(
                    "content".into(),
                    json!({ "application/json": { "schema": schema } }),
                );
            }
            break;
        }
    }
}

fn push_param(op: &mut Value, param: Value) {
    match op["parameters"].as_array_mut() {
        Some(params) => params.push(param),
        None => op["parameters"] = json!([param]),
    }
}

/// utoipa inlines a generic's argument; a list's items refer to the shared schema instead,
/// so generated clients have one model per resource.
fn reference_list_items(doc: &mut Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in names {
        let Some(item) = name.strip_prefix("List_") else {
            continue;
        };
        if schemas.contains_key(item) {
            schemas[&name]["properties"]["data"]["items"] =
                json!({ "$ref": format!("#/components/schemas/{item}") });
        }
    }
}

/// Says `additionalProperties: true` on free-form objects (metadata, inputs, event data):
/// JSON Schema allows any property there already, but generators read a bare
/// `"type": "object"` as "no properties" (openapi-typescript: `Record<string, never>`).
fn open_free_form_objects(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let is_object = match map.get("type") {
                Some(Value::String(t)) => t == "object",
                Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
                _ => false,
            };
            if is_object
                && !map.contains_key("properties")
                && !map.contains_key("additionalProperties")
            {
                map.insert("additionalProperties".into(), Value::Bool(true));
            }
            for (key, child) in map.iter_mut() {
                if key != "example" && key != "examples" {
                    open_free_form_objects(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(open_free_form_objects),
        _ => {}
    }
}

/// The live stream's wire format, which a media type alone does not say: the schema is that
/// of each server-sent event (https://html.spec.whatwg.org/multipage/server-sent-events.html),
/// as tools that read event streams apply it.
fn describe_stream(doc: &mut Value) {
    let content = &mut doc["paths"]["/v1/events/stream"]["get"]["responses"]["200"]["content"];
    content["text/event-stream"] = json!({
        "schema": {
            "type": "object",
            "description": "One server-sent event. Comment lines keep the connection alive. A client that \
                fell too far behind gets `event: resume` with `data: {\"after\": <id>}` and should read \
                `GET /v1/events?after=<id>` from there.",
            "required": ["data"],
            "properties": {
                "id": { "type": "string", "description": "The event id: send it back as `Last-Event-ID`." },
                "event": { "type": "string", "description": "The event type (`conversation.created`, ...) or `resume`." },
                "data": {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": {
                        "oneOf": [
                            { "$ref": "#/components/schemas/Event" },
                            {
                                "type": "object",
                                "required": ["after"],
                                "properties": { "after": { "type": "integer", "format": "int64" } },
                            },
                        ],
                    },
                },
            },
        },
    });
}

/// A rule between fields that plain field attributes cannot state: it mirrors the check in
/// `directory::create_api_key`. (Rules like "content or attachments" are said in the types'
/// descriptions instead: `anyOf` of partial schemas breaks client generators.)
fn add_cross_field_rules(doc: &mut Value) {
    let schemas = &mut doc["components"]["schemas"];
    // `platform` belongs only to the key made on first start.
    schemas["CreateApiKey"]["properties"]["scopes"]["not"] =
        json!({ "contains": { "const": "platform" } });
}

/// The object an event of each type carries in `data`: the object after the change.
fn event_data_schema(event_type: EventType) -> &'static str {
    match event_type {
        EventType::ConversationCreated
        | EventType::ConversationUpdated
        | EventType::ConversationStatusChanged
        | EventType::ConversationMemberAdded
        | EventType::ConversationMemberRemoved
        | EventType::ConversationDeleted
        | EventType::ConversationLabelsChanged
        | EventType::ConversationHandoffRequested
        | EventType::ConversationControlChanged
        | EventType::ConversationTransferred
        | EventType::ConversationReadByContact => "Conversation",
        EventType::MessageCreated
        | EventType::MessageUpdated
        | EventType::MessageStatusChanged
        | EventType::MessageDeleted => "Message",
        EventType::VideoCallStarted => "VideoCall",
        EventType::ContactMerged => "Contact",
    }
}

/// `ConversationCreatedEvent` for `conversation.created`, and so on.
fn event_schema_name(event_type: EventType) -> String {
    let mut name = String::new();
    for word in event_type.as_str().split(['.', '_']) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.extend(first.to_uppercase());
            name.push_str(chars.as_str());
        }
    }
    name + "Event"
}

/// One schema per event type, `Event.data` as the union of what events carry, and each
/// delivery in the top-level `webhooks`.
fn add_events(doc: &mut Value) {
    let mut webhooks = Map::new();
    let mut carried: Vec<&str> = Vec::new();
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    for &event_type in EventType::ALL {
        let data = event_data_schema(event_type);
        if !carried.contains(&data) {
            carried.push(data);
        }
        // A whole object rather than `allOf` with `Event`: generators cannot merge a narrowed
        // `data` into the union it narrows.
        let name = event_schema_name(event_type);
        let mut schema = schemas["Event"].clone();
        schema["description"] = json!(format!(
            "`{event_type}`: `data` is the {data} after the change."
        ));
        schema["properties"]["type"] = json!({ "type": "string", "enum": [event_type.as_str()] });
        schema["properties"]["data"] = json!({ "$ref": format!("#/components/schemas/{data}") });
        schemas.insert(name.clone(), schema);
        webhooks.insert(event_type.as_str().to_owned(), delivery(event_type, &name));
    }
    schemas["Event"]["properties"]["data"] = json!({
        "description": "The object after the change: what each event type carries is in its own schema (`ConversationCreatedEvent`, ...).",
        "oneOf": carried.iter().map(|name| json!({ "$ref": format!("#/components/schemas/{name}") })).collect::<Vec<_>>(),
    });
    doc["webhooks"] = Value::Object(webhooks);
}

/// A webhook delivery as the receiver sees it: signed the Standard Webhooks way.
fn delivery(event_type: EventType, schema: &str) -> Value {
    let header = |name: &str, description: &str| json!({ "name": name, "in": "header", "required": true, "description": description, "schema": { "type": "string" } });
    json!({
        "post": {
            "operationId": format!("deliver{}", schema.trim_end_matches("Event")),
            "summary": format!("`{event_type}`, POSTed to each webhook subscribed to it"),
            "description": "At least once, in order per conversation, retried with backoff for 24 hours until the receiver answers 2xx. Verify `webhook-signature` with the webhook's secret before trusting the body.",
            "tags": ["webhooks"],
            "security": [],
            "parameters": [
                header("webhook-id", "The delivery's id: the same on every retry, for deduplication."),
                header("webhook-timestamp", "Unix seconds when this attempt was signed."),
                header("webhook-signature", "`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one per active secret, space-separated."),
            ],
            "requestBody": {
                "required": true,
                "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } },
            },
            "responses": {
                "2XX": { "description": "Received; not sent again." },
                "default": { "description": "Not received; retried later." },
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `$ref` names a schema the document holds.
    /// Every operation is named and explained: its doc comment is its summary.
    #[test]
    fn operations_have_ids_and_summaries() {
        let doc = crate::openapi();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                assert!(
                    op["operationId"].is_string(),
                    "{method} {path} has no operationId"
                );
                assert!(
                    op["summary"].is_string(),
                    "{method} {path} needs a doc comment"
                );
                assert!(op["description"].is_string(), "{method} {path}");
            }
        }
    }

    #[test]
    fn references_resolve() {
        let doc = crate::openapi();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for piece in text.split("\"#/components/schemas/").skip(1) {
            let name = piece.split('"').next().unwrap();
            assert!(
                schemas.contains_key(name),
                "{name} is referenced but not defined"
            );
        }
    }

    /// The published limits are the ones the rules check.
    #[test]
    fn limits_match_the_rules() {
        use convo_core::paging::{MAX_LIMIT, MAX_PAGE_NUM};
        let doc = crate::openapi();
        let params = doc["paths"]["/v1/contacts"]["get"]["parameters"]
            .as_array()
            .unwrap();
        let param =
            |name: &str| params.iter().find(|p| p["name"] == name).unwrap()["schema"].clone();
        assert_eq!(param("limit")["maximum"], json!(MAX_LIMIT));
        assert_eq!(param("page_size")["maximum"], json!(MAX_LIMIT));
        assert_eq!(param("page_num")["maximum"], json!(MAX_PAGE_NUM));
        assert_eq!(param("page")["maximum"], json!(MAX_PAGE_NUM));
        let key = &doc["components"]["schemas"]["CreateApiKey"]["properties"];
        assert_eq!(
            key["name"]["maxLength"],
            json!(convo_types::limits::MAX_NAME_CHARS)
        );
        let webhook = &doc["components"]["schemas"]["CreateWebhook"]["properties"];
        assert_eq!(
            webhook["event_types"]["maxItems"],
            json!(convo_types::limits::MAX_LIST_ITEMS)
        );
        let message = &doc["components"]["schemas"]["CreateMessage"]["properties"];
        assert_eq!(
            message["attachments"]["maxItems"],
            json!(convo_types::limits::MAX_ATTACHMENTS)
        );
        let max_key = convo_core::usecases::idempotency::MAX_KEY_CHARS;
        assert!(
            KEY_PATTERN.ends_with(&format!(",{max_key}}}$")),
            "{KEY_PATTERN}"
        );
    }

    #[test]
    fn event_schema_names_read_as_words() {
        assert_eq!(
            event_schema_name(EventType::ConversationStatusChanged),
            "ConversationStatusChangedEvent"
        );
        assert_eq!(
            event_schema_name(EventType::VideoCallStarted),
            "VideoCallStartedEvent"
        );
    }
}
