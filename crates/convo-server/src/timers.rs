//! Runs the timers (`convo_core::usecases::timers`) about once a second until shutdown, so a
//! snoozed conversation wakes within a second or two of its time; and the file sweep.

use std::sync::Arc;
use std::time::Duration;

use convo_core::clock::SystemClock;
use convo_core::usecases::{attachments, timers};
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

/// How often the file sweep runs: unused uploads are due after a day, deleted messages'
/// files at once, so a minute is soon enough for both.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Removes stored files no message uses (`convo_core::usecases::attachments::sweep`) every
/// minute until shutdown.
pub fn spawn_file_sweep(
    store: Arc<dyn Store>,
    files: Arc<dyn convo_core::files::FileStorage>,
    metrics: Arc<crate::metrics::Metrics>,
    mut stopping: watch::Receiver<bool>,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !*stopping.borrow() {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopping.changed() => break,
            }
            match attachments::sweep(store.as_ref(), files.as_ref(), &SystemClock).await {
                Ok(swept) if swept != attachments::Swept::default() => {
                    metrics.files_removed.inc_by(swept.objects as u64);
                    tracing::info!(
                        attachments = swept.attachments,
                        objects = swept.objects,
                        "unused files removed"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "could not sweep stored files"),
            }
        }
    });
}
