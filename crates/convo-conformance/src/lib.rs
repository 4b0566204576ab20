//! The store conformance suite: one story per store behaviour, run through the use cases
//! against every backend. A backend's `tests/conformance.rs` calls [`suite!`] with a function
//! that opens a fresh store (or `None` to skip, e.g. PostgreSQL without a URL).
//!
//! Every story makes its own organizations, so stories run in parallel on one database.

pub mod stories;

use convo_core::auth::Principal;
use convo_core::usecases::organizations;
use convo_core::Store;
use convo_types::{CreateOrganization, OrganizationCreated};

/// A fresh organization and a principal holding its admin key.
pub struct Tenant {
    pub created: OrganizationCreated,
    pub admin: Principal,
}

/// Makes an organization the way `POST /v1/organizations` does.
pub async fn tenant(store: &dyn Store, name: &str) -> Tenant {
    let platform = Principal::platform_operator();
    let created = organizations::create(store, &platform, CreateOrganization { name: name.into() })
        .await
        .expect("create organization");
    let admin = Principal::from(&created.admin_key);
    Tenant { created, admin }
}

/// Expands to one `#[tokio::test]` per story. `$open` is an async fn returning
/// `Option<(Arc<dyn Store>, Guard)>`; the guard lives as long as the test.
#[macro_export]
macro_rules! suite {
    ($open:path) => {
        $crate::suite!(@stories $open,
            directory_round_trips,
            unique_identifiers_conflict,
            organizations_never_see_each_other,
            api_keys_authenticate_by_hash_only,
            conversation_fields_round_trip,
            channel_sets_business_unit_and_type,
            every_list_filter_narrows,
            views_follow_members,
            business_unit_keys_see_only_their_units,
            cursor_paging_never_skips_or_repeats_under_inserts,
            offset_paging_and_totals,
            metadata_merges_and_versions_guard_changes,
            parent_cycles_are_refused_and_children_counted,
            status_changes_are_validated_and_recorded,
            deletes_are_soft_hard_and_owned,
            events_are_ordered_per_organization,
            idempotency_keys_remember_and_refuse,
            membership_is_idempotent_and_recorded,
            invitable_users_respect_units_members_and_accents,
            views_count_matches_the_list,
            concurrent_team_changes_keep_counts_exact,
            messages_move_their_conversation,
            messages_are_validated,
            external_ids_dedupe_even_concurrently,
            concurrent_messages_share_commits_and_fail_alone,
            concurrent_imports_reopen_without_deadlock,
            deleting_a_member_during_imports_keeps_counts_exact,
            search_is_never_crowded_out_by_another_organization,
            search_finds_every_language,
            search_pages_with_a_cursor,
            video_calls_are_recorded,
            get_or_create_reuses_and_never_duplicates,
            concurrent_get_or_create_makes_one,
            sub_conversations_inherit_count_and_delete_with_parent,
            workforce_runs_follow_seed_003,
            webhook_deliveries_are_durable_and_ordered,
        );
    };
    (@stories $open:path, $($story:ident),+ $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $story() {
            let Some((store, _guard)) = $open().await else {
                eprintln!("skipped: no database for this backend");
                return;
            };
            $crate::stories::$story(&store).await;
        }
    )+};
}
