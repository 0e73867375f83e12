/**
 * Placing the caret after a value the component itself changed (an accepted suggestion): the
 * caret moves as soon as React has rendered the new value, before the next key press. A timer or
 * animation frame would run later and move the caret behind keys typed meanwhile.
 */
import { useLayoutEffect, useRef, type RefObject } from 'react';

/** Returns `placeCaret(at)`: the caret goes to `at` once `value` has rendered; `onPlaced` is told. */
export function useCaretAfterRender(field: RefObject<HTMLInputElement | HTMLTextAreaElement | null>, value: string, onPlaced?: (at: number) => void): (at: number) => void {
  const pending = useRef<number | null>(null);
  useLayoutEffect(() => {
    const at = pending.current;
    if (at === null) return;
    pending.current = null;
    field.current?.setSelectionRange(at, at);
    onPlaced?.(at);
  }, [value]);
  return (at: number) => {
    pending.current = at;
  };
}
