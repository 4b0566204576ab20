//! Text normalisation shared by every backend, so they all find the same things.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds text for accent- and case-insensitive matching: compatibility decomposition, marks
/// dropped, lower case, and Vietnamese `đ` to `d` (it has no decomposition).
/// "Nguyễn Đức" and "nguyen duc" fold to the same string.
pub fn fold(text: &str) -> String {
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// Longest word kept for finding contacts: longer ones are cut (a prefix still finds them).
const MAX_CONTACT_TERM_CHARS: usize = 64;

fn contact_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_CONTACT_TERM_CHARS).collect())
}

/// The words a contact is found by, folded (see [`fold`]): each word of the name, the email
/// (whole, and each of its parts), the phone's digits, the external id (whole, and its parts).
pub fn contact_terms(
    name: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
    external_id: Option<&str>,
) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for (text, whole) in [(name, false), (email, true), (external_id, true)] {
        let Some(folded) = text.map(fold) else {
            continue;
        };
        if whole && !folded.trim().is_empty() {
            terms.push(folded.trim().chars().take(MAX_CONTACT_TERM_CHARS).collect());
        }
        terms.extend(contact_words(&folded));
    }
    if let Some(phone) = phone {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            terms.push(digits);
        }
    }
    terms.sort_unstable();
    terms.dedup();
    terms
}

/// What `GET /v1/contacts?q=` looks for: a phone number (digits, spaces, `+`, `-`, `(`, `)`,
/// `.`) as its digits; anything else as its folded words, each the start of a contact's word.
pub fn contact_query_terms(q: &str) -> Vec<String> {
    let q = q.trim();
    let phone_like = q.chars().any(|c| c.is_ascii_digit())
        && q.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let mut terms: Vec<String> = if phone_like {
        vec![q.chars().filter(char::is_ascii_digit).collect()]
    } else {
        contact_words(&fold(q)).collect()
    };
    terms.sort_unstable();
    terms.dedup();
    terms
}

#[cfg(test)]
mod tests {
    use super::{contact_query_terms, contact_terms, fold};

    #[test]
    fn contacts_are_found_by_folded_words_and_phone_digits() {
        let terms = contact_terms(
            Some("Nguyễn Văn Đức"),
            Some("Duc.Nguyen@Example.com"),
            Some("+84 90-123 4567"),
            Some("crm:42"),
        );
        for term in [
            "nguyen",
            "van",
            "duc",
            "duc.nguyen@example.com",
            "example",
            "84901234567",
            "crm:42",
            "42",
        ] {
            assert!(terms.contains(&term.to_owned()), "{term} in {terms:?}");
        }
        assert_eq!(contact_query_terms("  +84 90 123 "), ["8490123"]);
        assert_eq!(contact_query_terms("ĐỨC nguy"), ["duc", "nguy"]);
        assert!(contact_query_terms(" .. ").is_empty());
    }

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Nguyễn Đức Anh"), "nguyen duc anh");
        assert_eq!(fold("hoàn tiền"), fold("HOAN TIEN"));
        assert_eq!(fold("hóa đơn"), "hoa don");
        assert_eq!(fold("Ｒｅｆｕｎｄ"), "refund");
        assert_eq!(fold("退款"), "退款");
    }
}

/// Search normalisation, the same for indexing and for queries on every backend: charabia
/// segments (jieba for Chinese) and normalises (compatibility decomposition, lower case, marks
/// removed, Chinese variants unified); then [`fold`] (`đ` → `d`) and a light English plural
/// strip ("refunds" finds "refund").
pub mod search {
    use std::collections::HashSet;

    use charabia::Tokenize;

    use super::fold;

    fn term(lemma: &str) -> Option<String> {
        let folded = fold(lemma);
        let folded = folded.trim();
        if folded.is_empty() || !folded.chars().any(char::is_alphanumeric) {
            return None;
        }
        let plural = folded.len() > 3
            && folded.ends_with('s')
            && !folded.ends_with("ss")
            && folded.chars().all(|c| c.is_ascii_alphabetic());
        Some(if plural {
            folded[..folded.len() - 1].to_owned()
        } else {
            folded.to_owned()
        })
    }

    fn is_han(c: char) -> bool {
        matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
    }

    /// The search terms of a text, in order.
    pub fn terms(text: &str) -> Vec<String> {
        if text.chars().any(is_han) {
            // jieba's dictionary is simplified: unify the variants first, then segment, so
            // traditional and simplified spellings of a word split the same way.
            let unified: String = text.tokenize().map(|t| t.lemma.into_owned()).collect();
            return unified
                .as_str()
                .tokenize()
                .filter(|t| t.is_word())
                .filter_map(|t| term(&t.lemma))
                .collect();
        }
        text.tokenize()
            .filter(|t| t.is_word())
            .filter_map(|t| term(&t.lemma))
            .collect()
    }

    /// A phone number as one digits-only term, whatever its spaces, dashes and `+`; `None`
    /// when the text is not phone-like (at least 6 digits and nothing but digits, spaces and
    /// `+-().`).
    pub fn phone_term(text: &str) -> Option<String> {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let phone_like = text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        (phone_like && digits.len() >= 6).then_some(digits)
    }

    /// The hidden text a document is indexed under: its terms joined by spaces.
    pub fn index_text<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
        let mut out = String::new();
        for field in fields {
            for term in terms(field).into_iter().chain(phone_term(field)) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&term);
            }
        }
        out
    }

    /// The terms a query must all match: the phone term for a phone-like query, else its words.
    pub fn query_terms(q: &str) -> Vec<String> {
        match phone_term(q) {
            Some(phone) => vec![phone],
            None => {
                let mut seen = HashSet::new();
                terms(q)
                    .into_iter()
                    .filter(|t| seen.insert(t.clone()))
                    .collect()
            }
        }
    }

    /// Loads jieba's dictionary now, so the first Chinese request does not pay for it.
    pub fn warm_up() {
        let _ = terms("退款 hoàn tiền");
    }

    /// A snippet of `text` around its first matching word, matches marked `<mark>…</mark>`;
    /// `None` when nothing matches.
    pub fn highlight(text: &str, wanted: &[String]) -> Option<String> {
        const CONTEXT_CHARS: usize = 60;
        let wanted: HashSet<&str> = wanted.iter().map(String::as_str).collect();
        let phone = phone_term(text);
        if phone.as_deref().is_some_and(|p| wanted.contains(p)) {
            return Some(format!("<mark>{text}</mark>"));
        }
        let matches: Vec<(usize, usize)> = text
            .tokenize()
            .filter(|t| t.is_word())
            .filter(|t| term(&t.lemma).is_some_and(|term| wanted.contains(term.as_str())))
            .map(|t| (t.byte_start, t.byte_end))
            // Offsets come from the tokenizer; never slice off a character boundary.
            .filter(|&(from, to)| {
                from < to && text.is_char_boundary(from) && text.is_char_boundary(to)
            })
            .collect();
        let &(first, _) = matches.first()?;
        let start = text[..first]
            .char_indices()
            .rev()
            .nth(CONTEXT_CHARS - 1)
            .map_or(0, |(i, _)| i);
        let last = matches.last().map_or(first, |m| m.1);
        let end_limit = text[last..]
            .char_indices()
            .nth(CONTEXT_CHARS)
            .map_or(text.len(), |(i, _)| last + i);
        let mut snippet = String::new();
        if start > 0 {
            snippet.push('…');
        }
        let mut at = start;
        for (from, to) in matches
            .into_iter()
            .filter(|(from, to)| *from >= start && *to <= end_limit)
        {
            snippet.push_str(&text[at..from]);
            snippet.push_str("<mark>");
            snippet.push_str(&text[from..to]);
            snippet.push_str("</mark>");
            at = to;
        }
        snippet.push_str(&text[at..end_limit]);
        if end_limit < text.len() {
            snippet.push('…');
        }
        Some(snippet)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn all_found(document: &str, query: &str) -> bool {
            let indexed: HashSet<String> = index_text([document])
                .split(' ')
                .map(str::to_owned)
                .collect();
            let wanted = query_terms(query);
            !wanted.is_empty() && wanted.iter().all(|t| indexed.contains(t))
        }

        #[test]
        fn vietnamese_with_or_without_diacritics() {
            assert!(all_found("Tôi muốn hoàn tiền cho hóa đơn này", "hoan tien"));
            assert!(all_found("Tôi muốn hoàn tiền cho hóa đơn này", "HÓA ĐƠN"));
            assert!(all_found("hoa don so 42", "hóa đơn"));
        }

        #[test]
        fn chinese_words_in_both_scripts() {
            assert!(all_found("我想申请退款，订单号是1042", "退款"));
            assert!(
                all_found("我想申請退款", "退款"),
                "traditional text, simplified query"
            );
            assert!(
                all_found("我想申请退款", "申請"),
                "simplified text, traditional query"
            );
        }

        #[test]
        fn arabic_english_and_phones() {
            assert!(all_found("أريد استرداد المبلغ من فضلك", "استرداد"));
            assert!(all_found("I would like a REFUND please", "refunds"));
            assert!(
                all_found("Call me on +84 90 123 4567", "+84 90 123 4567")
                    || all_found("+84 90 123 4567", "84901234567")
            );
            assert!(all_found("+84 90 123 4567", "+84901234567"));
            assert!(!all_found("hello world", "refund"));
        }

        #[test]
        fn highlights_mark_the_original_words() {
            let snippet = highlight(
                "Xin chào, tôi muốn hoàn tiền ngay",
                &query_terms("hoan tien"),
            )
            .unwrap();
            assert_eq!(
                snippet,
                "Xin chào, tôi muốn <mark>hoàn</mark> <mark>tiền</mark> ngay"
            );
            let long = format!("{} refund {}", "a ".repeat(100), "b ".repeat(100));
            let snippet = highlight(&long, &query_terms("refund")).unwrap();
            assert!(
                snippet.starts_with('…')
                    && snippet.ends_with('…')
                    && snippet.contains("<mark>refund</mark>")
            );
            assert!(highlight("nothing here", &query_terms("refund")).is_none());
        }
    }
}

/// What `cargo fuzz` would do for the text normaliser, on the stable toolchain: any text, in
/// any script, is folded, split into terms and highlighted without a panic, and folding is
/// stable (folding folded text changes nothing).
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::fold;
    use super::search::{highlight, index_text, query_terms, terms};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn any_text(text in any::<String>(), q in any::<String>()) {
            let folded = fold(&text);
            prop_assert_eq!(fold(&folded), folded);
            let _ = terms(&text);
            let _ = index_text([text.as_str(), q.as_str()]);
            let wanted = query_terms(&q);
            let _ = highlight(&text, &wanted);
        }
    }
}
