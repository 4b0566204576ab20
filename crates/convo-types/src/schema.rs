//! Schemas of constrained text fields, built from [`crate::limits`], so the document states
//! exactly the limits the rules check (`#[schema(schema_with = ...)]` on each field).

use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::Object;

use crate::limits::{self, patterns};

/// A string of at most `max` characters; `null` allowed when `nullable` (it means "absent",
/// or "clear" where the field says so).
fn text(max: usize, nullable: bool) -> ObjectBuilder {
    let schema_type = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::from(Type::String)
    };
    ObjectBuilder::new()
        .schema_type(schema_type)
        .max_length(Some(max))
}

fn not_blank(builder: ObjectBuilder) -> Object {
    builder
        .min_length(Some(1))
        .pattern(Some(patterns::NOT_BLANK))
        .build()
}

/// A required name: not blank.
pub fn name() -> Object {
    not_blank(text(limits::MAX_NAME_CHARS, false))
}

/// A name that, when given, is not blank.
pub fn name_when_given() -> Object {
    not_blank(text(limits::MAX_NAME_CHARS, true))
}

pub fn optional_name() -> Object {
    text(limits::MAX_NAME_CHARS, true).build()
}

/// Required text of at most the detail length, not blank: an error's message.
pub fn detail() -> Object {
    not_blank(text(limits::MAX_DETAIL_CHARS, false))
}

pub fn optional_detail() -> Object {
    text(limits::MAX_DETAIL_CHARS, true).build()
}

/// A required identifier (a channel's phone number, web domain, LINE id): not blank.
pub fn identifier() -> Object {
    not_blank(text(limits::MAX_IDENTIFIER_CHARS, false))
}

/// An external id: when given, not blank.
pub fn identifier_when_given() -> Object {
    not_blank(text(limits::MAX_IDENTIFIER_CHARS, true))
}

pub fn optional_identifier() -> Object {
    text(limits::MAX_IDENTIFIER_CHARS, true).build()
}

pub fn optional_short_text() -> Object {
    text(limits::MAX_SHORT_CHARS, true).build()
}

pub fn optional_email() -> Object {
    text(limits::MAX_EMAIL_CHARS, true)
        .pattern(Some(patterns::EMAIL))
        .build()
}

/// A password: at most 1,024 bytes (the rules count bytes; 1,024 characters is the most that
/// can fit).
pub fn password() -> Object {
    text(limits::MAX_PASSWORD_BYTES, false)
        .min_length(Some(1))
        .build()
}

/// A password that may be left out (`null`: not given).
pub fn optional_password() -> Object {
    text(limits::MAX_PASSWORD_BYTES, true).build()
}

/// A sign-in email: required.
pub fn email() -> Object {
    text(limits::MAX_EMAIL_CHARS, false)
        .pattern(Some(patterns::EMAIL))
        .build()
}

/// A one-time code: six digits (TOTP) or a recovery code.
pub fn optional_code() -> Object {
    text(limits::MAX_SHORT_CHARS, true).build()
}

pub fn optional_locale() -> Object {
    text(limits::MAX_LOCALE_CHARS, true).build()
}

/// An http(s) URL with a host: avatars, images, attachments, webhook targets.
pub fn http_url() -> Object {
    text(limits::MAX_URL_CHARS, false)
        .pattern(Some(patterns::HTTP_URL))
        .build()
}

pub fn optional_http_url() -> Object {
    text(limits::MAX_URL_CHARS, true)
        .pattern(Some(patterns::HTTP_URL))
        .build()
}

pub fn optional_mime_type() -> Object {
    text(limits::MAX_IDENTIFIER_CHARS, true)
        .pattern(Some(patterns::MIME_TYPE))
        .build()
}

pub fn content() -> Object {
    text(limits::MAX_CONTENT_CHARS, false).build()
}

pub fn optional_content() -> Object {
    text(limits::MAX_CONTENT_CHARS, true).build()
}

pub fn address_type() -> Object {
    text(limits::MAX_ADDRESS_TYPE_CHARS, false).build()
}

pub fn address_target() -> Object {
    text(limits::MAX_IDENTIFIER_CHARS, false).build()
}

pub fn address_name() -> Object {
    text(limits::MAX_NAME_CHARS, false).build()
}

pub fn address_detail() -> Object {
    text(limits::MAX_DETAIL_CHARS, false).build()
}

fn label(nullable: bool) -> Object {
    text(limits::MAX_LABEL_CHARS, nullable)
        .min_length(Some(1))
        .pattern(Some(patterns::LABEL_NAME))
        .build()
}

/// A label's name: not blank, no commas.
pub fn label_name() -> Object {
    label(false)
}

pub fn label_name_when_given() -> Object {
    label(true)
}

/// `#rrggbb`.
pub fn optional_color() -> Object {
    text(7, true).pattern(Some(patterns::COLOR)).build()
}

/// A canned response's short code.
pub fn short_code() -> Object {
    text(limits::MAX_SHORT_CODE_CHARS, false)
        .min_length(Some(1))
        .pattern(Some(patterns::SHORT_CODE))
        .build()
}

pub fn short_code_when_given() -> Object {
    text(limits::MAX_SHORT_CODE_CHARS, true)
        .min_length(Some(1))
        .pattern(Some(patterns::SHORT_CODE))
        .build()
}
