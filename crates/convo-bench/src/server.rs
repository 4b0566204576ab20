//! The server under test: `convo serve` in its own process, so its memory is its own.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use tokio::process::{Child, Command};

pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Starts `convo serve` on a free loopback port, its log (JSON lines) going to `log`,
    /// and waits until it listens.
    pub async fn start(binary: &Path, database: &str, log: &Path) -> anyhow::Result<Self> {
        let file = std::fs::File::create(log)?;
        let child = Command::new(binary)
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
            .arg("--database")
            .arg(database)
            // Uploaded files beside the log, apart for each backend.
            .arg("--storage")
            .arg(log.with_extension("files"))
            // A load generator is one key making thousands of requests a second.
            .env("CONVO_RATE_LIMIT", "0")
            .stdout(file.try_clone()?)
            .stderr(file)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut server = Server {
            child,
            base: String::new(),
        };
        for _ in 0..1200 {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            let address = text
                .lines()
                .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
                .find_map(|entry| entry["address"].as_str().map(str::to_owned));
            if let Some(address) = address {
                server.base = format!("http://{address}");
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                anyhow::bail!("the server exited ({status}); see {}", log.display());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!(
            "the server did not listen within 120 s; see {}",
            log.display()
        )
    }

    /// The most memory the server has held resident (`VmHWM`), in MiB.
    pub fn peak_rss_mib(&self) -> Option<f64> {
        memory_mib(self.child.id()?, "VmHWM:")
    }
}

/// A memory figure of `/proc/<pid>/status` (`VmRSS:` now, `VmHWM:` the peak), in MiB.
pub fn memory_mib(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

impl Server {
    /// The process id, for reading its memory while a scenario runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// SIGKILL: no shutdown, no flush; what was acknowledged must already be on disk.
    pub async fn kill(mut self) -> anyhow::Result<()> {
        self.child.kill().await?;
        Ok(())
    }
}
