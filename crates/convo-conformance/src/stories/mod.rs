//! The stories, one file per area. Each asserts what every backend must do, through the use
//! cases. A story is a private `async fn(&Arc<dyn Store>)` listed in its file's `stories![]`:
//! one left out of the list is dead code, which the build refuses (`clippy -D warnings`), so
//! no story goes unrun without a word.

/// Registers the file's stories as `STORIES`.
macro_rules! stories {
    ($($story:ident),+ $(,)?) => {
        pub(super) const STORIES: &[crate::Story] = &[$(crate::Story {
            name: stringify!($story),
            run: |store| Box::pin(async move { $story(&store).await }),
        }),+];
    };
}

mod prelude;
mod replies;

mod attachments;
mod conversations;
mod counts;
mod customers;
mod directory;
mod events;
mod imports;
mod inbox;
mod lists;
mod live;
mod messages;
mod people;
mod search;
mod support;
mod team;
mod tenancy;
mod threads;
mod timers;
mod together;

pub(crate) fn all() -> Vec<crate::Story> {
    [
        directory::STORIES,
        people::STORIES,
        tenancy::STORIES,
        conversations::STORIES,
        lists::STORIES,
        team::STORIES,
        counts::STORIES,
        inbox::STORIES,
        replies::STORIES,
        customers::STORIES,
        messages::STORIES,
        attachments::STORIES,
        imports::STORIES,
        search::STORIES,
        threads::STORIES,
        timers::STORIES,
        events::STORIES,
        together::STORIES,
        live::STORIES,
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    /// Names are test names: two stories with one name would hide one of them.
    #[test]
    fn story_names_are_unique() {
        let all = super::all();
        let names: HashSet<&str> = all.iter().map(|s| s.name).collect();
        assert_eq!(names.len(), all.len());
        assert!(all.len() >= 36, "stories went missing: {}", all.len());
    }
}
