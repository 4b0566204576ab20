//! Paging: `limit` with a keyset `cursor` (the default, stable under concurrent inserts), or
//! `skip`, or `page_num`/`page` + `page_size` (offsets, documented as slower on deep pages).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use convo_types::{List, Timestamp};
use uuid::Uuid;

use crate::{Error, Result};

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;
/// The last page number: offsets are signed 64-bit numbers, so no page of at most
/// [`MAX_LIMIT`] rows starts past them.
pub const MAX_PAGE_NUM: i64 = i64::MAX / MAX_LIMIT as i64;

/// The paging parameters as a client sends them, before validation.
#[derive(Debug, Clone, Default)]
pub struct PagingParams {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub skip: Option<i64>,
    pub page_num: Option<i64>,
    pub page_size: Option<i64>,
    pub include_total: bool,
}

/// Where a page starts: after a keyset position, or at an offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStart<K> {
    After(Option<K>),
    Offset(u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest<K> {
    pub limit: u32,
    pub start: PageStart<K>,
    pub include_total: bool,
}

/// A keyset position: the sort value and the id that breaks ties.
pub trait CursorKey: Sized {
    fn encode(&self) -> String;
    fn decode(text: &str) -> Option<Self>;
}

/// Directory lists are ordered by id (UUIDv7, so by creation).
impl CursorKey for Uuid {
    fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.as_bytes())
    }
    fn decode(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        Uuid::from_slice(&bytes).ok()
    }
}

/// Conversations are ordered by `(timestamp, id)`, or by `(rank, timestamp, id)` when a rank
/// (the priority) leads the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeKey {
    pub rank: Option<i64>,
    pub at: Timestamp,
    pub id: Uuid,
}

impl CursorKey for TimeKey {
    fn encode(&self) -> String {
        let mut bytes = self.at.as_millis().to_be_bytes().to_vec();
        bytes.extend_from_slice(self.id.as_bytes());
        if let Some(rank) = self.rank {
            bytes.extend_from_slice(&rank.to_be_bytes());
        }
        URL_SAFE_NO_PAD.encode(bytes)
    }
    fn decode(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        let rank = match bytes.len() {
            24 => None,
            32 => Some(i64::from_be_bytes(bytes[24..].try_into().ok()?)),
            _ => return None,
        };
        let millis = i64::from_be_bytes(bytes[..8].try_into().ok()?);
        Some(TimeKey {
            rank,
            at: Timestamp::from_millis(millis),
            id: Uuid::from_slice(&bytes[8..24]).ok()?,
        })
    }
}

impl PagingParams {
    pub fn into_request<K: CursorKey>(self) -> Result<PageRequest<K>> {
        let limit_field = if self.page_size.is_some() {
            "page_size"
        } else {
            "limit"
        };
        let limit = match self.page_size.or(self.limit) {
            None => DEFAULT_LIMIT,
            Some(n) if (1..=i64::from(MAX_LIMIT)).contains(&n) => n as u32,
            Some(_) => {
                return Err(Error::invalid(
                    limit_field,
                    format!("must be between 1 and {MAX_LIMIT}"),
                ))
            }
        };
        let styles = [
            self.cursor.is_some(),
            self.skip.is_some(),
            self.page_num.is_some(),
        ];
        if styles.iter().filter(|used| **used).count() > 1 {
            return Err(Error::invalid(
                "cursor",
                "use one paging style: cursor, skip, or page_num/page",
            ));
        }
        let start = if let Some(cursor) = self.cursor.filter(|c| !c.is_empty()) {
            let key = K::decode(&cursor)
                .ok_or_else(|| Error::invalid("cursor", "is not a cursor this list gave out"))?;
            PageStart::After(Some(key))
        } else if let Some(skip) = self.skip {
            if skip < 0 {
                return Err(Error::invalid("skip", "must not be negative"));
            }
            PageStart::Offset(skip as u64)
        } else if let Some(page) = self.page_num {
            if !(1..=MAX_PAGE_NUM).contains(&page) {
                return Err(Error::invalid(
                    "page_num",
                    format!("pages are numbered from 1 to {MAX_PAGE_NUM}"),
                ));
            }
            PageStart::Offset((page as u64 - 1) * u64::from(limit))
        } else {
            PageStart::After(None)
        };
        Ok(PageRequest {
            limit,
            start,
            include_total: self.include_total,
        })
    }
}

/// What a store answers for a page: up to `limit + 1` rows (the extra one tells there is
/// more) and the total when it was asked for.
#[derive(Debug, Clone)]
pub struct Rows<T> {
    pub items: Vec<T>,
    pub total: Option<u64>,
}

impl<T> Rows<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Rows<U> {
        Rows {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
        }
    }

    /// Trims the look-ahead row and makes the cursor of the next page.
    pub fn into_list<K: CursorKey>(mut self, limit: u32, key: impl Fn(&T) -> K) -> List<T> {
        let has_more = self.items.len() > limit as usize;
        self.items.truncate(limit as usize);
        let next_cursor = if has_more {
            self.items.last().map(|last| key(last).encode())
        } else {
            None
        };
        List::new(self.items, has_more, next_cursor, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let key = TimeKey {
            rank: None,
            at: Timestamp::from_millis(1_763_000_000_123),
            id: Uuid::now_v7(),
        };
        assert_eq!(TimeKey::decode(&key.encode()), Some(key));
        let ranked = TimeKey {
            rank: Some(4),
            ..key
        };
        assert_eq!(TimeKey::decode(&ranked.encode()), Some(ranked));
        assert_eq!(TimeKey::decode("not-a-cursor"), None);
        let id = Uuid::now_v7();
        assert_eq!(Uuid::decode(&id.encode()), Some(id));
    }

    #[test]
    fn paging_styles_are_validated() {
        let page: PageRequest<Uuid> = PagingParams {
            page_num: Some(3),
            page_size: Some(10),
            ..Default::default()
        }
        .into_request()
        .unwrap();
        assert_eq!(page.start, PageStart::Offset(20));
        assert_eq!(page.limit, 10);
        let too_big = PagingParams {
            limit: Some(101),
            ..Default::default()
        };
        assert!(too_big.into_request::<Uuid>().is_err());
        let both = PagingParams {
            skip: Some(1),
            cursor: Some("x".into()),
            ..Default::default()
        };
        assert!(both.into_request::<Uuid>().is_err());
        let past_every_offset = PagingParams {
            page_num: Some(i64::MAX),
            ..Default::default()
        };
        assert!(past_every_offset.into_request::<Uuid>().is_err());
    }
}
