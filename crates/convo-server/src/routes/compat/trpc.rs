//! tRPC's HTTP protocol (trpc.io, "HTTP RPC Specification") under `/trpc`, for the procedures
//! of [`super::connect360`]. A query is `GET /trpc/<path>?input=<JSON>`, a mutation
//! `POST /trpc/<path>` with its input as the body. `?batch=1` joins paths with commas and keys
//! the inputs `"0"`, `"1"`, ...; the answer is then an array, `207` when its statuses differ.
//! Each call answers `{"result":{"data":...}}` or tRPC's error envelope
//! `{"error":{"message","code","data":{"code","httpStatus","path","problem"}}}`, whose
//! `problem` is the problem+json the REST API would have answered.

use std::collections::HashMap;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use convo_core::auth::Principal;
use convo_types::{ErrorCode, Problem};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};

use super::connect360::{self, Kind};
use crate::error::ApiError;
use crate::extract::parse_json;
use crate::AppState;

/// The query of a batch.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchQuery {
    /// `1`: the path names procedures joined by commas, and the input is an object keyed
    /// `"0"`, `"1"`, ... (the queries' in `input`, the mutations' in the body).
    #[param(pattern = "^(1|true)$")]
    pub batch: String,
    /// The queries' inputs, as URL-encoded JSON.
    pub input: Option<String>,
}

/// The query of a query procedure.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InputQuery {
    /// The input, as URL-encoded JSON.
    pub input: String,
}

/// A request's `batch` and `input`, read leniently: tRPC clients send nothing else.
struct CallQuery {
    batch: bool,
    input: Option<String>,
}

/// A successful call: `{"result":{"data": ...}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrpcSuccess<T> {
    pub result: TrpcSuccessData<T>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrpcSuccessData<T> {
    pub data: T,
}

/// A failed call, as tRPC clients read it (`TRPCClientError`).
#[derive(Debug, Serialize, ToSchema)]
pub struct TrpcFailure {
    pub error: TrpcFailureShape,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrpcFailureShape {
    pub message: String,
    /// The JSON-RPC number of `data.code` (`-32004` for `NOT_FOUND`, ...).
    pub code: i32,
    pub data: TrpcFailureData,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrpcFailureData {
    /// tRPC's name of the error.
    #[schema(value_type = String, example = "NOT_FOUND")]
    pub code: &'static str,
    pub http_status: u16,
    /// The procedure called, when the path named one.
    pub path: Option<String>,
    /// What the REST API would have answered, with convo's stable `code` and field errors.
    pub problem: Problem,
}

/// tRPC's error names, with their JSON-RPC numbers, by HTTP status.
fn error_code(status: StatusCode) -> (&'static str, i32) {
    match status.as_u16() {
        400 => ("BAD_REQUEST", -32600),
        401 => ("UNAUTHORIZED", -32001),
        403 => ("FORBIDDEN", -32003),
        404 => ("NOT_FOUND", -32004),
        405 => ("METHOD_NOT_SUPPORTED", -32005),
        408 => ("TIMEOUT", -32008),
        409 => ("CONFLICT", -32009),
        412 => ("PRECONDITION_FAILED", -32012),
        413 => ("PAYLOAD_TOO_LARGE", -32013),
        415 => ("UNSUPPORTED_MEDIA_TYPE", -32015),
        422 => ("UNPROCESSABLE_CONTENT", -32022),
        429 => ("TOO_MANY_REQUESTS", -32029),
        _ => ("INTERNAL_SERVER_ERROR", -32603),
    }
}

/// The tRPC status of an error: the REST API's, or 500 for one tRPC has no name for.
fn trpc_status(error: &ApiError) -> StatusCode {
    match error_code(error.status()).0 {
        "INTERNAL_SERVER_ERROR" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => error.status(),
    }
}

fn failure(error: &ApiError, path: Option<&str>) -> Value {
    let status = trpc_status(error);
    let (name, number) = error_code(status);
    let problem = error.problem();
    json!(TrpcFailure {
        error: TrpcFailureShape {
            message: problem.detail.clone(),
            code: number,
            data: TrpcFailureData {
                code: name,
                http_status: status.as_u16(),
                path: path.map(str::to_owned),
                problem,
            },
        },
    })
}

/// A procedure's input: a JSON object, read as the REST API reads a body (field errors named,
/// NUL refused, depth bounded). No input reads as `{}`, so missing fields are named.
pub fn input<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    let value = match value {
        Value::Null => Value::Object(Default::default()),
        other => other,
    };
    let bytes = serde_json::to_vec(&value).unwrap_or_default();
    parse_json(&bytes)
}

/// One call's outcome: its status and its envelope.
type Outcome = (StatusCode, Value);

/// Serves `/trpc/<path>` for either method: a single call or a batch.
/// The most procedures one batch may join.
pub const MAX_BATCH_CALLS: usize = 50;

pub async fn serve(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let paths: Vec<String> = parts
        .uri
        .path()
        .strip_prefix("/trpc/")
        .unwrap_or_default()
        .split(',')
        .map(str::to_owned)
        .collect();
    let query = read_query(parts.uri.query().unwrap_or_default());
    let batch = query.batch;
    let outcomes = match prepare(&state, &parts, body, &query, &paths, batch).await {
        Ok((caller, inputs)) => {
            let mut outcomes = Vec::with_capacity(paths.len());
            for (path, input) in paths.iter().zip(inputs) {
                outcomes.push(call(&state, &caller, &parts.method, path, input).await);
            }
            outcomes
        }
        Err(error) => {
            let status = trpc_status(&error);
            let one = |path: &String| (status, failure(&error, Some(path)));
            paths.iter().map(one).collect()
        }
    };
    // A wrong method can only be the other one.
    let allow = if parts.method == Method::GET {
        "POST"
    } else {
        "GET"
    };
    answer(outcomes, batch, allow)
}

fn read_query(query: &str) -> CallQuery {
    let mut pairs: HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    CallQuery {
        batch: matches!(pairs.remove("batch").as_deref(), Some("1" | "true")),
        input: pairs.remove("input"),
    }
}

/// Authenticates the request and splits its input among the calls.
async fn prepare(
    state: &AppState,
    parts: &axum::http::request::Parts,
    body: Body,
    query: &CallQuery,
    paths: &[String],
    batch: bool,
) -> Result<(Principal, Vec<Value>), ApiError> {
    if !batch && paths.len() > 1 {
        return Err(ApiError::bad_request(
            ErrorCode::BadRequest,
            "several procedures need `?batch=1`",
        ));
    }
    if paths.len() > MAX_BATCH_CALLS {
        return Err(ApiError::bad_request(
            ErrorCode::BadRequest,
            format!("a batch holds at most {MAX_BATCH_CALLS} procedures"),
        ));
    }
    let caller = crate::auth::authenticate(parts, state).await?;
    // Each procedure is a request for the rate limit (authenticating counted the first).
    if let Some(id) = caller
        .api_key_id()
        .map(|id| id.as_uuid())
        .or_else(|| caller.session_id().map(|id| id.as_uuid()))
    {
        state.limits.check_more(id, paths.len() as u32 - 1)?;
    }
    let raw: Option<Vec<u8>> = if parts.method == Method::POST {
        let bytes = to_bytes(body, state.settings.body_limit)
            .await
            .map_err(|error| ApiError::unreadable_body(&error))?;
        (!bytes.is_empty()).then(|| bytes.to_vec())
    } else {
        query.input.as_ref().map(|text| text.as_bytes().to_vec())
    };
    let value: Value = match raw {
        None => Value::Null,
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::bad_request(
                ErrorCode::InvalidJson,
                format!("the input is not valid JSON: {e}"),
            )
        })?,
    };
    if !batch {
        return Ok((caller, vec![value]));
    }
    let mut keyed = match value {
        Value::Object(map) => map,
        Value::Null => Default::default(),
        _ => {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidJson,
                "a batch's input must be an object keyed \"0\", \"1\", ...",
            ))
        }
    };
    let inputs = (0..paths.len())
        .map(|i| keyed.remove(&i.to_string()).unwrap_or(Value::Null))
        .collect();
    Ok((caller, inputs))
}

async fn call(
    state: &AppState,
    caller: &Principal,
    method: &Method,
    path: &str,
    input: Value,
) -> Outcome {
    let outcome = match connect360::kind(path) {
        None => Err(ApiError::not_found(format!(
            "no procedure `{path}`; GET /openapi.json lists them under /trpc"
        ))),
        Some(kind) if (kind == Kind::Query) != (method == Method::GET) => Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::MethodNotAllowed,
            match kind {
                Kind::Query => "a query is called with GET",
                Kind::Mutation => "a mutation is called with POST",
            },
        )),
        Some(_) => connect360::call(state, caller, path, input).await,
    };
    match outcome {
        Ok(data) => (StatusCode::OK, json!({ "result": { "data": data } })),
        Err(error) => (trpc_status(&error), failure(&error, Some(path))),
    }
}

fn answer(outcomes: Vec<Outcome>, batch: bool, allow: &'static str) -> Response {
    let (status, body) = if batch {
        let first = outcomes.first().map_or(StatusCode::OK, |o| o.0);
        let status = if outcomes.iter().all(|o| o.0 == first) {
            first
        } else {
            StatusCode::MULTI_STATUS
        };
        (
            status,
            Value::Array(outcomes.into_iter().map(|o| o.1).collect()),
        )
    } else {
        outcomes
            .into_iter()
            .next()
            .unwrap_or((StatusCode::OK, Value::Null))
    };
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static(allow));
    }
    response
}
