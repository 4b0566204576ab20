//! Searches lately found in many documents: they go straight to ranking the newest matches.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use hashlink::LruCache;

/// How long a search found in many documents skips the look-up of every match. A common word
/// stays common (messages are seldom deleted): the limit only lets a search that stopped
/// being asked make room, and one that became rare be looked up again.
const REMEMBERED_FOR: Duration = Duration::from_secs(600);

/// Searches remembered at most; the least recently asked are forgotten first.
const REMEMBERED: usize = 4_096;

/// The match expressions of searches lately found in many documents, with when they were.
pub(crate) struct CommonQueries(Mutex<LruCache<String, Instant>>);

impl Default for CommonQueries {
    fn default() -> Self {
        Self(Mutex::new(LruCache::new(REMEMBERED)))
    }
}

impl CommonQueries {
    /// Whether `query` was found in many documents within the last `REMEMBERED_FOR`.
    pub(crate) fn contains(&self, query: &str) -> bool {
        let mut recent = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match recent.get(query) {
            Some(found) if found.elapsed() < REMEMBERED_FOR => true,
            Some(_) => {
                recent.remove(query);
                false
            }
            None => false,
        }
    }

    pub(crate) fn remember(&self, query: String) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(query, Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_most_recently_asked_searches() {
        let common = CommonQueries::default();
        assert!(!common.contains("refund"));
        common.remember("refund".into());
        assert!(common.contains("refund"));
        for n in 0..REMEMBERED {
            common.remember(format!("word{n}"));
        }
        assert!(
            !common.contains("refund"),
            "the least recently asked is forgotten"
        );
        assert!(common.contains(&format!("word{}", REMEMBERED - 1)));
    }
}
