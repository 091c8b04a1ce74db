/**
 * The small slice of OpenAPI 3.1 the API reference reads, and pure helpers over it: listing
 * operations by tag, anchors, resolving `$ref`, describing schemas, example bodies and curl.
 * No React here, so it is unit-tested on its own (openapi.test.ts).
 */

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  example?: unknown;
  examples?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
  deprecated?: boolean;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  deprecated?: boolean;
  schema?: JsonSchema;
  example?: unknown;
}

export interface MediaType {
  schema?: JsonSchema;
  example?: unknown;
}

export interface RequestBody {
  description?: string;
  required?: boolean;
  content?: Record<string, MediaType>;
}

export interface ResponseObject {
  description?: string;
  content?: Record<string, MediaType>;
}

export interface OperationObject {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  deprecated?: boolean;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<Parameter | { $ref: string }>;
  requestBody?: RequestBody | { $ref: string };
  responses?: Record<string, ResponseObject | { $ref: string }>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string; description?: string }>;
  tags?: Array<{ name: string; description?: string }>;
  security?: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, unknown>>;
  components?: {
    schemas?: Record<string, JsonSchema>;
    parameters?: Record<string, Parameter>;
    requestBodies?: Record<string, RequestBody>;
    responses?: Record<string, ResponseObject>;
    securitySchemes?: Record<string, { type: string; scheme?: string; description?: string }>;
  };
}

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One operation, flattened for rendering and filtering. */
export interface Operation {
  /** Unique, URL-safe: the operationId, else `post-v1-tasks`-style. */
  anchor: string;
  method: HttpMethod;
  path: string;
  tag: string;
  summary: string;
  description: string;
  deprecated: boolean;
  /** Whether a credential is needed (the operation's security, else the document's). */
  authenticated: boolean;
  parameters: Parameter[];
  requestBody: RequestBody | null;
  responses: Array<{ status: string; response: ResponseObject }>;
}

export interface TagGroup {
  name: string;
  anchor: string;
  description: string;
  operations: Operation[];
}

/** How the product's API is organised; tags the document adds later follow, in their order. */
export const TAG_ORDER = [
  'platform',
  'organization',
  'agents',
  'tasks',
  'messages',
  'approvals',
  'schedules',
  'usage',
  'activity',
];

/** Used when the document's own `tags` list gives no description. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  platform: 'Health of the deployment. No key needed.',
  organization: 'The organization an API key belongs to.',
  agents: 'The named agents of your organization: list, create, configure, pause and archive them.',
  tasks: 'Give agents work, follow it to the end and read every run’s trace.',
  messages: 'Talk to agents in threads; a message to an agent becomes a task and the reply lands in the thread.',
  approvals: 'Drafts addressed outside your organization wait here for a person to approve or reject.',
  schedules: 'Recurring tasks: a cron expression, an IANA time zone and a task template.',
  usage: 'Agent-minutes, tokens and cost this billing period, against your plan.',
  activity: 'The organization’s activity feed.',
};

export function isOpenApiDocument(value: unknown): value is OpenApiDocument {
  if (!value || typeof value !== 'object') return false;
  const doc = value as Partial<OpenApiDocument>;
  return (
    typeof doc.openapi === 'string' &&
    !!doc.info &&
    typeof doc.info.title === 'string' &&
    !!doc.paths &&
    typeof doc.paths === 'object'
  );
}

const isRef = (value: unknown): value is { $ref: string } =>
  !!value && typeof value === 'object' && typeof (value as { $ref?: unknown }).$ref === 'string';

/** The last segment of a local `$ref`: `#/components/schemas/Task` → `Task`. */
export function refName(ref: string): string {
  return decodeURIComponent(ref.split('/').pop() ?? ref)
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');
}

/** Follows a local JSON pointer (`#/components/…`); null when it leads nowhere. */
export function resolvePointer(doc: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) return null;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[key];
  }
  return node ?? null;
}

function deref<T>(doc: OpenApiDocument, value: T | { $ref: string }): T | null {
  let current: unknown = value;
  for (let hops = 0; isRef(current) && hops < 10; hops++) current = resolvePointer(doc, current.$ref);
  return isRef(current) ? null : ((current as T) ?? null);
}

/** A schema with its `$ref` (if any) followed; `name` is the component's name. */
export function resolveSchema(doc: OpenApiDocument, schema: JsonSchema): { schema: JsonSchema; name: string | null } {
  if (!schema.$ref) return { schema, name: null };
  const target = deref<JsonSchema>(doc, schema);
  return { schema: target ?? {}, name: refName(schema.$ref) };
}

/** `POST /v1/tasks/{id}` → `post-v1-tasks-id`. */
export function operationAnchor(method: string, path: string, operationId?: string): string {
  if (operationId) return operationId.replace(/[^A-Za-z0-9_-]+/g, '-');
  return `${method}-${path}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export const tagAnchor = (tag: string) => `tag-${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

/** Every operation of the document, grouped by its first tag, in the product's order. */
export function groupOperations(doc: OpenApiDocument): TagGroup[] {
  const groups = new Map<string, Operation[]>();
  const seen = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!item || typeof item !== 'object') continue;
    const shared = (
      Array.isArray((item as { parameters?: unknown }).parameters)
        ? (item as { parameters: Parameter[] }).parameters
        : []
    ) as Array<Parameter | { $ref: string }>;
    for (const method of HTTP_METHODS) {
      const op = (item as Record<string, OperationObject | undefined>)[method];
      if (!op || typeof op !== 'object') continue;
      const tag = op.tags?.[0] ?? 'other';
      let anchor = operationAnchor(method, path, op.operationId);
      while (seen.has(anchor)) anchor += '-1';
      seen.add(anchor);
      const parameters = mergeParameters(doc, shared, op.parameters ?? []);
      const requestBody = op.requestBody ? deref<RequestBody>(doc, op.requestBody) : null;
      const responses = Object.entries(op.responses ?? {})
        .map(([status, response]) => ({ status, response: deref<ResponseObject>(doc, response) ?? {} }))
        .sort((a, b) => a.status.localeCompare(b.status));
      const security = op.security ?? doc.security ?? [];
      const operation: Operation = {
        anchor,
        method,
        path,
        tag,
        summary: op.summary ?? '',
        description: op.description ?? '',
        deprecated: op.deprecated === true,
        authenticated: security.some((requirement) => Object.keys(requirement).length > 0),
        parameters,
        requestBody,
        responses,
      };
      groups.set(tag, [...(groups.get(tag) ?? []), operation]);
    }
  }
  const declared = (doc.tags ?? []).map((t) => t.name);
  const order = [...TAG_ORDER, ...declared.filter((t) => !TAG_ORDER.includes(t))];
  const rank = (tag: string) => (order.includes(tag) ? order.indexOf(tag) : order.length);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([name, operations]) => ({
      name,
      anchor: tagAnchor(name),
      description: doc.tags?.find((t) => t.name === name)?.description ?? TAG_DESCRIPTIONS[name] ?? '',
      operations,
    }));
}

/** Path-item parameters, overridden by the operation's own (same name and location). */
function mergeParameters(
  doc: OpenApiDocument,
  shared: Array<Parameter | { $ref: string }>,
  own: Array<Parameter | { $ref: string }>,
): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const raw of [...shared, ...own]) {
    const parameter = deref<Parameter>(doc, raw);
    if (parameter) byKey.set(`${parameter.in}:${parameter.name}`, parameter);
  }
  const order = { path: 0, query: 1, header: 2, cookie: 3 } as const;
  return [...byKey.values()].sort((a, b) => order[a.in] - order[b.in]);
}

/** Whether an operation matches a search: every word in its method, path, summary, description or tag. */
export function matchesQuery(operation: Operation, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack =
    `${operation.method} ${operation.path} ${operation.summary} ${operation.description} ${operation.tag} ${operation.anchor}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** A short type for a schema: `string`, `string | null`, `Task[]`, `map of number`. */
export function typeLabel(doc: OpenApiDocument, schema: JsonSchema | undefined, depth = 0): string {
  if (!schema || depth > 6) return 'any';
  if (schema.$ref) return refName(schema.$ref);
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return [...new Set(variants.map((v) => typeLabel(doc, v, depth + 1)))].join(' | ');
  if (schema.allOf) {
    const named = schema.allOf.find((part) => part.$ref);
    return named ? refName(named.$ref as string) : 'object';
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (schema.nullable && !types.includes('null')) types.push('null');
  if (types.length === 0) return schema.properties ? 'object' : 'any';
  return types
    .map((type) => {
      if (type === 'array') {
        const item = typeLabel(doc, schema.items, depth + 1);
        return item.includes(' ') ? `(${item})[]` : `${item}[]`;
      }
      if (
        type === 'object' &&
        !schema.properties &&
        schema.additionalProperties &&
        typeof schema.additionalProperties === 'object'
      ) {
        return `map of ${typeLabel(doc, schema.additionalProperties, depth + 1)}`;
      }
      if (type === 'string' && schema.format) return `string (${schema.format})`;
      return type;
    })
    .join(' | ');
}

/** Constraints worth showing next to a field, as short phrases. */
export function constraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && max !== undefined) out.push(`${min}–${max} ${unit}`);
    else if (min !== undefined) out.push(`at least ${min} ${unit}`);
    else if (max !== undefined) out.push(`at most ${max} ${unit}`);
  };
  range(schema.minLength, schema.maxLength, 'characters');
  range(schema.minItems, schema.maxItems, 'items');
  if (schema.minimum !== undefined && schema.maximum !== undefined) out.push(`${schema.minimum} to ${schema.maximum}`);
  else if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  else if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMinimum !== undefined) out.push(`> ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined) out.push(`< ${schema.exclusiveMaximum}`);
  if (schema.pattern) out.push(`pattern ${schema.pattern}`);
  return out;
}

/** Realistic values for the product's common fields, so generated requests read like real ones. */
const EXAMPLE_HINTS: Record<string, unknown> = {
  agent: 'sable',
  description: 'Review PR #42',
  title: 'Review PR #42',
  name: 'Weekly report',
  body: 'Can you look at the failing deploy?',
  content: 'Can you look at the failing deploy?',
  note: 'Looks good, send it.',
  cron: '0 9 * * 1',
  timezone: 'Europe/Berlin',
  priority: 'high',
  slug: 'nova',
  role: 'QA engineer',
};

/** An example value for a schema: its example, default or first enum value, else a placeholder by type. */
export function exampleValue(
  doc: OpenApiDocument,
  schema: JsonSchema | undefined,
  name?: string,
  depth = 0,
  requiredOnly = true,
): unknown {
  if (!schema || depth > 5) return null;
  const { schema: s } = resolveSchema(doc, schema);
  if (s.example !== undefined) return s.example;
  if (s.examples?.length) return s.examples[0];
  if (name && name in EXAMPLE_HINTS && (!s.enum || s.enum.includes(EXAMPLE_HINTS[name]))) return EXAMPLE_HINTS[name];
  if (s.default !== undefined && !(Array.isArray(s.default) && s.default.length === 0)) return s.default;
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum.find((v) => v !== null) ?? s.enum[0];
  const variants = s.oneOf ?? s.anyOf;
  if (variants?.length)
    return exampleValue(doc, variants.find((v) => v.type !== 'null') ?? variants[0], name, depth + 1, requiredOnly);
  if (s.allOf?.length) return exampleValue(doc, mergeAllOf(doc, s), name, depth + 1, requiredOnly);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [s.properties ? 'object' : 'string'];
  const type = types.find((t) => t !== 'null') ?? 'null';
  switch (type) {
    case 'string':
      return s.format === 'date-time'
        ? '2026-01-05T09:00:00Z'
        : s.format === 'email'
          ? 'ada@example.com'
          : s.format === 'uri'
            ? 'https://example.com'
            : 'string';
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [exampleValue(doc, s.items, undefined, depth + 1, requiredOnly)];
    case 'object':
      return exampleObject(doc, s, depth, requiredOnly);
    default:
      return null;
  }
}

function exampleObject(
  doc: OpenApiDocument,
  schema: JsonSchema,
  depth: number,
  requiredOnly: boolean,
): Record<string, unknown> {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  // Required fields only; when nothing is required (a PATCH), the first field shows the shape.
  const chosen = requiredOnly
    ? required.size > 0
      ? properties.filter(([key]) => required.has(key))
      : properties.slice(0, 1)
    : properties;
  return Object.fromEntries(
    chosen.map(([key, value]) => [key, exampleValue(doc, value, key, depth + 1, requiredOnly)]),
  );
}

/** One object schema out of `allOf` parts (properties and required lists combined). */
export function mergeAllOf(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  const merged: JsonSchema = { type: 'object', properties: {}, required: [] };
  for (const part of schema.allOf ?? []) {
    const resolved = resolveSchema(doc, part).schema;
    const flat = resolved.allOf ? mergeAllOf(doc, resolved) : resolved;
    Object.assign(merged.properties as Record<string, JsonSchema>, flat.properties ?? {});
    merged.required = [...new Set([...(merged.required ?? []), ...(flat.required ?? [])])];
    if (!merged.description && flat.description) merged.description = flat.description;
  }
  const { allOf: _allOf, ...rest } = schema;
  return { ...rest, ...merged, properties: { ...merged.properties, ...(rest.properties ?? {}) } };
}

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** The JSON schema of an operation's request body, when it takes JSON. */
export function jsonBodySchema(operation: Operation): JsonSchema | null {
  const content = operation.requestBody?.content ?? {};
  const type = Object.keys(content).find((t) => t.includes('json'));
  return type ? (content[type]?.schema ?? {}) : null;
}

/** Whether any response of the operation is a Server-Sent Events stream. */
export function isEventStream(operation: Operation): boolean {
  return operation.responses.some(({ response }) => Object.keys(response.content ?? {}).includes('text/event-stream'));
}

/** A copy-paste curl command for an operation: path examples filled in, the key from `$GC_API_KEY`. */
export function curlExample(doc: OpenApiDocument, operation: Operation, baseUrl: string): string {
  let path = operation.path;
  const query: string[] = [];
  const headers: string[] = [];
  for (const parameter of operation.parameters) {
    const example =
      parameter.example ??
      parameter.schema?.example ??
      (parameter.schema?.default !== undefined ? parameter.schema.default : undefined);
    if (parameter.in === 'path') {
      if (example !== undefined) path = path.replace(`{${parameter.name}}`, encodeURIComponent(String(example)));
    } else if (parameter.in === 'query' && parameter.required) {
      query.push(
        `${encodeURIComponent(parameter.name)}=${encodeURIComponent(String(example ?? exampleValue(doc, parameter.schema, parameter.name)))}`,
      );
    } else if (parameter.in === 'header') {
      const name = parameter.name.replace(
        /(^|-)([a-z])/g,
        (_, dash: string, letter: string) => dash + letter.toUpperCase(),
      );
      const value =
        example ??
        (parameter.name.toLowerCase() === 'idempotency-key'
          ? 'review-pr-42'
          : exampleValue(doc, parameter.schema, parameter.name));
      headers.push(`${name}: ${String(value)}`);
    }
  }
  const url = `${baseUrl.replace(/\/$/, '')}${path}${query.length ? `?${query.join('&')}` : ''}`;
  const lines = [
    `curl${isEventStream(operation) ? ' -N' : ''}${operation.method === 'get' ? '' : ` -X ${operation.method.toUpperCase()}`} "${url}"`,
  ];
  if (operation.authenticated) lines.push(`-H "Authorization: Bearer $GC_API_KEY"`);
  const bodySchema = jsonBodySchema(operation);
  if (bodySchema) lines.push(`-H "Content-Type: application/json"`);
  for (const header of headers) lines.push(`-H ${shellQuote(header)}`);
  if (bodySchema) {
    const body = exampleValue(doc, bodySchema);
    lines.push(`-d ${shellQuote(JSON.stringify(body ?? {}))}`);
  }
  return lines.join(' \\\n  ');
}

/** Responses with the same description and schema, grouped: one row for `400 401 403 … Error`. */
export function groupResponses(operation: Operation): Array<{ statuses: string[]; response: ResponseObject }> {
  const groups: Array<{ key: string; statuses: string[]; response: ResponseObject }> = [];
  for (const { status, response } of operation.responses) {
    const key = JSON.stringify([response.description ?? '', response.content ?? null]);
    // Only errors are grouped: each success keeps its own row.
    const group = status.startsWith('2')
      ? undefined
      : groups.find((g) => g.key === key && !g.statuses[0]?.startsWith('2'));
    if (group) group.statuses.push(status);
    else groups.push({ key, statuses: [status], response });
  }
  return groups.map(({ statuses, response }) => ({ statuses, response }));
}
