/**
 * Form controls of the app: a label on every control, errors tied to it with aria-invalid and
 * aria-describedby, and one look for inputs, selects and checkboxes.
 */
import { useActionData, useNavigation } from '@remix-run/react';
import {
  type InputHTMLAttributes,
  type ReactNode,
  type RefObject,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useEffect,
  useId,
  useRef,
} from 'react';
import { Button } from './Button';
import { Icon } from './Icon';

export const inputClasses =
  'block w-full rounded-lg border border-line-strong bg-card px-3 text-sm text-ink shadow-sm transition-colors placeholder:text-ink-faint hover:border-ink-faint/60 focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 focus:outline-none aria-[invalid=true]:border-red-500 aria-[invalid=true]:focus:ring-red-500/20 disabled:cursor-not-allowed disabled:opacity-60 read-only:bg-page-alt';

interface FieldChrome {
  label: ReactNode;
  error?: string | null;
  hint?: ReactNode;
  /** Hides the label visually (it stays for screen readers). */
  hideLabel?: boolean;
}

function FieldMessages({
  hintId,
  errorId,
  hint,
  error,
}: {
  hintId: string;
  errorId: string;
  hint?: ReactNode;
  error?: string | null;
}) {
  return (
    <>
      {hint ? (
        <p id={hintId} className="mt-1.5 text-xs leading-relaxed text-ink-faint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="mt-1.5 flex items-start gap-1.5 text-sm text-red-600 dark:text-red-400">
          <Icon name="alert" className="mt-0.5 size-4 shrink-0" />
          <span>{error}</span>
        </p>
      ) : null}
    </>
  );
}

function describedBy(hint: unknown, error: unknown, hintId: string, errorId: string): string | undefined {
  return [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
}

export function TextField({
  label,
  error,
  hint,
  hideLabel,
  className = '',
  ...input
}: FieldChrome & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={className}>
      <label htmlFor={input.id ?? id} className={hideLabel ? 'sr-only' : 'block text-sm font-medium text-ink'}>
        {label}
      </label>
      <input
        id={id}
        {...input}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, hintId, errorId)}
        className={`${inputClasses} h-10 ${hideLabel ? '' : 'mt-1.5'}`}
      />
      <FieldMessages hintId={hintId} errorId={errorId} hint={hint} error={error} />
    </div>
  );
}

export function TextAreaField({
  label,
  error,
  hint,
  hideLabel,
  className = '',
  ...textarea
}: FieldChrome & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={className}>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'block text-sm font-medium text-ink'}>
        {label}
      </label>
      <textarea
        id={id}
        rows={4}
        {...textarea}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, hintId, errorId)}
        className={`${inputClasses} py-2 leading-relaxed ${hideLabel ? '' : 'mt-1.5'}`}
      />
      <FieldMessages hintId={hintId} errorId={errorId} hint={hint} error={error} />
    </div>
  );
}

export function SelectField({
  label,
  error,
  hint,
  hideLabel,
  className = '',
  children,
  ...select
}: FieldChrome & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={className}>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'block text-sm font-medium text-ink'}>
        {label}
      </label>
      <select
        id={id}
        {...select}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, hintId, errorId)}
        className={`${inputClasses} h-10 pr-8 ${hideLabel ? '' : 'mt-1.5'}`}
      >
        {children}
      </select>
      <FieldMessages hintId={hintId} errorId={errorId} hint={hint} error={error} />
    </div>
  );
}

export function Checkbox({
  label,
  hint,
  ...input
}: { label: ReactNode; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="flex items-start gap-2.5">
      <input
        id={id}
        type="checkbox"
        {...input}
        aria-describedby={hint ? `${id}-hint` : undefined}
        className="mt-0.5 size-4 shrink-0 rounded border-line-strong accent-brand-600"
      />
      <label htmlFor={id} className="text-sm leading-5 text-ink">
        {label}
        {hint ? (
          <span id={`${id}-hint`} className="block text-xs text-ink-faint">
            {hint}
          </span>
        ) : null}
      </label>
    </div>
  );
}

/**
 * The form-level message: an error (role=alert, announced) or a success note (role=status).
 * `focusFor`: each new non-null value (an action's result) moves focus to the message, which
 * brings it into view. For a form that re-mounts when it saves: its button, which had focus,
 * is gone, and content that changed above it in the same render may have moved it off screen.
 */
export function FormAlert({
  message,
  tone = 'error',
  className = '',
  focusFor,
}: {
  message: ReactNode | null | undefined;
  tone?: 'error' | 'success' | 'info';
  className?: string;
  focusFor?: object | null;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusFor) ref.current?.focus();
  }, [focusFor]);
  if (!message) return null;
  const tones = {
    error: 'border-red-200 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950/60 dark:text-red-200',
    success:
      'border-emerald-200 bg-emerald-50 text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950/60 dark:text-emerald-200',
    info: 'border-line bg-page-alt text-ink-muted',
  };
  return (
    <div
      ref={ref}
      role={tone === 'error' ? 'alert' : 'status'}
      tabIndex={-1}
      className={`flex items-start gap-2.5 rounded-lg border px-3.5 py-3 text-sm outline-none ${tones[tone]} ${className}`}
    >
      <Icon
        name={tone === 'error' ? 'alert' : tone === 'success' ? 'check' : 'info'}
        className="mt-0.5 size-4 shrink-0"
      />
      <div className="min-w-0">{message}</div>
    </div>
  );
}

/**
 * After a failed submit, moves focus to the first invalid field (or the form's alert), so
 * keyboard and screen-reader users land on what needs fixing.
 */
export function useFocusFirstError(
  formRef: RefObject<HTMLFormElement | null>,
  result: { ok: boolean } | null | undefined,
) {
  useEffect(() => {
    if (!result || result.ok) return;
    focusFirstProblem(formRef.current);
  }, [formRef, result]);
}

/**
 * For a page with several forms: after a failed submit, focus goes to the first invalid field
 * on the page (else its alert), wherever that form is.
 */
export function useFocusFirstErrorOnPage(result: { ok: boolean } | null | undefined) {
  useEffect(() => {
    if (!result || result.ok) return;
    focusFirstProblem(document.getElementById('main'));
  }, [result]);
}

/** Focuses the first invalid field in `form` (a form or a page region), else its alert. */
export function focusFirstProblem(form: HTMLElement | null | undefined) {
  const target =
    form?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form?.querySelector<HTMLElement>('[role="alert"]');
  target?.focus();
}

/** True while this page's POST (optionally: the one with this `intent`) is in flight. */
/**
 * A route form's state: its action's result, whether it is being submitted, the ref for the
 * <Form>, and the field errors; after a failed submit the first problem gets the focus.
 */
export function useActionForm<Action>() {
  const result = useActionData<Action>() as
    | (ReturnType<typeof useActionData<Action>> & { ok: boolean; fieldErrors?: Record<string, string> })
    | undefined;
  const pending = useIsSubmitting();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, result);
  const errors: Partial<Record<string, string>> = result?.fieldErrors ?? {};
  return { result, pending, formRef, errors };
}

export function useIsSubmitting(intent?: string, field?: { name: string; value: string }): boolean {
  const navigation = useNavigation();
  if (navigation.state === 'idle' || navigation.formMethod?.toUpperCase() !== 'POST') return false;
  if (intent !== undefined && navigation.formData?.get('intent') !== intent) return false;
  return field === undefined || navigation.formData?.get(field.name) === field.value;
}

export function Spinner({ className = 'size-4' }: { className?: string }) {
  return (
    <svg viewBox="0 0 24 24" className={`animate-spin ${className}`} fill="none" aria-hidden="true">
      <circle cx="12" cy="12" r="9" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
      <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}

/** A submit button that shows a spinner and `pendingLabel` while its form is submitting. */
export function SubmitButton({
  children,
  pending,
  pendingLabel,
  ...props
}: { pending: boolean; pendingLabel?: string } & Omit<Parameters<typeof Button>[0], 'type'>) {
  return (
    <Button
      type="submit"
      aria-disabled={pending || undefined}
      {...props}
      onClick={pending ? (event) => event.preventDefault() : props.onClick}
    >
      {pending ? <Spinner /> : null}
      {pending && pendingLabel ? pendingLabel : children}
    </Button>
  );
}
