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

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Nguyễn Đức Anh"), "nguyen duc anh");
        assert_eq!(fold("hoàn tiền"), fold("HOAN TIEN"));
        assert_eq!(fold("hóa đơn"), "hoa don");
        assert_eq!(fold("Ｒｅｆｕｎｄ"), "refund");
        assert_eq!(fold("退款"), "退款");
    }
}
