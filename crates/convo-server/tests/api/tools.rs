//! Real servers the tests start beside convo: an SMTP server (PyPI's `aiosmtpd`) and an OpenID
//! provider (npm's `oidc-provider`). What they need is installed once into `target/test-tools`
//! from the package registries, unless `CONVO_TEST_PYTHON` names a Python that has it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

/// The workspace's `target/test-tools`.
fn tools_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    target.join("test-tools")
}

fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A Python that can `import aiosmtpd`.
pub fn python_with_aiosmtpd() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            if let Some(python) = std::env::var_os("CONVO_TEST_PYTHON") {
                return PathBuf::from(python);
            }
            let venv = tools_dir().join("venv");
            let python = venv.join("bin/python");
            let has = |python: &Path| {
                Command::new(python)
                    .args(["-c", "import aiosmtpd"])
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            };
            if !has(&python) {
                run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
                run(Command::new(&python).args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "aiosmtpd==1.4.6",
                ]));
            }
            python
        })
        .clone()
}

/// A process ended when dropped.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free port on the loopback address.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something listens on `port` (at most 20 s).
pub async fn wait_for_port(port: u16) {
    for _ in 0..400 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("nothing listens on port {port}");
}

/// An SMTP server that keeps every message it receives in a Maildir.
pub struct SmtpServer {
    pub url: String,
    maildir: PathBuf,
    _process: Running,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    pub async fn start() -> Self {
        let python = python_with_aiosmtpd();
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let port = free_port();
        let process = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        let process = Running(process);
        wait_for_port(port).await;
        SmtpServer {
            url: format!("smtp://127.0.0.1:{port}"),
            maildir,
            _process: process,
            _dir: dir,
        }
    }

    /// Every message received so far, raw.
    pub fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect()
    }

    /// Waits for the `count`th message (at most 10 s).
    pub async fn wait_for(&self, count: usize) -> Vec<String> {
        for _ in 0..200 {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{count} messages did not arrive: {:?}", self.messages());
    }
}

/// An OpenID provider (npm's `oidc-provider`, `tests/oidc/provider.mjs`) on `port`, with one
/// client whose redirect URI is `redirect_uri`.
pub struct OidcProvider {
    pub issuer: String,
    _process: Running,
}

impl OidcProvider {
    pub async fn start(port: u16, redirect_uri: &str) -> Self {
        let dir = oidc_provider_dir();
        let process = Command::new("node")
            .arg(dir.join("provider.mjs"))
            .env("PORT", port.to_string())
            .env("REDIRECT_URI", redirect_uri)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start node (Node.js is needed for the single sign-on test)");
        let process = Running(process);
        wait_for_port(port).await;
        OidcProvider {
            issuer: format!("http://127.0.0.1:{port}"),
            _process: process,
        }
    }

    /// Who signs in at the provider next.
    pub async fn next(&self, who: &str) {
        reqwest::get(format!("{}/test/next/{who}", self.issuer))
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
    }
}

/// `tests/oidc` copied into `target/test-tools/oidc`, its packages installed with `npm ci`
/// (from its lock file) once.
fn oidc_provider_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
        let dir = tools_dir().join("oidc");
        std::fs::create_dir_all(&dir).unwrap();
        let mut changed = false;
        for file in ["package.json", "package-lock.json", "provider.mjs"] {
            let text = std::fs::read(source.join(file)).unwrap();
            if std::fs::read(dir.join(file)).ok().as_ref() != Some(&text) {
                std::fs::write(dir.join(file), text).unwrap();
                changed = true;
            }
        }
        if changed || !dir.join("node_modules/oidc-provider").exists() {
            run(Command::new("npm")
                .args(["ci", "--silent", "--no-audit", "--no-fund"])
                .current_dir(&dir));
        }
        dir
    })
    .clone()
}
