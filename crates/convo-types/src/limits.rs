//! Input limits: part of the wire contract, so defined here, where both the rules that check
//! them (convo-core) and the OpenAPI schemas that publish them read the same numbers.

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_DETAIL_CHARS: usize = 10_000;
pub const MAX_IDENTIFIER_CHARS: usize = 255;
/// `owner_type`, a phone number.
pub const MAX_SHORT_CHARS: usize = 64;
/// An address's `type` (`web`, `line`, ...).
pub const MAX_ADDRESS_TYPE_CHARS: usize = 32;
pub const MAX_URL_CHARS: usize = 2_048;
pub const MAX_EMAIL_CHARS: usize = 320;
/// Longest message content, in characters.
pub const MAX_CONTENT_CHARS: usize = 20_000;
/// Serialized size of one `metadata` or `inputs` object.
pub const MAX_OBJECT_BYTES: usize = 16 * 1024;
pub const MAX_LIST_ITEMS: usize = 100;
pub const MAX_ATTACHMENTS: usize = 20;
/// A canned response's short code: what follows `/` in a composer.
pub const MAX_SHORT_CODE_CHARS: usize = 32;
/// Conversations one bulk action changes.
pub const MAX_BULK_IDS: usize = 100;
/// A business unit's inactivity timer, in seconds: a minute to a year.
pub const AUTO_RESOLVE_SECS: std::ops::RangeInclusive<i64> = 60..=31_536_000;
/// A label's name.
pub const MAX_LABEL_CHARS: usize = 64;
/// A password, in bytes of UTF-8: argon2's input is bounded so a huge one costs nothing.
pub const MAX_PASSWORD_BYTES: usize = 1_024;
/// The shortest password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// A one-time token (password reset, first sign-in), as sent back.
pub const MAX_TOKEN_CHARS: usize = 128;
/// A locale tag such as `vi-VN`.
pub const MAX_LOCALE_CHARS: usize = 35;

/// Characters that do not make a text non-blank: Unicode white space, and the four ASCII
/// separators (U+001C..U+001F) that some runtimes count as white space too, so every client
/// library agrees on what "blank" means.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// A text with nothing but [`is_space`] characters (or nothing at all).
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_space)
}

/// The same rules as regular expressions, for the schemas.
pub mod patterns {
    /// Has at least one character that is not [`super::is_space`]. Anchored and spelled out
    /// (rather than the shorter unanchored `[^\s\x1c-\x1f]`) because some tools merge an
    /// unanchored pattern with `maxLength` as if it had to match the whole text.
    pub const NOT_BLANK: &str = r"^[\s\x1c-\x1f]*[^\s\x1c-\x1f][\s\S]*$";
    /// `local@domain.tld`, no spaces: what `Checks::email` accepts.
    pub const EMAIL: &str = r"^[^@\s\x1c-\x1f]+@[^\s\x1c-\x1f]*\.[^\s\x1c-\x1f]*$";
    /// An http(s) URL with a host (`rules::http_url` parses it fully).
    pub const HTTP_URL: &str = r"^https?://[^/?#]*[^/?#@]([/?#][\s\S]*)?$";
    /// `type/subtype`, no spaces.
    pub const MIME_TYPE: &str = r"^[^/\s\x1c-\x1f]+/[^/\s\x1c-\x1f]+$";
    /// A label's name: not blank, no commas (filters list labels comma-separated).
    pub const LABEL_NAME: &str = r"^[^,]*[^\s\x1c-\x1f,][^,]*$";
    /// `#rrggbb`.
    pub const COLOR: &str = r"^#[0-9a-fA-F]{6}$";
    /// A canned response's short code: one word, no spaces (typed after `/`).
    pub const SHORT_CODE: &str = r"^[^\s\x00-\x1f]+$";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_counts_separators_as_space() {
        assert!(is_blank(" \t\u{a0}\u{1c}"));
        assert!(!is_blank(" x "));
        assert!(!is_blank("\u{1}"));
    }
}
