/** Focus helpers for dialogs and panes. */
import { useEffect, useState } from 'react';

/**
 * Gives focus back to whatever had it before the component mounted, once it unmounts (dialogs).
 * The element is taken while rendering: by the time effects run, `autoFocus` inside the dialog
 * has already moved the focus.
 */
export function useRestoreFocus(): void {
  const [previous] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => () => previous?.focus(), [previous]);
}
