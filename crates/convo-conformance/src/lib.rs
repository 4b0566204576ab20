//! The store conformance suite: one story per store behaviour, run through the use cases
//! against every backend. A backend's `tests/conformance.rs` (a test binary without the
//! default harness) calls [`run`] with a function that opens a fresh store.
//!
//! Every story makes its own organizations, so stories run in parallel on one database.

mod fixture;
mod stories;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use convo_core::Store;
use libtest_mimic::{Arguments, Trial};

pub use fixture::{Fixture, Tenant};

/// A story's run on one store.
pub type StoryRun = Pin<Box<dyn Future<Output = ()>>>;

/// One story: its name (the test's) and how to run it on a store.
#[derive(Clone, Copy)]
pub struct Story {
    pub name: &'static str,
    pub run: fn(Arc<dyn Store>) -> StoryRun,
}

/// Every registered story, in file order.
pub fn all() -> Vec<Story> {
    stories::all()
}

/// Runs every story as a test of its own (with the usual test-harness arguments: filters,
/// `--list`, `--test-threads`), each on a fresh Tokio runtime and a store from `open`. With
/// `available` false (no database for this backend) every story is reported ignored.
pub fn run<F, Fut, G>(available: bool, open: F) -> !
where
    F: Fn() -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = (Arc<dyn Store>, G)>,
    G: 'static,
{
    let args = Arguments::from_args();
    let trials = all()
        .into_iter()
        .map(|story| {
            Trial::test(story.name, move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .map_err(|e| format!("runtime: {e}"))?;
                runtime.block_on(async {
                    let (store, _guard) = open().await;
                    (story.run)(store).await;
                });
                Ok(())
            })
            .with_ignored_flag(!available)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit()
}
