//! `convo-bench`: builds data sets through the store (not HTTP, so loading is quick) and
//! measures the server over HTTP on loopback. Latencies are reported, never asserted.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand};
use convo_core::auth::Principal;
use convo_core::usecases::{conversations, directory, organizations, team};
use convo_core::Store;
use convo_server::{launch, open_store, Settings};
use convo_types::{
    ApiKeyId, ChannelType, CreateChannel, CreateConversation, CreateOrganization, CreateUser,
    OrganizationId, Scope, Status, UserId,
};
use rand::{Rng, SeedableRng};
use serde::Serialize;
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(
    name = "convo-bench",
    about = "Benchmarks for convo (a load generator and a report)."
)]
struct Cli {
    /// Database URL; a fresh SQLite file in a temporary folder when omitted.
    #[arg(long, env = "CONVO_BENCH_DATABASE_URL")]
    database: Option<String>,
    /// Where to write the JSON report.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// `GET /v1/conversations/views/count` at several organization sizes.
    ViewsCount {
        /// Conversations in the organization, one run per size.
        #[arg(long, value_delimiter = ',', default_value = "1000,100000")]
        sizes: Vec<usize>,
        /// Requests measured per size and filter (after 50 to warm up).
        #[arg(long, default_value_t = 2000)]
        requests: usize,
    },
    /// Message ingest (through the store, indexing included) and
    /// `GET /v1/conversations/search` in four languages.
    Search {
        #[arg(long, default_value_t = 100_000)]
        conversations: usize,
        #[arg(long, default_value_t = 1_000_000)]
        messages: usize,
        /// Requests measured per query.
        #[arg(long, default_value_t = 300)]
        requests: usize,
    },
}

/// Messages of the search data set: four languages, a few shared topics and a long tail of
/// rarer words, so queries range from common to selective.
const TEMPLATES: [(&str, &[&str]); 4] = [
    (
        "vi",
        &[
            "Tôi muốn hoàn tiền cho đơn hàng",
            "Hóa đơn tháng này bị sai",
            "Giao hàng chậm quá",
            "Cảm ơn bạn đã hỗ trợ",
            "Tôi cần đổi mật khẩu",
        ],
    ),
    (
        "zh",
        &[
            "我想申请退款",
            "发票有问题",
            "快递太慢了",
            "谢谢你的帮助",
            "我需要修改密码",
        ],
    ),
    (
        "ar",
        &[
            "أريد استرداد المبلغ",
            "الفاتورة غير صحيحة",
            "التوصيل بطيء جدا",
            "شكرا على المساعدة",
            "أحتاج إلى تغيير كلمة المرور",
        ],
    ),
    (
        "en",
        &[
            "I would like a refund for my order",
            "My invoice is wrong this month",
            "The delivery is very late",
            "Thanks for your help",
            "I need to reset my password",
        ],
    ),
];

fn message_text(rng: &mut impl Rng, n: usize) -> String {
    let (_, sentences) = TEMPLATES[n % TEMPLATES.len()];
    let sentence = sentences[rng.gen_range(0..sentences.len())];
    format!(
        "{sentence} #{} ref{}",
        rng.gen_range(1000..100_000),
        rng.gen_range(0..5000)
    )
}

#[derive(Debug, Serialize)]
struct Measured {
    scenario: String,
    backend: String,
    conversations: usize,
    requests: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    per_second: f64,
}

fn summarise(
    scenario: &str,
    backend: &str,
    conversations: usize,
    mut samples: Vec<Duration>,
    elapsed: Duration,
) -> Measured {
    samples.sort();
    let at = |q: f64| {
        samples[((samples.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0
    };
    Measured {
        scenario: scenario.to_owned(),
        backend: backend.to_owned(),
        conversations,
        requests: samples.len(),
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: at(1.0),
        per_second: samples.len() as f64 / elapsed.as_secs_f64(),
    }
}

/// A new organization filled with `size` conversations: statuses, members and channels mixed
/// the way an inbox is.
async fn load_organization(
    store: Arc<dyn Store>,
    size: usize,
) -> anyhow::Result<(Principal, String)> {
    let platform = Principal {
        organization_id: OrganizationId::new(),
        api_key_id: ApiKeyId::new(),
        user_id: UserId::new(),
        scopes: vec![Scope::Platform],
        business_unit_ids: vec![],
    };
    let created = organizations::create(
        store.as_ref(),
        &platform,
        CreateOrganization {
            name: format!("bench {size}"),
        },
    )
    .await?;
    let admin = Principal::from(&created.admin_key);
    let secret = created.admin_key.secret.clone().context("admin secret")?;
    let mut channels = Vec::new();
    for (i, kind) in [ChannelType::Web, ChannelType::Sms, ChannelType::Line]
        .into_iter()
        .enumerate()
    {
        let req = CreateChannel {
            business_unit_id: None,
            channel_type: kind,
            identifier: format!("bench-{i}"),
            name: None,
            metadata: None,
        };
        channels.push(
            directory::create_channel(store.as_ref(), &admin, req)
                .await?
                .id,
        );
    }
    let agent = directory::create_user(
        store.as_ref(),
        &admin,
        CreateUser {
            name: "Agent".into(),
            ..Default::default()
        },
    )
    .await?
    .id;
    let workers = 4;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..workers {
        let (store, admin, channels) = (store.clone(), admin.clone(), channels.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(worker as u64);
            let statuses = [
                Status::Open,
                Status::Open,
                Status::Pending,
                Status::Snoozed,
                Status::Resolved,
                Status::Closed,
            ];
            for i in (worker..size).step_by(workers) {
                let members = match rng.gen_range(0..3) {
                    0 => vec![],
                    1 => vec![admin.user_id],
                    _ => vec![agent],
                };
                let req = CreateConversation {
                    name: Some(format!("conversation {i}")),
                    status: Some(statuses[rng.gen_range(0..statuses.len())]),
                    channel_id: Some(channels[rng.gen_range(0..channels.len())]),
                    member_ids: Some(members),
                    ..Default::default()
                };
                conversations::create(store.as_ref(), &admin, req).await?;
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let counts = team::views_count(store.as_ref(), &admin, Default::default()).await?;
    anyhow::ensure!(
        counts.all == size as i64,
        "loaded {} conversations, expected {size}",
        counts.all
    );
    eprintln!(
        "loaded {size} conversations in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok((admin, secret))
}

async fn measure(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    requests: usize,
) -> anyhow::Result<(Vec<Duration>, Duration)> {
    for _ in 0..50 {
        http.get(url)
            .bearer_auth(key)
            .send()
            .await?
            .error_for_status()?;
    }
    let mut samples = Vec::with_capacity(requests);
    let started = Instant::now();
    for _ in 0..requests {
        let sent = Instant::now();
        let response = http
            .get(url)
            .bearer_auth(key)
            .send()
            .await?
            .error_for_status()?;
        response.bytes().await?;
        samples.push(sent.elapsed());
    }
    Ok((samples, started.elapsed()))
}

async fn views_count(
    database: &str,
    sizes: &[usize],
    requests: usize,
) -> anyhow::Result<Vec<Measured>> {
    let settings = Settings::new(database);
    let backend = if settings.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let store = open_store(&settings).await?;
    let mut loaded = Vec::new();
    for &size in sizes {
        loaded.push((size, load_organization(store.clone(), size).await?));
    }
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(launch(settings, listener, async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();
    let mut results = Vec::new();
    for (size, (admin, secret)) in loaded {
        let unit = store.default_business_unit(admin.organization_id).await?.id;
        for (name, query) in [
            ("views count", String::new()),
            (
                "views count, status and unit filtered",
                format!("?statuses=open,pending&business_unit_id={unit}"),
            ),
        ] {
            let url = format!("{base}/v1/conversations/views/count{query}");
            let (samples, elapsed) = measure(&http, &url, &secret, requests).await?;
            let result = summarise(name, backend, size, samples, elapsed);
            eprintln!("{result:?}");
            results.push(result);
        }
    }
    let _ = stop.send(());
    server.await??;
    Ok(results)
}

async fn search(
    database: &str,
    conversations_count: usize,
    messages_count: usize,
    requests: usize,
) -> anyhow::Result<Vec<Measured>> {
    let settings = Settings::new(database);
    let backend = if settings.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let store = open_store(&settings).await?;
    let (admin, secret) = load_organization(store.clone(), conversations_count).await?;
    let page = convo_core::paging::PagingParams {
        limit: Some(100),
        ..Default::default()
    };
    let mut ids = Vec::with_capacity(conversations_count);
    let mut cursor = None;
    loop {
        let list = conversations::list(
            store.as_ref(),
            &admin,
            Default::default(),
            convo_core::paging::PagingParams {
                cursor: cursor.clone(),
                ..page.clone()
            },
        )
        .await?;
        ids.extend(list.data.iter().map(|c| c.id));
        match list.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let ids = Arc::new(ids);
    // Four writers, each adding its messages 500 to a transaction (`messages::create_many`):
    // every message validated, indexed and evented as one sent alone would be.
    let workers = 4;
    let batch = 500;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..workers {
        let (store, admin, ids) = (store.clone(), admin.clone(), ids.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(1000 + worker as u64);
            let mine: Vec<usize> = (worker..messages_count).step_by(workers).collect();
            for chunk in mine.chunks(batch) {
                let items = chunk
                    .iter()
                    .map(|&n| {
                        let req = convo_types::CreateMessage {
                            content: message_text(&mut rng, n),
                            message_type: Some(convo_types::MessageType::Incoming),
                            ..Default::default()
                        };
                        (ids[n % ids.len()], req)
                    })
                    .collect();
                convo_core::usecases::messages::create_many(store.as_ref(), &admin, items).await?;
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let elapsed = started.elapsed();
    let rate = messages_count as f64 / elapsed.as_secs_f64();
    eprintln!(
        "ingested {messages_count} messages in {:.1}s: {rate:.0} messages/s",
        elapsed.as_secs_f64()
    );
    let mut results = vec![Measured {
        scenario: "message ingest (store, 4 writers, 500 per transaction, indexing included)"
            .into(),
        backend: backend.into(),
        conversations: conversations_count,
        requests: messages_count,
        p50_ms: 0.0,
        p99_ms: 0.0,
        max_ms: 0.0,
        per_second: rate,
    }];
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(launch(settings, listener, async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();
    for (language, q) in [
        ("vi", "hoàn tiền"),
        ("vi, no diacritics", "hoan tien"),
        ("zh", "退款"),
        ("ar", "استرداد"),
        ("en", "refund"),
        ("en, rare", "ref4242"),
    ] {
        let url = reqwest::Url::parse_with_params(
            &format!("{base}/v1/conversations/search"),
            &[("q", q), ("limit", "20")],
        )?;
        let (samples, elapsed) = measure(&http, url.as_str(), &secret, requests).await?;
        let result = summarise(
            &format!("search {language}"),
            backend,
            conversations_count,
            samples,
            elapsed,
        );
        eprintln!("{result:?}");
        results.push(result);
    }
    let _ = stop.send(());
    server.await??;
    Ok(results)
}

fn report(results: &[Measured]) -> String {
    let mut out = String::from("| scenario | backend | conversations | requests | p50 ms | p99 ms | max ms | req/s |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
    for r in results {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {:.3} | {:.3} | {:.3} | {:.0} |\n",
            r.scenario,
            r.backend,
            r.conversations,
            r.requests,
            r.p50_ms,
            r.p99_ms,
            r.max_ms,
            r.per_second
        ));
    }
    out
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let scratch = tempfile::tempdir()?;
    let database = match cli.database {
        Some(url) => url,
        None => scratch
            .path()
            .join("bench.db")
            .to_string_lossy()
            .into_owned(),
    };
    let (name, results) = match cli.scenario {
        Scenario::ViewsCount { sizes, requests } => (
            "views-count",
            views_count(&database, &sizes, requests).await?,
        ),
        Scenario::Search {
            conversations,
            messages,
            requests,
        } => (
            "search",
            search(&database, conversations, messages, requests).await?,
        ),
    };
    std::fs::create_dir_all(&cli.out)?;
    let json = cli.out.join(format!("{name}.json"));
    std::fs::write(&json, serde_json::to_vec_pretty(&results)?)?;
    println!("{}", report(&results));
    eprintln!("wrote {}", json.display());
    Ok(())
}
