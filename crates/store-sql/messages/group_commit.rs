//! The group-commit writer: messages queued by concurrent senders share one transaction.

use crate::sql::prelude::*;

/// A message waiting for the group-commit writer, and who waits for its answer.
pub(crate) struct QueuedMessage {
    pub(crate) message: Message,
    pub(crate) event: EventMeta,
    pub(crate) words: String,
    pub(crate) after: Option<MessageId>,
    pub(crate) reply: tokio::sync::oneshot::Sender<Result<MessageWrite>>,
}

impl QueuedMessage {
    fn item(&self) -> NewMessage<'_> {
        NewMessage {
            message: &self.message,
            event: &self.event,
            words: &self.words,
            after: self.after,
        }
    }
}

/// What the group-commit writer has committed: transactions and the messages in them.
#[derive(Default)]
pub(crate) struct GroupTotals {
    pub(crate) groups: AtomicU64,
    pub(crate) messages: AtomicU64,
}

/// Most messages the group-commit writer puts in one transaction.
pub(crate) const GROUP_COMMIT_MAX: usize = 256;

/// Writes queued messages: whatever is waiting when the writer is free goes into one
/// transaction (group commit), so concurrent senders share a commit and its set-based writes
/// instead of queuing for the writer one transaction each. Ends when every store handle is
/// dropped.
pub(crate) async fn group_commit(
    writer: sqlx::Pool<Db>,
    wakeups: tokio::sync::broadcast::Sender<OrganizationId>,
    mut queue: tokio::sync::mpsc::Receiver<QueuedMessage>,
    totals: Arc<GroupTotals>,
) {
    let mut group = Vec::with_capacity(GROUP_COMMIT_MAX);
    while queue.recv_many(&mut group, GROUP_COMMIT_MAX).await > 0 {
        totals.groups.fetch_add(1, Ordering::Relaxed);
        totals
            .messages
            .fetch_add(group.len() as u64, Ordering::Relaxed);
        let items: Vec<NewMessage<'_>> = group.iter().map(|q| q.item()).collect();
        match commit_messages(&writer, &wakeups, &items).await {
            Ok(results) => {
                for (queued, result) in group.drain(..).zip(results) {
                    let _ = queued.reply.send(result);
                }
            }
            // A database error fails the whole group: each message then runs alone, so it
            // fails only the message that caused it.
            Err(error) if group.len() == 1 => {
                if let Some(queued) = group.pop() {
                    let _ = queued.reply.send(Err(error.into()));
                }
            }
            Err(_) => {
                for queued in group.drain(..) {
                    let result = commit_messages(&writer, &wakeups, &[queued.item()])
                        .await
                        .map_err(Error::from)
                        .and_then(|mut results| {
                            results
                                .pop()
                                .unwrap_or(Err(Error::NotFound("conversation")))
                        });
                    let _ = queued.reply.send(result);
                }
            }
        }
    }
}

pub(crate) async fn commit_messages(
    writer: &sqlx::Pool<Db>,
    wakeups: &tokio::sync::broadcast::Sender<OrganizationId>,
    items: &[NewMessage<'_>],
) -> StoreResult<Vec<Result<MessageWrite>>> {
    let mut tx = writer.begin().await?;
    let added = add_messages(&mut tx, items).await?;
    tx.commit().await?;
    wake_organizations(wakeups, &added.organizations);
    Ok(added.results)
}

/// Wakes the followers of each organization that got messages.
pub(crate) fn wake_organizations(
    wakeups: &tokio::sync::broadcast::Sender<OrganizationId>,
    organizations: &[Uuid],
) {
    for org in organizations {
        let _ = wakeups.send((*org).into());
    }
}
