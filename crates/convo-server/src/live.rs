//! This node's share of what is live: who has a stream open here (their presence, said to
//! the database every few seconds, so a node that dies takes its people offline within a
//! minute), and the board of who types in and views each conversation, fed by every node's
//! signals.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use convo_core::live::{ActivityBoard, PRESENCE_HEARTBEAT_MS, PRESENCE_STALE_MS};
use convo_core::usecases::presence;
use convo_core::Store;
use convo_types::{OrganizationId, Timestamp, UserId};
use tokio::sync::{broadcast, watch};

/// How often the sweep looks for people whose streams went quiet on every node.
const SWEEP_EVERY: Duration = Duration::from_secs(10);
/// Most people one sweep takes offline (the next sweep takes the rest).
const SWEEP_LIMIT: i64 = 500;

#[derive(Default)]
pub struct Live {
    /// Who types in and views each conversation now, as heard from every node.
    pub board: ActivityBoard,
    /// Streams open on this node, per person.
    connected: Mutex<HashMap<(OrganizationId, UserId), usize>>,
}

/// A stream's presence: counted while it lives.
pub struct Connection {
    live: Arc<Live>,
    person: (OrganizationId, UserId),
}

impl Drop for Connection {
    fn drop(&mut self) {
        let mut connected = self.live.lock();
        if let Some(count) = connected.get_mut(&self.person) {
            *count -= 1;
            if *count == 0 {
                connected.remove(&self.person);
            }
        }
    }
}

impl Live {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(OrganizationId, UserId), usize>> {
        self.connected
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts a stream of this person; the first one makes them present at once.
    pub fn connect(
        self: &Arc<Self>,
        store: &Arc<dyn Store>,
        org: OrganizationId,
        user: UserId,
    ) -> Connection {
        let first = {
            let mut connected = self.lock();
            let count = connected.entry((org, user)).or_default();
            *count += 1;
            *count == 1
        };
        if first {
            let store = store.clone();
            tokio::spawn(async move { heartbeat(store.as_ref(), &[(org, user)]).await });
        }
        Connection {
            live: self.clone(),
            person: (org, user),
        }
    }

    fn people(&self) -> Vec<(OrganizationId, UserId)> {
        self.lock().keys().copied().collect()
    }
}

async fn heartbeat(store: &dyn Store, people: &[(OrganizationId, UserId)]) {
    if people.is_empty() {
        return;
    }
    let changed = store.heartbeat_presence(people, Timestamp::now()).await;
    let announced = match changed {
        Ok(changed) => presence::announce(store, &changed).await,
        Err(error) => Err(error),
    };
    if let Err(error) = announced {
        tracing::warn!(%error, "could not record who is connected");
    }
}

async fn sweep(store: &dyn Store) {
    let stale_before = Timestamp::from_millis(Timestamp::now().as_millis() - PRESENCE_STALE_MS);
    let gone = store.expire_presence(stale_before, SWEEP_LIMIT).await;
    let announced = match gone {
        Ok(gone) => presence::announce(store, &gone).await,
        Err(error) => Err(error),
    };
    if let Err(error) = announced {
        tracing::warn!(%error, "could not take quiet people offline");
    }
}

/// Feeds the board from every node's signals, says who is connected here, and takes people
/// offline whose streams went quiet everywhere.
pub fn spawn(store: Arc<dyn Store>, live: Arc<Live>, mut stopping: watch::Receiver<bool>) {
    let mut signals = store.signals();
    let board = live.clone();
    let mut stop_board = stopping.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                heard = signals.recv() => match heard {
                    Ok(broadcast) => board.board.record(&broadcast),
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = stop_board.changed() => return,
            }
        }
    });
    tokio::spawn(async move {
        let every = Duration::from_millis(PRESENCE_HEARTBEAT_MS as u64);
        let mut beat = tokio::time::interval(every);
        let mut sweeps = tokio::time::interval(SWEEP_EVERY);
        for tick in [&mut beat, &mut sweeps] {
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        }
        while !*stopping.borrow() {
            tokio::select! {
                _ = beat.tick() => heartbeat(store.as_ref(), &live.people()).await,
                _ = sweeps.tick() => sweep(store.as_ref()).await,
                _ = stopping.changed() => break,
            }
        }
    });
}
