use super::prelude::*;

/// Another organization's newer matches never crowd an organization's own out of its search.
async fn search_is_never_crowded_out_by_another_organization(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let quiet = Fixture::new(store, "Quiet").await;
    let busy = Fixture::new(store, "Busy").await;
    let mine = quiet.conversation(CreateConversation::default()).await;
    messages::create(store, &quiet.admin, mine.id, incoming("crowded refund"))
        .await
        .unwrap();
    let theirs = busy.conversation(CreateConversation::default()).await;
    let burst: Vec<_> = (0..1200)
        .map(|i| (theirs.id, incoming(&format!("crowded refund {i}"))))
        .collect();
    messages::create_many(store, &busy.admin, burst)
        .await
        .unwrap();
    assert_eq!(
        first_page(store, &quiet.admin, "crowded").await,
        vec![mine.id]
    );
    assert_eq!(
        first_page(store, &busy.admin, "crowded").await,
        vec![theirs.id]
    );
}

async fn search_finds_every_language(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Search").await;
    let jane = t
        .add_contact(CreateContact {
            name: Some("Nguyễn Thị Hoa".into()),
            email: Some("hoa@example.vn".into()),
            phone: Some("+84 90 123 4567".into()),
            ..Default::default()
        })
        .await;
    let vi = t
        .conversation(CreateConversation {
            name: Some("Yêu cầu hoàn tiền".into()),
            contact_id: Some(jane.id),
            ..Default::default()
        })
        .await;
    let zh = t.conversation(CreateConversation::default()).await;
    let ar = t.conversation(CreateConversation::default()).await;
    let en = t
        .conversation(CreateConversation {
            name: Some("Billing".into()),
            ..Default::default()
        })
        .await;
    let vi_msg = messages::create(
        store,
        &t.admin,
        vi.id,
        incoming("Tôi chưa nhận được hóa đơn tháng này"),
    )
    .await
    .unwrap()
    .message;
    messages::create(
        store,
        &t.admin,
        zh.id,
        incoming("你好，我想申請退款，訂單號是1042"),
    )
    .await
    .unwrap();
    messages::create(
        store,
        &t.admin,
        ar.id,
        incoming("أريد استرداد المبلغ من فضلك"),
    )
    .await
    .unwrap();
    messages::create(
        store,
        &t.admin,
        en.id,
        incoming("I would like a refund for my last invoice"),
    )
    .await
    .unwrap();
    let admin = &t.admin;
    let found = |q: &'static str| async move {
        let list = search::search(store, admin, q, None, Default::default(), None, None)
            .await
            .unwrap();
        list.data
            .into_iter()
            .map(|h| h.conversation.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found("hoan tien").await,
        vec![vi.id],
        "Vietnamese without diacritics"
    );
    assert_eq!(found("hoàn tiền").await, vec![vi.id]);
    assert_eq!(found("hoa don").await, vec![vi.id], "đ folds to d");
    assert_eq!(
        found("退款").await,
        vec![zh.id],
        "simplified finds traditional"
    );
    assert_eq!(found("訂單").await, vec![zh.id]);
    assert_eq!(found("استرداد").await, vec![ar.id]);
    assert_eq!(found("REFUNDS").await, vec![en.id], "case and plural");
    assert_eq!(
        found("84901234567").await,
        vec![vi.id],
        "phone without spaces"
    );
    assert_eq!(
        found("+84 90 123 4567").await,
        vec![vi.id],
        "phone with spaces and +"
    );
    assert_eq!(found("hoa@example.vn").await, vec![vi.id], "contact email");
    assert!(found("nothing matches this").await.is_empty());
    let hit = search::search(
        store,
        &t.admin,
        "hoa don",
        None,
        Default::default(),
        None,
        None,
    )
    .await
    .unwrap()
    .data
    .remove(0);
    assert!(hit.search.score > 0.0 || hit.search.score.is_finite());
    let message_highlight = hit
        .search
        .highlights
        .iter()
        .find(|h| h.field == "message")
        .expect("a message highlight");
    assert_eq!(message_highlight.message_id, Some(vi_msg.id));
    assert!(
        message_highlight
            .snippet
            .contains("<mark>hóa</mark> <mark>đơn</mark>"),
        "{}",
        message_highlight.snippet
    );
    let name_hit = search::search(
        store,
        &t.admin,
        "nguyen",
        None,
        Default::default(),
        None,
        None,
    )
    .await
    .unwrap()
    .data
    .remove(0);
    assert!(name_hit
        .search
        .highlights
        .iter()
        .any(|h| h.field == "contact.name" && h.snippet.contains("<mark>Nguyễn</mark>")));
    // Renaming the contact re-indexes its conversations.
    convo_core::usecases::contacts::update_contact(
        store,
        &t.admin,
        jane.id,
        convo_types::UpdateContact {
            name: Some(Some("Trần Mai".into())),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found("tran mai").await, vec![vi.id]);
    assert!(found("nguyen").await.is_empty());
    // Ranked: a conversation matching in name and message outranks one matching once.
    messages::create(store, &t.admin, zh.id, incoming("billing question"))
        .await
        .unwrap();
    assert_eq!(found("billing").await.len(), 2);
    // The list's `q` uses the same index.
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            ConversationFilters {
                q: Some("退款".into()),
                ..Default::default()
            }
        )
        .await,
        vec![zh.id]
    );
    // Soft-deleted, other organizations and other business units never show.
    conversations::delete(store, &t.admin, ar.id, None, false)
        .await
        .unwrap();
    assert!(found("استرداد").await.is_empty());
    let other = Fixture::new(store, "Search 2").await;
    assert!(search::search(
        store,
        &other.admin,
        "refund",
        None,
        Default::default(),
        None,
        None
    )
    .await
    .unwrap()
    .data
    .is_empty());
    let unit = t.unit("Elsewhere").await;
    let limited = t
        .key_with(vec![Scope::ConversationsRead], Some(vec![unit.id]))
        .await;
    assert!(search::search(
        store,
        &limited,
        "refund",
        None,
        Default::default(),
        None,
        None
    )
    .await
    .unwrap()
    .data
    .is_empty());
    assert!(matches!(
        search::search(
            store,
            &t.admin,
            "  ...  ",
            None,
            Default::default(),
            None,
            None
        )
        .await,
        Err(Error::Validation(_))
    ));
}

async fn search_pages_with_a_cursor(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Search pages").await;
    for i in 0..7 {
        let c = t.conversation(CreateConversation::default()).await;
        messages::create(
            store,
            &t.admin,
            c.id,
            incoming(&format!("refund number {i}")),
        )
        .await
        .unwrap();
    }
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = search::search(
            store,
            &t.admin,
            "refund",
            None,
            Default::default(),
            Some(3),
            cursor.as_deref(),
        )
        .await
        .unwrap();
        for hit in &page.data {
            assert!(seen.insert(hit.conversation.id), "no repeats");
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
}

/// A word in more messages than a search ranks is ranked among its newest matches, the first
/// time it is asked and after (when it is known to be common).
async fn search_ranks_a_common_word_among_its_newest_matches(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Common word").await;
    let older = t.conversation(CreateConversation::default()).await;
    let many: Vec<_> = (0..300)
        .map(|i| (older.id, incoming(&format!("plentiful {i}"))))
        .collect();
    messages::create_many(store, &t.admin, many).await.unwrap();
    let newest = t.conversation(CreateConversation::default()).await;
    messages::create(store, &t.admin, newest.id, incoming("plentiful"))
        .await
        .unwrap();
    for asked in ["first", "again"] {
        let ids: HashSet<ConversationId> = first_page(store, &t.admin, "plentiful")
            .await
            .into_iter()
            .collect();
        assert_eq!(ids, HashSet::from([older.id, newest.id]), "{asked}");
    }
}

/// The conversations on the first page (20) of `caller`'s search for `q`, best first.
async fn first_page(store: &dyn Store, caller: &Principal, q: &str) -> Vec<ConversationId> {
    let found = search::search(store, caller, q, None, Default::default(), Some(20), None)
        .await
        .unwrap();
    found.data.iter().map(|h| h.conversation.id).collect()
}

stories![
    search_is_never_crowded_out_by_another_organization,
    search_ranks_a_common_word_among_its_newest_matches,
    search_finds_every_language,
    search_pages_with_a_cursor
];
