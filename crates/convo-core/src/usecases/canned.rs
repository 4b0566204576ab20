//! Canned responses: replies kept for reuse, organization-wide, for one business unit or
//! personal; found by short code or words, and filled in for a conversation on the server.

use convo_types::{
    CannedResponse, CannedResponseId, CannedResponseQuery, CreateCannedResponse, List,
    RenderCannedResponse, RenderedCannedResponse, Scope, Timestamp, UpdateCannedResponse,
};

use crate::auth::Principal;
use crate::paging::PagingParams;
use crate::rules::{is_space, Checks, MAX_CONTENT_CHARS, MAX_NAME_CHARS, MAX_SHORT_CODE_CHARS};
use crate::text::{fold, search::query_terms};
use crate::usecases::conversations::visible_record;
use crate::{
    CannedFilter, ConversationStore, DirectoryStore, Error, ReadStore, Result, TeamworkStore,
};

/// A short code as typed: without a leading `/`.
fn short_code(text: &str) -> String {
    text.trim().trim_start_matches('/').to_owned()
}

fn check_fields(
    short: Option<&str>,
    title: Option<&str>,
    content: Option<&str>,
    required: bool,
) -> Result<()> {
    let mut checks = Checks::new();
    checks.text("short_code", short, MAX_SHORT_CODE_CHARS, required);
    if short.is_some_and(|s| s.chars().any(|c| is_space(c) || c.is_control())) {
        checks.fail("short_code", "must be one word, without spaces");
    }
    checks.text("title", title, MAX_NAME_CHARS, required);
    checks.text("content", content, MAX_CONTENT_CHARS, required);
    checks.finish()
}

/// Whether the caller may see (and, with `write`, change) a response: their own personal
/// ones, those of units they see and the organization's; shared ones are changed by admins.
fn allowed(caller: &Principal, canned: &CannedResponse, write: bool) -> Result<()> {
    let visible = match (canned.user_id, canned.business_unit_id) {
        (Some(owner), _) => owner == caller.user_id,
        (None, Some(unit)) => caller.sees_business_unit(unit),
        (None, None) => true,
    };
    if !visible {
        return Err(Error::NotFound("canned response"));
    }
    if write && canned.user_id.is_none() {
        caller.require(Scope::Admin)?;
    }
    Ok(())
}

pub async fn create(
    store: &(impl TeamworkStore + DirectoryStore + ?Sized),
    caller: &Principal,
    req: CreateCannedResponse,
) -> Result<CannedResponse> {
    caller.require(Scope::ConversationsRead)?;
    let code = short_code(&req.short_code);
    check_fields(Some(&code), Some(&req.title), Some(&req.content), true)?;
    match (req.user_id, req.business_unit_id) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "user_id",
                "a personal response has no business unit",
            ))
        }
        (Some(user), None) if user != caller.user_id => {
            return Err(Error::invalid(
                "user_id",
                "a personal response is the acting user's own",
            ))
        }
        (Some(_), None) => {}
        (None, unit) => {
            caller.require(Scope::Admin)?;
            if let Some(unit) = unit {
                if !caller.sees_business_unit(unit)
                    || matches!(
                        store.get_business_unit(caller.organization_id, unit).await,
                        Err(Error::NotFound(_))
                    )
                {
                    return Err(Error::invalid(
                        "business_unit_id",
                        format!("no business unit {unit}"),
                    ));
                }
            }
        }
    }
    let now = Timestamp::now();
    let canned = CannedResponse {
        object_name: "canned_response".into(),
        id: CannedResponseId::new(),
        short_code: code,
        title: req.title.trim().to_owned(),
        content: req.content,
        business_unit_id: req.business_unit_id,
        user_id: req.user_id,
        created_at: now,
        updated_at: now,
    };
    store
        .insert_canned_response(caller.organization_id, &canned)
        .await?;
    Ok(canned)
}

pub async fn get(
    store: &(impl TeamworkStore + ?Sized),
    caller: &Principal,
    id: CannedResponseId,
) -> Result<CannedResponse> {
    caller.require(Scope::ConversationsRead)?;
    let canned = store
        .get_canned_response(caller.organization_id, id)
        .await?;
    allowed(caller, &canned, false)?;
    Ok(canned)
}

/// The responses offered to the caller, short code order; `q` finds by the start of the
/// short code or the start of words of the title and content (every word of `q`).
pub async fn list(
    store: &(impl TeamworkStore + ?Sized),
    caller: &Principal,
    query: CannedResponseQuery,
    paging: PagingParams,
) -> Result<List<CannedResponse>> {
    caller.require(Scope::ConversationsRead)?;
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if q.is_some_and(|q| q.chars().count() > MAX_NAME_CHARS) {
        return Err(Error::invalid(
            "q",
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    let filter = CannedFilter {
        user: caller.user_id,
        business_unit_ids: caller.business_unit_scope(None),
        short_code_prefix: q.map(|q| fold(&short_code(q))),
        terms: q.map(query_terms).unwrap_or_default(),
    };
    let page = paging.into_request()?;
    let rows = store
        .list_canned_responses(caller.organization_id, &filter, &page)
        .await?;
    Ok(rows.into_list(page.limit, |c| c.id.as_uuid()))
}

pub async fn update(
    store: &(impl TeamworkStore + ?Sized),
    caller: &Principal,
    id: CannedResponseId,
    req: UpdateCannedResponse,
) -> Result<CannedResponse> {
    caller.require(Scope::ConversationsRead)?;
    let code = req.short_code.as_deref().map(short_code);
    check_fields(
        code.as_deref(),
        req.title.as_deref(),
        req.content.as_deref(),
        false,
    )?;
    for (field, value) in [("short_code", &code), ("title", &req.title)] {
        if value.as_deref().is_some_and(crate::rules::is_blank) {
            return Err(Error::invalid(field, "must not be blank"));
        }
    }
    let mut canned = store
        .get_canned_response(caller.organization_id, id)
        .await?;
    allowed(caller, &canned, true)?;
    if let Some(code) = code {
        canned.short_code = code;
    }
    if let Some(title) = req.title {
        canned.title = title.trim().to_owned();
    }
    if let Some(content) = req.content {
        canned.content = content;
    }
    canned.updated_at = Timestamp::now();
    store
        .update_canned_response(caller.organization_id, &canned)
        .await?;
    Ok(canned)
}

pub async fn delete(
    store: &(impl TeamworkStore + ?Sized),
    caller: &Principal,
    id: CannedResponseId,
) -> Result<()> {
    caller.require(Scope::ConversationsRead)?;
    let canned = store
        .get_canned_response(caller.organization_id, id)
        .await?;
    allowed(caller, &canned, true)?;
    store
        .delete_canned_response(caller.organization_id, id)
        .await
}

/// `POST /v1/canned-responses/{id}/render`: the content with its variables filled in for a
/// conversation the caller sees. A variable that is unknown or has no value stays as
/// written and is listed in `unresolved`.
pub async fn render(
    store: &(impl TeamworkStore + ConversationStore + DirectoryStore + ReadStore + ?Sized),
    caller: &Principal,
    id: CannedResponseId,
    req: RenderCannedResponse,
) -> Result<RenderedCannedResponse> {
    let canned = get(store, caller, id).await?;
    let conversation = visible_record(store, caller, req.conversation_id)
        .await?
        .conversation;
    let contact = match conversation.contact_id {
        Some(contact) => Some(store.get_contact(caller.organization_id, contact).await?),
        None => None,
    };
    let agent = store
        .get_user(caller.organization_id, caller.user_id)
        .await
        .ok();
    let value = |name: &str| -> Option<String> {
        match name {
            "contact.name" => contact.as_ref().and_then(|c| c.name.clone()),
            "contact.email" => contact.as_ref().and_then(|c| c.email.clone()),
            "contact.phone" => contact.as_ref().and_then(|c| c.phone.clone()),
            "agent.name" => agent.as_ref().map(|a| a.name.clone()),
            "conversation.id" => Some(conversation.id.to_string()),
            _ => None,
        }
        .filter(|v| !v.trim().is_empty())
    };
    let (content, unresolved) = fill(&canned.content, value);
    Ok(RenderedCannedResponse {
        object_name: "rendered_canned_response".into(),
        content,
        unresolved,
    })
}

/// Replaces each `{{ name }}` of `template` by its value; those without one stay as written
/// and are answered (once each, in order of appearance).
pub fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> (String, Vec<String>) {
    let mut out = String::with_capacity(template.len());
    let mut unresolved: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let whole = &rest[start..start + 2 + len + 2];
        let name = rest[start + 2..start + 2 + len].trim();
        out.push_str(&rest[..start]);
        match value(name) {
            Some(v) => out.push_str(&v),
            None => {
                out.push_str(whole);
                if !unresolved.iter().any(|u| u == name) {
                    unresolved.push(name.to_owned());
                }
            }
        }
        rest = &rest[start + whole.len()..];
    }
    out.push_str(rest);
    (out, unresolved)
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn variables_fill_in_and_unknown_ones_stay_visible() {
        let value = |name: &str| (name == "contact.name").then(|| "Lan".to_owned());
        let (text, unresolved) = fill(
            "Hi {{contact.name}}, {{ agent.nick }} here. {{contact.name}}! {{ open",
            value,
        );
        assert_eq!(text, "Hi Lan, {{ agent.nick }} here. Lan! {{ open");
        assert_eq!(unresolved, vec!["agent.nick"]);
        assert_eq!(fill("no variables", value), ("no variables".into(), vec![]));
    }
}
