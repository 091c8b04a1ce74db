import { Form } from '@remix-run/react';
import type { ReactNode } from 'react';
import { buttonClasses } from './Button';
import { Disclosure } from './Disclosure';
import { SubmitButton } from './Form';

/**
 * A destructive action behind a second step: the button opens a small panel that says what
 * will happen, and only its own button posts the form. Escape or "Cancel" closes it.
 */
export function ConfirmAction({
  label,
  accessibleLabel,
  title,
  description,
  confirmLabel,
  intent,
  fields,
  pending,
}: {
  label: ReactNode;
  /** Names the target for screen readers when `label` alone ("Revoke") repeats down a list. */
  accessibleLabel?: string;
  title: ReactNode;
  description?: ReactNode;
  confirmLabel: string;
  intent: string;
  fields: Record<string, string>;
  pending: boolean;
}) {
  return (
    <Disclosure
      summary={label}
      summaryLabel={accessibleLabel}
      summaryClassName={buttonClasses({ variant: 'secondary', size: 'sm', className: 'cursor-pointer' })}
      panelClassName="absolute right-0 z-30 mt-2 w-72 max-w-[calc(100vw-2rem)] rounded-xl border border-line bg-card p-4 text-left shadow-lift"
    >
      <p className="text-sm font-semibold text-ink">{title}</p>
      {description ? <p className="mt-1 text-sm leading-relaxed text-ink-muted">{description}</p> : null}
      <Form method="post" className="mt-4 flex justify-end gap-2">
        {Object.entries(fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <button
          type="button"
          className={buttonClasses({ variant: 'ghost', size: 'sm' })}
          onClick={(event) => {
            const details = event.currentTarget.closest('details');
            if (!details) return;
            details.open = false;
            // The focused button just disappeared: give focus back to the button that opened it.
            details.querySelector('summary')?.focus();
          }}
        >
          Cancel
        </button>
        <SubmitButton name="intent" value={intent} variant="danger" size="sm" pending={pending} pendingLabel="Working…">
          {confirmLabel}
        </SubmitButton>
      </Form>
    </Disclosure>
  );
}
