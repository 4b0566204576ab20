//! Runs the timers (`convo_core::usecases::timers`) about once a second until shutdown, so a
//! snoozed conversation wakes within a second or two of its time.

use std::sync::Arc;
use std::time::Duration;

use convo_core::clock::SystemClock;
use convo_core::usecases::timers;
use convo_core::Store;
use tokio::sync::watch;

const TICK: Duration = Duration::from_secs(1);

pub fn spawn(store: Arc<dyn Store>, mut stopping: watch::Receiver<bool>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !*stopping.borrow() {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopping.changed() => break,
            }
            match timers::fire_due(store.as_ref(), &SystemClock).await {
                Ok(fired) if fired != timers::Fired::default() => {
                    tracing::info!(
                        woken = fired.woken,
                        resolved = fired.resolved,
                        "timers fired"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "could not fire timers"),
            }
        }
    });
}
