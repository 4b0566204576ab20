//! What is live between people: typing and viewing, presence, notifications.

use convo_core::usecases::{notifications, presence};
use convo_types::{
    ConversationId, Notification, NotificationQuery, NotificationSettings, NotificationsRead,
    ReadNotifications, ReportActivity, SetPresence, UpdateNotificationSettings, User,
};

use super::directory::prelude::*;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(report_activity))
        .routes(routes!(set_presence))
        .routes(routes!(list_notifications))
        .routes(routes!(read_notifications))
        .routes(routes!(get_settings, update_settings))
}

/// Says what the acting user is doing in the conversation (`typing`, `viewing`, or `idle` to
/// end it): every stream that sees the conversation, on every node, gets
/// `conversation.activity` (typing stands for a few seconds, viewing for about 30, unless
/// said again). Not kept in the event log.
#[utoipa::path(post, path = "/v1/conversations/{id}/activity", operation_id = "reportActivity", tag = "working together", params(("id" = ConversationId, Path)), request_body = ReportActivity, responses(
    (status = 204),
    (status = 404, body = convo_types::Problem),
))]
pub async fn report_activity(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Json(req): Json<ReportActivity>,
) -> ApiResult<StatusCode> {
    presence::report(state.store.as_ref(), &caller, id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the acting user's presence: `away`, `busy` or `offline` hold while they are
/// connected; `online` lets their open streams decide again. Answers the user as others see
/// them; everyone's streams get `user.presence_changed` when it changes.
#[utoipa::path(put, path = "/v1/me/presence", operation_id = "setPresence", tag = "working together", request_body = SetPresence, responses(
    (status = 200, body = User),
))]
pub async fn set_presence(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<SetPresence>,
) -> ApiResult<axum::Json<User>> {
    Ok(axum::Json(
        presence::set(state.store.as_ref(), &caller, req).await?,
    ))
}

/// The acting user's notifications, newest first (`unread=true`: only those not read). A
/// notification about a conversation they no longer see is left out.
#[utoipa::path(get, path = "/v1/me/notifications", operation_id = "listNotifications", tag = "working together", params(NotificationQuery, PageQuery), responses(
    (status = 200, body = List<Notification>),
))]
pub async fn list_notifications(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(query): Query<NotificationQuery>,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<Notification>>> {
    Ok(axum::Json(
        notifications::list(state.store.as_ref(), &caller, query, page.into()).await?,
    ))
}

/// Marks the acting user's notifications read: `ids`, or `all: true`. Answers how many were
/// marked and how many stay unread.
#[utoipa::path(post, path = "/v1/me/notifications/read", operation_id = "readNotifications", tag = "working together", request_body = ReadNotifications, responses(
    (status = 200, body = NotificationsRead),
    (status = 422, body = convo_types::Problem),
))]
pub async fn read_notifications(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<ReadNotifications>,
) -> ApiResult<axum::Json<NotificationsRead>> {
    Ok(axum::Json(
        notifications::read(state.store.as_ref(), &caller, req).await?,
    ))
}

/// Which notifications the acting user gets.
#[utoipa::path(get, path = "/v1/me/notification-settings", operation_id = "getNotificationSettings", tag = "working together", responses(
    (status = 200, body = NotificationSettings),
))]
pub async fn get_settings(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> ApiResult<axum::Json<NotificationSettings>> {
    Ok(axum::Json(
        notifications::settings(state.store.as_ref(), &caller).await?,
    ))
}

/// Turns kinds of notifications on or off for the acting user; absent kinds stay.
#[utoipa::path(patch, path = "/v1/me/notification-settings", operation_id = "updateNotificationSettings", tag = "working together", request_body = UpdateNotificationSettings, responses(
    (status = 200, body = NotificationSettings),
))]
pub async fn update_settings(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<UpdateNotificationSettings>,
) -> ApiResult<axum::Json<NotificationSettings>> {
    Ok(axum::Json(
        notifications::update_settings(state.store.as_ref(), &caller, req).await?,
    ))
}
