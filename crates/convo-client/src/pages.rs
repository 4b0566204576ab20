//! Walking every page of a list.

use convo_types::List;

use crate::Result;

type PageFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<List<T>>> + Send + 'a>>;

/// Walks every page of a list, one request per page, following `next_cursor`.
///
/// ```no_run
/// # async fn run(client: convo_client::Client) -> Result<(), convo_client::Error> {
/// use convo_client::{ConversationFilters, Page};
/// let filters = ConversationFilters::statuses(&[convo_types::Status::Open]);
/// let mut pages = client.conversations().pages(&filters, 100);
/// while let Some(page) = pages.next_page().await? {
///     for conversation in page {
///         println!("{} {}", conversation.id, conversation.name);
///     }
/// }
/// # Ok(()) }
/// ```
pub struct Pages<'a, T> {
    fetch: Box<dyn Fn(Option<String>) -> PageFuture<'a, T> + Send + 'a>,
    cursor: Option<String>,
    done: bool,
}

impl<'a, T> Pages<'a, T> {
    pub fn new(fetch: impl Fn(Option<String>) -> PageFuture<'a, T> + Send + 'a) -> Self {
        Pages {
            fetch: Box::new(fetch),
            cursor: None,
            done: false,
        }
    }

    /// The next page, or `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>> {
        if self.done {
            return Ok(None);
        }
        let page = (self.fetch)(self.cursor.take()).await?;
        self.cursor = page.next_cursor;
        self.done = self.cursor.is_none();
        Ok(Some(page.data))
    }

    /// Every item of every page.
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await? {
            all.extend(page);
        }
        Ok(all)
    }
}
