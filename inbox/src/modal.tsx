// A modal dialog: the browser's own `<dialog>` (focus is kept inside, Escape closes), with a
// title and a close button; focus goes back to what opened it.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { Icon } from "./icons";
import { t } from "./i18n";

/** A modal dialog (the browser's own `<dialog>`: focus is kept inside, Escape closes). */
export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    return () => opener?.focus();
  }, []);
  return (
    <dialog ref={ref} class="modal" aria-label={title} onClose={onClose} onCancel={onClose}>
      <div class="modal-head">
        <h2>{title}</h2>
        <button type="button" class="icon" aria-label={t("close")} onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      {children}
    </dialog>
  );
}
