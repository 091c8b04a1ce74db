/**
 * What every /v1 operation has in common but no single route declares: the middleware in front
 * of the routes answers 400 for a malformed path, query or body, 413 and 415 for a body, and
 * 429 with its headers; every authenticated answer carries the rate-limit headers. Added to the
 * generated document in one pass, so the routes declare only what is theirs.
 */
type Json = Record<string, unknown>;
type Operation = {
  parameters?: Array<{ in?: string }>;
  requestBody?: unknown;
  security?: unknown[];
  responses?: Record<string, Json>;
};

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

const integerHeader = (description: string) => ({ description, schema: { type: 'integer' } });

/** The headers the per-key rate limit sets on every authenticated answer. */
const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': integerHeader('Requests this key may make per minute.'),
  'X-RateLimit-Remaining': integerHeader('Requests left in the current minute.'),
  'X-RateLimit-Reset': integerHeader('When the current minute ends (Unix seconds).'),
};

/** An error answer in our envelope (the `Error` schema every route's errors already use). */
const errorResponse = (description: string, headers?: Json) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const COMMON_ERRORS: Record<string, (op: Operation) => Json | null> = {
  400: (op) =>
    op.parameters?.length || op.requestBody
      ? errorResponse('The path, query or body is not valid (`validation_failed`, naming each field).')
      : null,
  413: (op) => (op.requestBody ? errorResponse('The body is larger than 256 KiB.') : null),
  415: (op) => (op.requestBody ? errorResponse('The body is not `application/json`.') : null),
  429: (op) =>
    op.security?.length
      ? errorResponse('Over the key’s per-minute limit.', {
          'Retry-After': integerHeader('Seconds until a request may succeed.'),
          ...RATE_LIMIT_HEADERS,
        })
      : null,
};

export function withCommonResponses<Doc extends { paths?: Json }>(doc: Doc): Doc {
  for (const item of Object.values(doc.paths ?? {}) as Json[]) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op?.responses) continue;
      for (const [status, make] of Object.entries(COMMON_ERRORS)) {
        const response = make(op);
        if (response) op.responses[status] = { ...op.responses[status], ...response };
      }
      if (!op.security?.length) continue;
      for (const [status, response] of Object.entries(op.responses))
        if (status.startsWith('2'))
          response.headers = { ...RATE_LIMIT_HEADERS, ...(response.headers as Json | undefined) };
    }
  }
  return doc;
}
