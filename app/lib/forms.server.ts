/**
 * Actions turn expected failures into form state, never crashes: zod issues become field
 * errors, and an ApiError thrown by a core service (400, 401, 403, 404, 409, 429…) becomes
 * the form's message plus any field issues it carries. Anything else is a real error and
 * propagates to the error boundary.
 *
 * Failures are returned with status 200: the form re-renders in place, and the browser does
 * not log a failed request for an answer the page handles.
 */
import type { z } from 'zod';
import { ApiError, type FieldIssue, fieldIssues } from '../../core/errors';

export interface FormFailure {
  ok: false;
  /** Which form on the page failed (the submit button's `intent`). */
  intent: string | null;
  formError: string | null;
  fieldErrors: Record<string, string>;
  /** What the user typed, for forms that re-render it (set by the action). */
  values?: undefined;
}

export function formFailure(
  intent: string | null,
  formError: string | null,
  fieldErrors: Record<string, string> = {},
): FormFailure {
  return { ok: false, intent, formError, fieldErrors };
}

function firstPerField(issues: readonly FieldIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.field.split('.')[0]!;
    out[field] ??= issue.message;
  }
  return out;
}

/** Validates `input` with a core schema; on failure, the field errors to show. */
export function parseForm<S extends z.ZodType>(
  schema: S,
  input: unknown,
  intent: string | null = null,
): { ok: true; data: z.output<S> } | { ok: false; failure: FormFailure } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors = firstPerField(fieldIssues(result.error.issues));
  const bodyError = fieldErrors['(body)'];
  delete fieldErrors['(body)'];
  return {
    ok: false,
    failure: formFailure(intent, bodyError ?? 'Please correct the highlighted fields.', fieldErrors),
  };
}

/** The form state for an ApiError a core service threw; rethrows everything else. */
export function failureFromError(error: unknown, intent: string | null = null): FormFailure {
  if (!(error instanceof ApiError) || error.status >= 500) throw error;
  const issues = Array.isArray(error.details)
    ? (error.details as unknown[]).filter(
        (item): item is FieldIssue => typeof item === 'object' && item !== null && 'field' in item && 'message' in item,
      )
    : [];
  return formFailure(intent, error.message, firstPerField(issues));
}

/** A text field of a form: trimmed string, or undefined when absent or blank. */
export function optionalText(formData: FormData, name: string): string | undefined {
  const value = formData.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A text field as sent (empty string when absent), for schemas that word the "missing" message. */
export function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === 'string' ? value : '';
}

/**
 * The request's form fields; a body that is not a readable form (a truncated or malformed
 * multipart body, say) is the client's mistake: 400, never a 500 from the error boundary.
 */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response('The form could not be read.', {
      status: 400,
      statusText: 'Bad Request',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
}
