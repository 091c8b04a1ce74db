import { useLocation } from '@remix-run/react';
import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A menu or panel that opens from a button: a native <details>, so it works with the
 * keyboard (Enter/Space on the summary, Tab through the panel) and without JavaScript.
 * With JavaScript it also closes on Escape, on a click outside, when keyboard focus moves out of
 * it (an open panel would otherwise sit over what the user tabbed to) and after navigating.
 */
export function Disclosure({
  summary,
  summaryLabel,
  summaryClassName = '',
  panelClassName = '',
  className = 'relative',
  children,
}: {
  summary: ReactNode;
  /** Accessible name for the summary when its content is only an icon or is ambiguous. */
  summaryLabel?: string;
  summaryClassName?: string;
  panelClassName?: string;
  /** Classes of the <details>; `relative` by default so the panel can be positioned under it. */
  className?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  const location = useLocation();

  // biome-ignore lint/correctness/useExhaustiveDependencies: closes the menu on every navigation.
  useEffect(() => {
    if (ref.current) ref.current.open = false;
  }, [location.key]);

  useEffect(() => {
    const details = ref.current;
    if (!details) return;
    const onPointerDown = (event: PointerEvent) => {
      if (details.open && !details.contains(event.target as Node)) details.open = false;
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && details.open) {
        details.open = false;
        details.querySelector('summary')?.focus();
      }
    };
    const onFocusOut = (event: FocusEvent) => {
      // relatedTarget is where focus went; null when the window itself lost focus (keep it open then).
      const next = event.relatedTarget as Node | null;
      if (details.open && next && !details.contains(next)) details.open = false;
    };
    document.addEventListener('pointerdown', onPointerDown);
    details.addEventListener('keydown', onKeyDown);
    details.addEventListener('focusout', onFocusOut);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      details.removeEventListener('keydown', onKeyDown);
      details.removeEventListener('focusout', onFocusOut);
    };
  }, []);

  return (
    <details ref={ref} className={`group ${className}`}>
      <summary aria-label={summaryLabel} className={`list-none ${summaryClassName}`}>
        {summary}
      </summary>
      <div className={panelClassName}>{children}</div>
    </details>
  );
}
