// The composer: a reply or an internal note; canned responses on `/`, mentions on `@` (notes);
// the draft kept on the server as one types; files by picker, drop and paste; one
// Idempotency-Key per message, kept across retries so a lost answer never sends twice; and
// the stale-reply guard, shown as "new messages arrived: review or send anyway".
import { useEffect, useRef, useState } from "preact/hooks";
import { convo, problemCode, type Attachment, type CannedResponse, type Conversation, type Message, type User } from "./api";
import { t } from "./i18n";
import { Icon } from "./icons";
import { formatSize } from "./conversation";
import { say, users } from "./state";

export interface ComposerHandle {
  focus(mode: "outgoing" | "note"): void;
}

type Mode = "outgoing" | "note";
type Upload = { key: string; name: string; size: number; preview?: string; attachment?: Attachment; failed?: boolean };
type Suggestion =
  | { kind: "canned"; start: number; items: CannedResponse[]; active: number }
  | { kind: "mention"; start: number; items: User[]; active: number };

const DRAFT_DELAY = 600;
const TYPING_EVERY = 3_000;

export function Composer({
  control,
  conversation,
  newestSeen,
  onSent,
  onReview,
}: {
  control: { current: ComposerHandle | null };
  conversation: Conversation;
  newestSeen: () => string | undefined;
  onSent: (message: Message) => void;
  onReview: () => Promise<void>;
}) {
  const id = conversation.id;
  const [mode, setMode] = useState<Mode>("outgoing");
  const [text, setText] = useState("");
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [sending, setSending] = useState(false);
  const [unsent, setUnsent] = useState(false);
  const [guard, setGuard] = useState<string[] | undefined>();
  const [suggestion, setSuggestion] = useState<Suggestion | undefined>();
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const files = useRef<HTMLInputElement>(null);
  const idempotencyKey = useRef<string | undefined>(undefined);
  const mentions = useRef(new Set<string>());
  const draftTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const typingAt = useRef(0);

  control.current = {
    focus(next) {
      setMode(next);
      input.current?.focus();
    },
  };

  // The draft: the server's, else what this browser kept when the server could not be reached.
  useEffect(() => {
    const local = localStorage.getItem(`convo.draft.${id}`);
    convo.conversations
      .getDraft(id)
      .then((draft) => {
        setText(draft.content);
        setMode(draft.message_type === "note" ? "note" : "outgoing");
      })
      .catch(() => {
        if (local) {
          const saved = JSON.parse(local) as { content: string; mode: Mode };
          setText(saved.content);
          setMode(saved.mode);
        }
      });
    return () => clearTimeout(draftTimer.current);
  }, [id]);

  const saveDraft = (content: string, type: Mode) => {
    clearTimeout(draftTimer.current);
    draftTimer.current = setTimeout(() => {
      const request = content.trim()
        ? convo.conversations.saveDraft(id, { content, message_type: type })
        : convo.conversations.deleteDraft(id);
      request
        .then(() => localStorage.removeItem(`convo.draft.${id}`))
        .catch(() => localStorage.setItem(`convo.draft.${id}`, JSON.stringify({ content, mode: type })));
    }, DRAFT_DELAY);
  };

  const onInput = (e: Event) => {
    const area = e.currentTarget as HTMLTextAreaElement;
    setText(area.value);
    // A changed message is a new message: its own key.
    idempotencyKey.current = undefined;
    setUnsent(false);
    saveDraft(area.value, mode);
    if (Date.now() - typingAt.current > TYPING_EVERY) {
      typingAt.current = Date.now();
      void convo.conversations.reportActivity(id, "typing").catch(() => undefined);
    }
    void suggest(area.value, area.selectionStart ?? area.value.length);
  };

  const suggest = async (value: string, caret: number) => {
    const match = /(^|\s)([/@])([^\s/@]*)$/.exec(value.slice(0, caret));
    if (!match) return setSuggestion(undefined);
    const start = caret - match[3]!.length - 1;
    const term = match[3]!;
    if (match[2] === "/") {
      const page = await convo.cannedResponses.list({ q: term || undefined, limit: 8 }).catch(() => undefined);
      setSuggestion(page && page.data.length ? { kind: "canned", start, items: page.data, active: 0 } : undefined);
    } else if (mode === "note") {
      const lower = term.toLowerCase();
      const found = [...users.value.values()]
        .filter((u) => u.active && u.kind === "human" && u.name.toLowerCase().includes(lower))
        .slice(0, 8);
      setSuggestion(found.length ? { kind: "mention", start, items: found, active: 0 } : undefined);
    }
  };

  const pick = async (index: number) => {
    const current = suggestion;
    const area = input.current;
    if (!current || !area) return;
    const caret = area.selectionStart ?? text.length;
    let insert = "";
    if (current.kind === "canned") {
      const item = current.items[index];
      if (!item) return;
      insert = await convo.cannedResponses
        .render(item.id, id)
        .then((r) => r.content)
        .catch(() => item.content);
    } else {
      const user = current.items[index];
      if (!user) return;
      mentions.current.add(user.id);
      insert = `@[${user.name}](user:${user.id}) `;
    }
    const next = text.slice(0, current.start) + insert + text.slice(caret);
    setText(next);
    setSuggestion(undefined);
    saveDraft(next, mode);
    requestAnimationFrame(() => {
      area.focus();
      const at = current.start + insert.length;
      area.setSelectionRange(at, at);
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (suggestion) {
      const count = suggestion.items.length;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const step = e.key === "ArrowDown" ? 1 : -1;
        setSuggestion({ ...suggestion, active: (suggestion.active + step + count) % count } as Suggestion);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        void pick(suggestion.active);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        setSuggestion(undefined);
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void send(false);
    } else if (e.key === "Escape") {
      (e.currentTarget as HTMLElement).blur();
    }
  };

  const upload = async (list: FileList | File[]) => {
    for (const file of Array.from(list)) {
      const key = crypto.randomUUID();
      const preview = file.type.startsWith("image/") ? URL.createObjectURL(file) : undefined;
      setUploads((old) => [...old, { key, name: file.name || "file", size: file.size, preview }]);
      try {
        const attachment = await convo.attachments.upload(file);
        setUploads((old) => old.map((u) => (u.key === key ? { ...u, attachment } : u)));
      } catch (error) {
        setUploads((old) => old.map((u) => (u.key === key ? { ...u, failed: true } : u)));
        say(`${file.name}: ${(error as Error).message}`, true);
      }
    }
  };

  const send = async (force: boolean) => {
    const content = text.trim();
    const ready = uploads.filter((u) => u.attachment);
    if ((!content && ready.length === 0) || sending) return;
    if (uploads.some((u) => !u.attachment && !u.failed)) return say(t("composer.uploading"));
    idempotencyKey.current ??= crypto.randomUUID();
    setSending(true);
    try {
      const used = [...mentions.current].filter((user) => content.includes(`(user:${user})`));
      const message = await convo.messages.create(
        id,
        {
          content,
          message_type: mode,
          after_message_id: newestSeen(),
          force: force || undefined,
          mentions: mode === "note" && used.length ? used : undefined,
          attachments: ready.length ? ready.map((u) => ({ id: u.attachment!.id })) : undefined,
        },
        { idempotencyKey: idempotencyKey.current },
      );
      idempotencyKey.current = undefined;
      mentions.current.clear();
      clearTimeout(draftTimer.current);
      localStorage.removeItem(`convo.draft.${id}`);
      setText("");
      setUploads([]);
      setGuard(undefined);
      setUnsent(false);
      onSent(message);
    } catch (error) {
      const code = problemCode(error);
      if (code === "conversation_moved_on") {
        // Sending anyway is a different request: it gets its own key.
        idempotencyKey.current = undefined;
        setGuard(((error as { problem?: { newer_message_ids?: string[] } }).problem?.newer_message_ids ?? []) as string[]);
      } else if (code === "network") {
        // Kept with its key: sending again can never send twice.
        setUnsent(true);
      } else {
        idempotencyKey.current = undefined;
        say((error as Error).message, true);
      }
    } finally {
      setSending(false);
    }
  };

  const listId = `suggestions-${id}`;
  return (
    <form
      class={`composer composer-${mode} ${dragging ? "dragging" : ""}`}
      aria-label={t("composer.label")}
      onSubmit={(e) => {
        e.preventDefault();
        void send(false);
      }}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        if (e.dataTransfer?.files.length) void upload(e.dataTransfer.files);
      }}
    >
      {guard && (
        <div class="guard" role="alert">
          <span>{t("composer.moved_on", { n: guard.length })}</span>
          <button
            type="button"
            onClick={() => {
              setGuard(undefined);
              void onReview();
            }}
          >
            {t("composer.review")}
          </button>
          <button type="button" class="primary" onClick={() => void send(true)}>
            {t("composer.send_anyway")}
          </button>
        </div>
      )}
      {unsent && (
        <div class="guard" role="alert">
          <span>{t("composer.unsent")}</span>
          <button type="button" class="primary" onClick={() => void send(false)}>
            {t("retry")}
          </button>
        </div>
      )}
      <div class="composer-modes" role="radiogroup" aria-label={t("composer.mode")}>
        {(["outgoing", "note"] as const).map((m) => (
          <label key={m} class={mode === m ? "active" : ""}>
            <input
              type="radio"
              name={`mode-${id}`}
              value={m}
              checked={mode === m}
              onChange={() => {
                setMode(m);
                saveDraft(text, m);
              }}
            />
            {t(`composer.${m}`)}
          </label>
        ))}
      </div>
      <div class="composer-box">
        <textarea
          ref={input}
          value={text}
          rows={3}
          dir={text ? "auto" : undefined}
          aria-label={mode === "note" ? t("composer.note_label") : t("composer.reply_label")}
          placeholder={mode === "note" ? t("composer.note_placeholder") : t("composer.reply_placeholder")}
          {...({ role: "combobox" } as object)}
          aria-autocomplete="list"
          aria-expanded={suggestion ? "true" : "false"}
          aria-controls={listId}
          aria-activedescendant={suggestion ? `${listId}-${suggestion.active}` : undefined}
          onInput={onInput}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const pasted = e.clipboardData?.files;
            if (pasted && pasted.length) {
              e.preventDefault();
              void upload(pasted);
            }
          }}
        />
        {suggestion && (
          <ul
            id={listId}
            class="suggestions"
            role="listbox"
            aria-label={suggestion.kind === "canned" ? t("composer.canned") : t("composer.mentions")}
          >
            {suggestion.items.map((item, i) => (
              <li
                key={item.id}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === suggestion.active}
                onMouseDown={(e) => {
                  e.preventDefault();
                  void pick(i);
                }}
              >
                {"short_code" in item ? (
                  <>
                    <strong>/{item.short_code}</strong> {item.title}
                  </>
                ) : (
                  <>@{item.name}</>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
      {uploads.length > 0 && (
        <ul class="uploads" aria-label={t("composer.files")}>
          {uploads.map((u) => (
            <li key={u.key} class={u.failed ? "failed" : u.attachment ? "" : "busy"}>
              {u.preview && <img src={u.preview} alt="" />}
              <span>
                {u.name} ({formatSize(u.size)}){!u.attachment && !u.failed ? ` · ${t("composer.uploading")}` : ""}
              </span>
              <button
                type="button"
                class="icon"
                aria-label={t("composer.remove_file", { name: u.name })}
                onClick={() => setUploads((old) => old.filter((x) => x.key !== u.key))}
              >
                <Icon name="close" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="composer-bar">
        <input
          ref={files}
          type="file"
          multiple
          hidden
          onChange={(e) => {
            const picked = e.currentTarget.files;
            if (picked) void upload(picked);
            e.currentTarget.value = "";
          }}
        />
        <button type="button" onClick={() => files.current?.click()}>
          <Icon name="clip" /> {t("composer.attach")}
        </button>
        <span class="hint">{t("composer.hint")}</span>
        <button type="submit" class="primary" disabled={sending}>
          {mode === "note" ? t("composer.add_note") : t("composer.send")}
        </button>
      </div>
    </form>
  );
}
