/**
 * A modal dialog: a backdrop that closes it on click, `role="dialog"` with `aria-modal`, Escape to
 * close, Tab and Shift+Tab kept inside it (they cycle through its controls), and the focus given
 * back to what had it before once it closes. The first control marked `autoFocus` has the focus.
 */
import type { KeyboardEvent, ReactNode } from 'react';
import { useRestoreFocus } from './focus.ts';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Keeps Tab inside `container`: from its last control to its first, and back with Shift+Tab. */
export function keepTabInside(event: KeyboardEvent<HTMLElement>, container: HTMLElement): void {
  const controls = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
  if (controls.length === 0) {
    event.preventDefault();
    return;
  }
  const first = controls[0]!;
  const last = controls[controls.length - 1]!;
  const active = document.activeElement;
  const inside = active instanceof HTMLElement && container.contains(active);
  if (event.shiftKey && (active === first || !inside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !inside)) {
    event.preventDefault();
    first.focus();
  }
}

export function Modal({ labelledBy, onClose, className, children }: { labelledBy: string; onClose(): void; className?: string; children: ReactNode }) {
  useRestoreFocus();
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div
        className={className === undefined ? 'modal' : `modal ${className}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          } else if (e.key === 'Tab') keepTabInside(e, e.currentTarget);
        }}
      >
        {children}
      </div>
    </div>
  );
}
