//! Uploads: the throughput of 1 MiB files with 8 clients, and the server's memory while
//! 25 MiB files stream in (a streamed upload must not hold a file in memory).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;

use crate::load::{Call, Pick};
use crate::scenarios::{Bench, Row};
use crate::server::memory_mib;

const MIB: usize = 1024 * 1024;

/// Files of `size` bytes, each different (its first bytes random), so that none is stored
/// once for another.
fn files(size: usize) -> Pick {
    let template = Arc::new(vec![b'x'; size]);
    Arc::new(move |rng| {
        let mut bytes = template.as_ref().clone();
        rng.fill(&mut bytes[..32]);
        Call::Upload("/v1/attachments?filename=bench.bin".into(), bytes)
    })
}

impl Bench {
    pub async fn uploads(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        let name = "upload 1 MiB files";
        if let Some((mut row, _)) = self.measure(&self.large, name, 8, files(MIB), false).await {
            row.check = Some(format!(
                "{:.0} MB/s",
                row.figures.per_second * MIB as f64 / 1e6
            ));
            rows.push(row);
        }
        let name = "upload 25 MiB files";
        if !self.wanted(name) {
            return rows;
        }
        // The server's resident memory, sampled every 20 ms while the uploads run.
        let pid = self.server_pid;
        let before = pid.and_then(|pid| memory_mib(pid, "VmRSS:"));
        let peak = Arc::new(AtomicU64::new(0));
        let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let sampler = {
            let (peak, sampling) = (peak.clone(), sampling.clone());
            tokio::spawn(async move {
                while sampling.load(Ordering::Relaxed) {
                    if let Some(now) = pid.and_then(|pid| memory_mib(pid, "VmRSS:")) {
                        peak.fetch_max((now * 1024.0) as u64, Ordering::Relaxed);
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        };
        let measured = self
            .measure(&self.large, name, 4, files(25 * MIB), false)
            .await;
        sampling.store(false, Ordering::Relaxed);
        let _ = sampler.await;
        if let Some((mut row, _)) = measured {
            let peak = peak.load(Ordering::Relaxed) as f64 / 1024.0;
            row.check = Some(match before {
                Some(before) => format!(
                    "{:.0} MB/s; resident memory {before:.0} MiB before, at most {peak:.0} MiB \
                     while 4 uploads of 25 MiB stream in (+{:.0} MiB)",
                    row.figures.per_second * 25.0 * MIB as f64 / 1e6,
                    peak - before
                ),
                None => "memory not readable on this system".into(),
            });
            rows.push(row);
        }
        rows
    }
}
