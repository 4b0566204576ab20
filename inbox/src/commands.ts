// Everything a person can do from the keyboard: each command has a name (for the command
// palette and the help), its keys, and whether it applies now. Screens register theirs while
// they are shown.
import { signal } from "@preact/signals";

export interface Command {
  id: string;
  /** What the palette and the help call it (already translated). */
  label: string;
  /** The key that runs it (`j`, `?`, ...), when it has one. */
  key?: string;
  run: () => void;
}

export const commands = signal<Map<string, Command[]>>(new Map());

/** Registers a screen's commands; returns the function that removes them. */
export function registerCommands(owner: string, list: Command[]): () => void {
  const next = new Map(commands.value);
  next.set(owner, list);
  commands.value = next;
  return () => {
    const after = new Map(commands.value);
    if (after.get(owner) === list) after.delete(owner);
    commands.value = after;
  };
}

export function allCommands(): Command[] {
  return [...commands.value.values()].flat();
}

/** Whether a key press belongs to a text field (shortcuts then stay out of the way). */
export function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function runKey(event: KeyboardEvent): boolean {
  if (event.altKey || event.ctrlKey || event.metaKey || typingInto(event.target)) return false;
  const command = allCommands().find((c) => c.key === event.key);
  if (!command) return false;
  event.preventDefault();
  command.run();
  return true;
}

/** The palette's and the help's open state. */
export const paletteOpen = signal(false);
export const helpOpen = signal(false);
