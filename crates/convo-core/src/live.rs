//! What is live but never stored in the event log: who is typing in or viewing a
//! conversation, presence, and notifications as they are made. Each goes to every node as a
//! [`Broadcast`] (PostgreSQL's `NOTIFY` between nodes; in the process on SQLite) and from
//! there to the streams that may see it.

use std::collections::HashMap;
use std::sync::Mutex;

use convo_types::{
    Activity, ActivityReport, BusinessUnitId, ConversationId, OrganizationId, Presence, Signal,
    SimpleUser, Timestamp, UserId,
};
use serde::{Deserialize, Serialize};

use crate::auth::Principal;

/// How long a `typing` stands unless said again: a composer repeats it while keys are pressed.
pub const TYPING_FOR_MS: i64 = 6_000;
/// How long a `viewing` stands: an open conversation repeats it every 20 seconds or so.
pub const VIEWING_FOR_MS: i64 = 30_000;

/// Who may receive a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", content = "id", rename_all = "snake_case")]
pub enum Audience {
    /// Everyone of the organization (presence).
    Organization,
    /// Those who see this business unit (a conversation's activity).
    Unit(BusinessUnitId),
    /// One person (their notifications).
    User(UserId),
}

impl Audience {
    pub fn includes(&self, caller: &Principal) -> bool {
        match self {
            Audience::Organization => true,
            Audience::Unit(unit) => caller.sees_business_unit(*unit),
            Audience::User(user) => caller.user_id == *user,
        }
    }
}

/// A signal on its way to every node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Broadcast {
    pub organization_id: OrganizationId,
    pub audience: Audience,
    pub signal: Signal,
}

impl Broadcast {
    pub fn new(
        organization_id: OrganizationId,
        audience: Audience,
        signal_type: &str,
        conversation_id: Option<ConversationId>,
        data: &impl Serialize,
        now: Timestamp,
    ) -> Self {
        Broadcast {
            organization_id,
            audience,
            signal: Signal {
                object_name: "signal".into(),
                signal_type: signal_type.into(),
                conversation_id,
                data: serde_json::to_value(data).unwrap_or_default(),
                created_at: now,
            },
        }
    }

    /// Whether this caller's stream carries it.
    pub fn reaches(&self, caller: &Principal) -> bool {
        self.organization_id == caller.organization_id && self.audience.includes(caller)
    }
}

/// Until when an activity stands, said at `now`.
pub fn activity_expires(activity: Activity, now: Timestamp) -> Timestamp {
    Timestamp::from_millis(
        now.as_millis()
            + match activity {
                Activity::Typing => TYPING_FOR_MS,
                Activity::Viewing => VIEWING_FOR_MS,
                Activity::Idle => 0,
            },
    )
}

/// A stream counts as connected this long after its node last said so: nodes say it every
/// [`PRESENCE_HEARTBEAT_MS`], so a dead node's people go offline within a minute.
pub const PRESENCE_STALE_MS: i64 = 40_000;
/// How often a node says which people have a stream open on it.
pub const PRESENCE_HEARTBEAT_MS: i64 = 15_000;

/// What a person shows: what they said while connected (`online` unless they said
/// otherwise), offline when no stream of theirs is open.
pub fn presence(said: Option<Presence>, connected: bool) -> Presence {
    if connected {
        said.unwrap_or(Presence::Online)
    } else {
        Presence::Offline
    }
}

/// Who is typing in and viewing each conversation now, as this node has heard from every
/// node: the answer of `GET /v1/conversations/{id}` (`viewers`, `typing`).
#[derive(Default)]
pub struct ActivityBoard {
    conversations: Mutex<HashMap<ConversationId, Vec<ActivityReport>>>,
}

/// Past this many conversations with activity, the board drops what has expired.
const BOARD_PRUNE_AT: usize = 10_000;

impl ActivityBoard {
    /// Takes in a `conversation.activity` signal (others are ignored).
    pub fn record(&self, broadcast: &Broadcast) {
        if broadcast.signal.signal_type != "conversation.activity" {
            return;
        }
        let Ok(report) = serde_json::from_value::<ActivityReport>(broadcast.signal.data.clone())
        else {
            return;
        };
        let mut board = self
            .conversations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if board.len() > BOARD_PRUNE_AT {
            let now = Timestamp::now();
            board.retain(|_, reports| {
                reports.retain(|r| r.expires_at > now);
                !reports.is_empty()
            });
        }
        let reports = board.entry(report.conversation_id).or_default();
        reports.retain(|r| r.user.id != report.user.id);
        if report.activity != Activity::Idle {
            reports.push(report);
        }
    }

    /// Who views (typing counts as viewing) and who types in a conversation at `now`.
    pub fn now_on(&self, id: ConversationId, now: Timestamp) -> (Vec<SimpleUser>, Vec<SimpleUser>) {
        let board = self
            .conversations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let live = board
            .get(&id)
            .into_iter()
            .flatten()
            .filter(|r| r.expires_at > now);
        let viewers = live.clone().map(|r| r.user.clone()).collect();
        let typing = live
            .filter(|r| r.activity == Activity::Typing)
            .map(|r| r.user.clone())
            .collect();
        (viewers, typing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use convo_types::UserKind;

    fn said(
        board: &ActivityBoard,
        who: &SimpleUser,
        id: ConversationId,
        activity: Activity,
        at: i64,
    ) {
        let now = Timestamp::from_millis(at);
        let report = ActivityReport {
            conversation_id: id,
            user: who.clone(),
            activity,
            expires_at: activity_expires(activity, now),
        };
        let org = OrganizationId::new();
        board.record(&Broadcast::new(
            org,
            Audience::Organization,
            "conversation.activity",
            Some(id),
            &report,
            now,
        ));
    }

    fn person(name: &str) -> SimpleUser {
        SimpleUser {
            id: UserId::new(),
            name: name.into(),
            kind: UserKind::Human,
            avatar_url: None,
        }
    }

    #[test]
    fn activity_expires_on_its_own_and_idle_ends_it() {
        let board = ActivityBoard::default();
        let (lan, minh) = (person("Lan"), person("Minh"));
        let id = ConversationId::new();
        said(&board, &lan, id, Activity::Typing, 0);
        said(&board, &minh, id, Activity::Viewing, 0);
        let at = |ms| board.now_on(id, Timestamp::from_millis(ms));
        let ids = |users: Vec<SimpleUser>| users.into_iter().map(|u| u.name).collect::<Vec<_>>();
        let (viewers, typing) = at(1_000);
        assert_eq!(
            (ids(viewers), ids(typing)),
            (vec!["Lan".into(), "Minh".into()], vec!["Lan".into()])
        );
        // Typing stands 6 s, viewing 30 s, unless said again.
        let (viewers, typing) = at(TYPING_FOR_MS + 1);
        assert_eq!(
            (ids(viewers), ids(typing)),
            (vec!["Minh".to_owned()], vec![])
        );
        assert_eq!(at(VIEWING_FOR_MS + 1).0.len(), 0);
        // Said again, the latest counts; `idle` ends it at once.
        said(&board, &minh, id, Activity::Typing, 40_000);
        assert_eq!(
            ids(board.now_on(id, Timestamp::from_millis(41_000)).1),
            vec!["Minh"]
        );
        said(&board, &minh, id, Activity::Idle, 41_000);
        assert!(board
            .now_on(id, Timestamp::from_millis(41_001))
            .0
            .is_empty());
        // Other signals and other conversations leave it alone.
        assert!(board
            .now_on(ConversationId::new(), Timestamp::from_millis(0))
            .0
            .is_empty());
    }

    #[test]
    fn presence_is_what_one_said_while_connected() {
        assert_eq!(presence(None, true), Presence::Online);
        assert_eq!(presence(Some(Presence::Busy), true), Presence::Busy);
        assert_eq!(presence(Some(Presence::Busy), false), Presence::Offline);
        assert_eq!(presence(None, false), Presence::Offline);
    }
}
