// The command palette (Ctrl+K / ⌘K: every command by name) and the keyboard help (?).
import { useEffect, useRef, useState } from "preact/hooks";
import type { Command } from "./commands";
import { Modal } from "./modal";
import { t } from "./i18n";

export function Palette({ commands, onClose }: { commands: Command[]; onClose: () => void }) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const found = commands.filter((c) => words.every((w) => c.label.toLowerCase().includes(w)));
  const run = (command: Command | undefined) => {
    if (!command) return;
    onClose();
    requestAnimationFrame(() => command.run());
  };
  return (
    <Modal title={t("palette.title")} onClose={onClose}>
      <input
        ref={input}
        role="combobox"
        aria-label={t("palette.label")}
        aria-expanded="true"
        aria-controls="palette-list"
        aria-activedescendant={found[active] ? `palette-${active}` : undefined}
        value={query}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") (e.preventDefault(), setActive((active + 1) % Math.max(1, found.length)));
          if (e.key === "ArrowUp") (e.preventDefault(), setActive((active - 1 + found.length) % Math.max(1, found.length)));
          if (e.key === "Enter") (e.preventDefault(), run(found[active]));
        }}
      />
      <ul id="palette-list" role="listbox" class="palette-list" aria-label={t("palette.commands")}>
        {found.map((c, i) => (
          <li key={c.id} id={`palette-${i}`} role="option" aria-selected={i === active} onClick={() => run(c)}>
            <span>{c.label}</span>
            {c.key && <kbd>{c.key}</kbd>}
          </li>
        ))}
      </ul>
    </Modal>
  );
}

export function Help({ commands, onClose }: { commands: Command[]; onClose: () => void }) {
  const keyed = commands.filter((c) => c.key);
  return (
    <Modal title={t("help.title")} onClose={onClose}>
      <dl class="keys">
        {keyed.map((c) => (
          <>
            <dt key={`k-${c.id}`}>
              <kbd>{c.key}</kbd>
            </dt>
            <dd key={`d-${c.id}`}>{c.label}</dd>
          </>
        ))}
        <dt>
          <kbd>Ctrl</kbd>+<kbd>K</kbd>
        </dt>
        <dd>{t("cmd.palette")}</dd>
        <dt>
          <kbd>Enter</kbd>
        </dt>
        <dd>{t("help.enter")}</dd>
      </dl>
    </Modal>
  );
}
