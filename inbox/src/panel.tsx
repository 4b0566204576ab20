// The contact beside a conversation: who they are, their other conversations, merging a
// duplicate record into this one, and the conversation's sub-conversations.
import { useEffect, useState } from "preact/hooks";
import { convo, type Contact, type Conversation } from "./api";
import { formatTime, t } from "./i18n";
import { Icon } from "./icons";
import { navigate, withQuery } from "./router";
import { say } from "./state";

export function ContactPanel({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  const [contact, setContact] = useState<Contact | null | undefined>(undefined);
  const [others, setOthers] = useState<Conversation[]>([]);
  const [children, setChildren] = useState<Conversation[]>([]);
  const [mergeFrom, setMergeFrom] = useState("");
  const [topic, setTopic] = useState("");
  const contactId = conversation.contact_id;

  const load = async () => {
    if (contactId) {
      const [c, list] = await Promise.all([
        convo.contacts.get(contactId).catch(() => null),
        convo.conversations.list({ contact_id: contactId, top_level: true, limit: 20 }).catch(() => undefined),
      ]);
      setContact(c);
      setOthers(list?.data.filter((x) => x.id !== conversation.id) ?? []);
    } else setContact(null);
    const subs = await convo.conversations.listChildren(conversation.id, { limit: 50 }).catch(() => undefined);
    setChildren(subs?.data ?? []);
  };
  useEffect(() => void load(), [conversation.id, contactId]);

  const merge = async (e: Event) => {
    e.preventDefault();
    if (!contactId || !mergeFrom.trim()) return;
    try {
      // By id, or by the other record's email.
      let from = mergeFrom.trim();
      if (from.includes("@")) {
        const found = await convo.contacts.list({ q: from, limit: 1 });
        from = found.data[0]?.id ?? from;
      }
      setContact(await convo.contacts.merge(contactId, from));
      setMergeFrom("");
      say(t("done.merged"));
      await load();
    } catch (error) {
      say((error as Error).message, true);
    }
  };

  const createChild = async (e: Event) => {
    e.preventDefault();
    if (!topic.trim()) return;
    try {
      await convo.conversations.createChild(conversation.id, { name: topic.trim() });
      setTopic("");
      await load();
    } catch (error) {
      say((error as Error).message, true);
    }
  };

  return (
    <aside class="panel" aria-labelledby="panel-title">
      <div class="panel-head">
        <h2 id="panel-title">{t("panel.title")}</h2>
        <button type="button" class="icon" aria-label={t("close")} onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      {contact === undefined && <p>{t("loading")}</p>}
      {contact === null && <p class="muted">{t("panel.no_contact")}</p>}
      {contact && (
        <dl class="details">
          <dt>{t("field.name")}</dt>
          <dd>{contact.name || "—"}</dd>
          <dt>{t("field.email")}</dt>
          <dd>{contact.email || "—"}</dd>
          <dt>{t("field.phone")}</dt>
          <dd>{contact.phone || "—"}</dd>
          {contact.external_id && (
            <>
              <dt>{t("field.external_id")}</dt>
              <dd>{contact.external_id}</dd>
            </>
          )}
        </dl>
      )}
      <h3>{t("panel.others")}</h3>
      {others.length === 0 ? (
        <p class="muted">{t("panel.none")}</p>
      ) : (
        <ul class="mini-list">
          {others.map((c) => (
            <li key={c.id}>
              <a href={`/inbox/c/${c.id}`} onClick={(e) => (e.preventDefault(), navigate(`/c/${c.id}${withQuery({})}`))}>
                {c.name || c.topic || c.public_id} · {t(`status.${c.status}`)} · {formatTime(c.updated_at)}
              </a>
            </li>
          ))}
        </ul>
      )}
      {contact && (
        <form onSubmit={merge} class="inline-form">
          <label>
            {t("panel.merge")}
            <input
              value={mergeFrom}
              placeholder={t("panel.merge_placeholder")}
              onInput={(e) => setMergeFrom(e.currentTarget.value)}
            />
          </label>
          <button type="submit">{t("panel.merge_button")}</button>
        </form>
      )}
      <h3>{t("panel.children")}</h3>
      {children.length === 0 ? (
        <p class="muted">{t("panel.none")}</p>
      ) : (
        <ul class="mini-list">
          {children.map((c) => (
            <li key={c.id}>
              <a href={`/inbox/c/${c.id}`} onClick={(e) => (e.preventDefault(), navigate(`/c/${c.id}${withQuery({})}`))}>
                {c.topic || c.name || c.public_id} · {t(`status.${c.status}`)}
              </a>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={createChild} class="inline-form">
        <label>
          {t("panel.new_child")}
          <input value={topic} onInput={(e) => setTopic(e.currentTarget.value)} />
        </label>
        <button type="submit">{t("panel.create")}</button>
      </form>
    </aside>
  );
}
