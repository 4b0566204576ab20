//! Data sets, built through the store and the same use cases as the API (validation,
//! counters, search indexing and events included) but without HTTP, so loading is quick.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use convo_core::auth::Principal;
use convo_core::usecases::{conversations, directory, messages, organizations};
use convo_core::Store;
use convo_types::{
    ChannelType, ConversationId, CreateChannel, CreateConversation, CreateMessage,
    CreateOrganization, CreateUser, MessageType, Status,
};
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Messages in four languages: a few shared topics and a long tail of rarer words, so
/// queries range from common to selective.
const TEMPLATES: [&[&str]; 4] = [
    &[
        "Tôi muốn hoàn tiền cho đơn hàng",
        "Hóa đơn tháng này bị sai",
        "Giao hàng chậm quá",
        "Cảm ơn bạn đã hỗ trợ",
        "Tôi cần đổi mật khẩu",
    ],
    &[
        "我想申请退款",
        "发票有问题",
        "快递太慢了",
        "谢谢你的帮助",
        "我需要修改密码",
    ],
    &[
        "أريد استرداد المبلغ",
        "الفاتورة غير صحيحة",
        "التوصيل بطيء جدا",
        "شكرا على المساعدة",
        "أحتاج إلى تغيير كلمة المرور",
    ],
    &[
        "I would like a refund for my order",
        "My invoice is wrong this month",
        "The delivery is very late",
        "Thanks for your help",
        "I need to reset my password",
    ],
];

/// The queries measured: each language, Vietnamese without its diacritics, and a rare word.
pub const QUERIES: [(&str, &str); 6] = [
    ("vi", "hoàn tiền"),
    ("vi, no diacritics", "hoan tien"),
    ("zh", "退款"),
    ("ar", "استرداد"),
    ("en", "refund"),
    ("en, rare word", "ref4242"),
];

/// A word in no message of the data set, and one in exactly one (message `count / 2`): a
/// search for either costs index look-ups only, whatever the data set's size.
pub const NO_MATCH: &str = "qzxvjk";
pub const ONE_MATCH: &str = "needle31337";

/// Message `n` of a data set (its language is `n % 4`).
pub fn message_text(rng: &mut impl Rng, n: usize) -> String {
    let sentences = TEMPLATES[n % TEMPLATES.len()];
    let sentence = sentences[rng.gen_range(0..sentences.len())];
    format!(
        "{sentence} #{} ref{}",
        rng.gen_range(1000..100_000),
        rng.gen_range(0..5000)
    )
}

/// Brings a freshly loaded PostgreSQL database to the state autovacuum keeps it in (fresh
/// planner statistics, no dead index entries), so plans are made from what is there: with
/// autovacuum off, as it is on some machines, a bulk load otherwise plans from an empty table.
/// SQLite needs nothing: its writer refreshes statistics when it connects.
pub async fn settle(url: &str) -> anyhow::Result<()> {
    if url.starts_with("postgres") {
        use sqlx::Connection;
        let started = Instant::now();
        let mut conn = sqlx::PgConnection::connect(url).await?;
        sqlx::raw_sql("VACUUM ANALYZE").execute(&mut conn).await?;
        eprintln!("VACUUM ANALYZE in {:.1}s", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// What a run needs to measure a loaded data set again (`--reuse`).
#[derive(Serialize, Deserialize)]
pub struct Manifest {
    pub database: String,
    pub conversations: usize,
    pub small_conversations: usize,
    pub messages: usize,
    pub store_ingest_per_second: f64,
    pub small_secret: String,
    pub large_secret: String,
    pub conversation_ids: Vec<ConversationId>,
}

/// An organization filled for a benchmark.
pub struct Organization {
    pub admin: Principal,
    /// The admin key's secret, for HTTP.
    pub secret: String,
    pub conversations: Vec<ConversationId>,
}

/// Messages written in one transaction by the data-set builder.
pub const MESSAGES_PER_TRANSACTION: usize = 500;

/// How many tasks load in parallel (SQLite has one writer; they overlap validation with it).
const WORKERS: usize = 4;

/// A new organization with `size` conversations: statuses, members and channels mixed the
/// way an inbox is.
pub async fn organization(store: Arc<dyn Store>, size: usize) -> anyhow::Result<Organization> {
    let platform = Principal::platform_operator();
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
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..WORKERS {
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
            let mut ids = Vec::new();
            for i in (worker..size).step_by(WORKERS) {
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
                ids.push(
                    conversations::create(store.as_ref(), &admin, req)
                        .await?
                        .conversation
                        .id,
                );
            }
            anyhow::Ok(ids)
        }));
    }
    let mut ids = Vec::with_capacity(size);
    for task in tasks {
        ids.extend(task.await??);
    }
    eprintln!(
        "loaded {size} conversations in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(Organization {
        admin,
        secret,
        conversations: ids,
    })
}

/// Adds `count` incoming messages spread over the organization's conversations, `batch` to a
/// transaction (`messages::create_many`: each validated, indexed and evented as one sent alone
/// would be). Answers the rate, in messages per second.
pub async fn messages(
    store: Arc<dyn Store>,
    org: &Organization,
    count: usize,
    batch: usize,
) -> anyhow::Result<f64> {
    let ids = Arc::new(org.conversations.clone());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..WORKERS {
        let (store, admin, ids) = (store.clone(), org.admin.clone(), ids.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(1000 + worker as u64);
            let mine: Vec<usize> = (worker..count).step_by(WORKERS).collect();
            for chunk in mine.chunks(batch) {
                let items = chunk
                    .iter()
                    .map(|&n| {
                        let mut content = message_text(&mut rng, n);
                        if n == count / 2 {
                            content = format!("{content} {ONE_MATCH}");
                        }
                        let req = CreateMessage {
                            content,
                            message_type: Some(MessageType::Incoming),
                            ..Default::default()
                        };
                        (ids[n % ids.len()], req)
                    })
                    .collect();
                messages::create_many(store.as_ref(), &admin, items).await?;
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rate = count as f64 / elapsed;
    eprintln!("loaded {count} messages in {elapsed:.1}s: {rate:.0} messages/s");
    Ok(rate)
}
