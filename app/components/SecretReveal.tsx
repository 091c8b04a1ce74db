import { useEffect, useId, useRef } from 'react';
import { CopyButton } from './CopyButton';
import { Icon } from './Icon';

/**
 * A secret shown once (a new API key, an invitation link): read-only, selected on focus,
 * with a copy button and a plain warning that it will not be shown again. It takes the focus
 * when it appears, so a keyboard or screen-reader user lands on it, selected, ready to copy.
 */
export function SecretReveal({
  label,
  value,
  title,
  warning,
}: {
  label: string;
  value: string;
  title: string;
  warning: string;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (value) input.current?.focus();
  }, [value]);
  return (
    <section
      aria-label={title}
      className="rounded-xl border border-amber-300/70 bg-amber-50 p-4 sm:p-5 dark:border-amber-800/70 dark:bg-amber-950/40"
    >
      <div className="flex items-start gap-3">
        <span className="mt-0.5 inline-flex size-8 shrink-0 items-center justify-center rounded-lg bg-amber-100 text-amber-800 dark:bg-amber-900/60 dark:text-amber-200">
          <Icon name="key" className="size-4" />
        </span>
        <div className="min-w-0 flex-1">
          <h3 className="text-sm font-semibold text-ink">{title}</h3>
          <p className="mt-1 text-sm text-amber-900 dark:text-amber-200">{warning}</p>
          <div className="mt-3 flex flex-col gap-2 sm:flex-row">
            <label className="sr-only" htmlFor={id}>
              {label}
            </label>
            <input
              ref={input}
              id={id}
              readOnly
              value={value}
              onFocus={(event) => event.currentTarget.select()}
              className="block h-10 w-full min-w-0 flex-1 rounded-lg border border-line-strong bg-card px-3 font-mono text-[13px] text-ink shadow-sm focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 focus:outline-none"
            />
            <CopyButton text={value} label="Copy" tone="light" className="justify-center" />
          </div>
        </div>
      </div>
    </section>
  );
}
