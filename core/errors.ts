/**
 * The one error type of the domain. Services throw it where a problem is found; the Worker's
 * error handler turns it (and every other error) into the one error envelope of every JSON face
 * (docs/architecture.md, JSON faces): `{"error": {"code", "message", "details", "request_id"}}`.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  unauthorized: 401,
  payment_required: 402,
  quota_exceeded: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  config_invalid: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  readonly status: (typeof ERROR_STATUS)[ErrorCode];

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

export interface ErrorEnvelope {
  error: { code: string; message: string; details?: unknown; request_id: string };
}

export function errorEnvelope(code: string, message: string, requestId: string, details?: unknown): ErrorEnvelope {
  return { error: { code, message, ...(details === undefined ? {} : { details }), request_id: requestId } };
}

/** Field-level problems in a stable shape: `[{ field: "agent", message: "Required" }]`. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** What a problem with the whole of a request part is reported as (no field to name). */
const ROOT_FIELD: Record<string, string> = { json: '(body)', form: '(body)', query: '(query)', param: '(path)' };

/**
 * zod's issues as field issues. An unknown key is reported under its own name (zod gives the
 * object's path and lists the keys), one issue per key.
 *
 * @param target the request part validated (`json`, `query`…): names the root when a problem has no field
 */
export function fieldIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: string[] }>,
  target = 'json',
): FieldIssue[] {
  const name = (path: ReadonlyArray<PropertyKey>) => path.map(String).join('.') || (ROOT_FIELD[target] ?? '(body)');
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' && issue.keys?.length
      ? issue.keys.map((key) => ({ field: name([...issue.path, key]), message: 'Not a known field.' }))
      : [{ field: name(issue.path), message: issue.message }],
  );
}

/**
 * For an object-level refinement (e.g. "send at least one field"): it runs only when the fields
 * themselves were valid, so an unknown field is not also reported as an empty patch.
 */
export const whenFieldsValid = (payload: { issues: readonly unknown[] }) => payload.issues.length === 0;
