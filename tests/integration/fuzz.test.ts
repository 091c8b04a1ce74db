/**
 * Fuzzes every operation of /v1/openapi.json: malformed, oversized, wrongly typed, missing,
 * extra and Unicode-heavy path params, query strings, headers and bodies, with a key that has
 * every scope and with no credential. Every answer must be a 4xx JSON error envelope (a GET may
 * also answer 200 when the junk is ignorable), never a 5xx, and nothing may be written.
 * Bounded: a few thousand requests, sent in small parallel batches.
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { API_KEY_SCOPES } from '../../core/auth/api-keys';
import { createKey, ORIGIN, randomIp, signUp } from './helpers';

interface Operation {
  method: string;
  path: string;
  params: string[];
  body: { required: string[]; properties: Record<string, { type?: string }> } | null;
}

interface Probe {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const UNICODE = '李雷 Zoë 🚀 \u202eevil\u202c \u200b\u200d 🏳️‍🌈 Ω≈ç√ ﷽ \ufeff ñ';
const LONG_UNICODE = '🚀李'.repeat(1_500);
const MISSING_ID = 'zz_doesnotexist0000000000';

/** Path segments: each replaces a path parameter as written in the URL. */
const PATH_VALUES: Array<[string, string]> = [
  ['empty', ''],
  ['space', '%20'],
  ['long', 'x'.repeat(2_000)],
  ['traversal', '..%2F..%2Fetc%2Fpasswd'],
  ['dotdot', '..'],
  ['nul', '%00'],
  ['bad-percent', '%E0%A4%A'],
  ['surrogate-bytes', '%ED%A0%80'],
  ['unicode', encodeURIComponent(UNICODE)],
  ['sql', encodeURIComponent("' OR 1=1 --")],
  ['negative', '-1'],
  ['huge-number', '9'.repeat(40)],
  ['prefixed-missing', MISSING_ID],
  ['json', encodeURIComponent('{"$ne":null}')],
];

const QUERY_VALUES: Array<[string, string]> = [
  ['limit-negative', 'limit=-1'],
  ['limit-text', 'limit=abc'],
  ['limit-huge', 'limit=1e309'],
  ['limit-repeated', 'limit=1&limit=2&limit=x'],
  ['cursor-unicode', `cursor=${encodeURIComponent(UNICODE)}`],
  ['cursor-long', `cursor=${'c'.repeat(3_000)}`],
  ['status-unknown', 'status=exploded&priority=urgent!!&agent=%00'],
  ['since-negative', 'since=-5'],
  ['since-float', 'since=1.5'],
  ['q-long-unicode', `q=${encodeURIComponent(LONG_UNICODE)}`],
  ['bad-percent', 'q=%E0%A4%A&cursor=%'],
  ['proto', '__proto__[x]=1&constructor=2&status[]=a'],
];

function propertiesOf(schema: any, doc: any): Operation['body'] {
  if (!schema) return null;
  const resolved = schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;
  return { required: resolved?.required ?? [], properties: resolved?.properties ?? {} };
}

function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const schema = op.requestBody?.content?.['application/json']?.schema;
      ops.push({ method: method.toUpperCase(), path, params, body: propertiesOf(schema, doc) });
    }
  }
  return ops;
}

function fillPath(op: Operation, value?: string): string {
  return op.path.replace(/\{(\w+)\}/g, () => value ?? MISSING_ID);
}

/** A wrong value for a declared type (never valid for it). */
function wrongFor(type: string | undefined): unknown {
  switch (type) {
    case 'string':
      return { nested: [UNICODE] };
    case 'integer':
    case 'number':
      return '12abc';
    case 'boolean':
      return 'yes';
    case 'array':
      return 'not-an-array';
    case 'object':
      return [UNICODE];
    default:
      return { unexpected: [null, true, 1.5] };
  }
}

/** Bodies that are never valid for the operation's schema (so nothing may be written). */
function invalidBodies(op: Operation): Array<[string, string]> {
  const props = op.body?.properties ?? {};
  const names = Object.keys(props);
  const required = op.body?.required ?? [];
  const unicodeAll = Object.fromEntries(
    names.map((n) => [n, props[n]?.type === 'string' ? UNICODE : wrongFor(props[n]?.type)]),
  );
  // Unicode everywhere, and one field certainly of the wrong type.
  const anchor = required[0] ?? names[0];
  const bodies: Array<[string, string]> = [
    ['malformed', '{"a": '],
    ['empty-json', ''],
    ['null', 'null'],
    ['array', '[]'],
    ['string', '"just a string"'],
    ['number', '123'],
    ['bom', '\ufeff{}'],
    ['deep', `${'['.repeat(3_000)}${']'.repeat(3_000)}`],
    ['huge', JSON.stringify({ blob: 'x'.repeat(300 * 1024) })],
    ['nul-bytes', JSON.stringify({ '\u0000': '\u0000', [anchor ?? 'x']: wrongFor('object') })],
    ['lone-surrogate', `{"${anchor ?? 'x'}": ["\\ud800"], "\\udfff": 1}`],
    ['proto', `{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}, "${anchor ?? 'x'}": 7e400}`],
    ['unicode', JSON.stringify({ ...unicodeAll, [anchor ?? 'x']: wrongFor(props[anchor ?? '']?.type ?? 'string') })],
    [
      'long-unicode',
      JSON.stringify({ ...Object.fromEntries(names.map((n) => [n, LONG_UNICODE.repeat(8)])), [anchor ?? 'x']: [] }),
    ],
  ];
  if (required.length > 0) bodies.push(['empty-object', '{}']);
  if (names.length > 0) {
    bodies.push(['extra-only', JSON.stringify({ '💥extra': UNICODE })]);
    bodies.push([
      'all-wrong-types',
      JSON.stringify(Object.fromEntries(names.map((n) => [n, wrongFor(props[n]?.type)]))),
    ]);
    for (const name of required)
      bodies.push([
        `missing-${name}`,
        JSON.stringify(Object.fromEntries(names.filter((n) => n !== name).map((n) => [n, wrongFor(props[n]?.type)]))),
      ]);
  }
  return bodies;
}

function probesFor(op: Operation, auth: Record<string, string>, thorough: boolean): Probe[] {
  const probes: Probe[] = [];
  const json = { 'Content-Type': 'application/json' };
  const mutating = op.method !== 'GET';
  const base = (label: string, path: string, extra: Partial<Probe> = {}): Probe => ({
    label,
    method: op.method,
    path,
    headers: { ...auth, ...(extra.headers ?? {}) },
    ...(extra.body !== undefined ? { body: extra.body } : {}),
  });
  const paths = thorough ? PATH_VALUES : PATH_VALUES.filter(([l]) => ['long', 'bad-percent', 'unicode'].includes(l));
  if (op.params.length > 0)
    for (const [label, value] of paths)
      probes.push(base(`path:${label}`, fillPath(op, value), mutating && op.body ? { headers: json, body: '{}' } : {}));
  const queries = thorough ? QUERY_VALUES : QUERY_VALUES.slice(0, 3);
  for (const [label, query] of queries)
    probes.push(
      base(
        `query:${label}`,
        `${fillPath(op)}?${query}`,
        mutating && op.body ? { headers: json, body: '{"💥": 1}' } : {},
      ),
    );
  const headerProbes: Array<[string, Record<string, string>]> = [
    ['ct-text', { 'Content-Type': 'text/plain' }],
    ['ct-form', { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['ct-utf16', { 'Content-Type': 'application/json; charset=utf-16' }],
    ['ct-garbage', { 'Content-Type': ';;;/=' }],
    ['idempotency-long', { 'Idempotency-Key': 'k'.repeat(4_000), ...json }],
    ['idempotency-latin1', { 'Idempotency-Key': 'Zoë-ÿ-key', ...json }],
    ['org-latin1', { 'X-Organization': 'ÿÿÿ', ...json }],
    ['last-event-id', { 'Last-Event-ID': '-1e400' }],
    ['accept-weird', { Accept: 'application/💥'.replace('💥', 'x-evil') }],
  ];
  for (const [label, headers] of thorough ? headerProbes : headerProbes.slice(0, 2))
    probes.push(base(`header:${label}`, fillPath(op), { headers, body: mutating ? '{"💥": [1]}' : undefined }));
  if (mutating) {
    const bodies = invalidBodies(op);
    for (const [label, body] of thorough ? bodies : bodies.slice(0, 4))
      probes.push(base(`body:${label}`, fillPath(op), { headers: json, body }));
  }
  return probes;
}

const AUTH_PROBES: Array<[string, Record<string, string>]> = [
  ['none', {}],
  ['bearer-empty', { Authorization: 'Bearer' }],
  ['basic', { Authorization: 'Basic dXNlcjpwYXNz' }],
  ['bad-key', { Authorization: `Bearer gc_sk_${'0'.repeat(40)}` }],
  ['long-token', { Authorization: `Bearer ${'a'.repeat(5_000)}` }],
  ['latin1-token', { Authorization: 'Bearer ÿÿÿÿ.ÿÿ.ÿ' }],
];

async function send(probe: Probe) {
  const res = await SELF.fetch(`${ORIGIN}${probe.path}`, {
    method: probe.method,
    headers: { 'CF-Connecting-IP': randomIp(), ...probe.headers },
    body: probe.body,
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

const TABLES = [
  'users',
  'organizations',
  'memberships',
  'invitations',
  'sessions',
  'api_keys',
  'audit_log',
  'agents',
  'tasks',
  'threads',
  'messages',
  'schedules',
  'agent_runs',
  'credentials',
  'idempotency_keys',
];

async function counts() {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>();
    out[table] = row!.n;
  }
  return out;
}

describe('fuzzing every /v1 operation', () => {
  it('answers every malformed request with a 4xx envelope, never a 5xx, and writes nothing', async () => {
    const owner = await signUp({ name: 'Fuzz Owner 🚀' });
    const { key } = await createKey(owner.cookie, owner.org.slug, { name: 'fuzz 李雷', scopes: [...API_KEY_SCOPES] });
    const keyAuth = { Authorization: `Bearer ${key}` };
    const doc = await (await SELF.fetch(`${ORIGIN}/v1/openapi.json`)).json<any>();
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(20);

    const listings = ['/v1/tasks', '/v1/agents', '/v1/schedules', '/v1/messages', '/v1/approvals'];
    const snapshot = async () =>
      Promise.all(
        listings.map(async (path) => {
          const res = await SELF.fetch(`${ORIGIN}${path}`, { headers: { ...keyAuth, 'CF-Connecting-IP': randomIp() } });
          return `${path} ${res.status} ${await res.text()}`;
        }),
      );
    const before = { listings: await snapshot(), counts: await counts() };

    const probes: Array<Probe & { auth: string; op: string }> = [];
    for (const op of ops) {
      const name = `${op.method} ${op.path}`;
      for (const probe of probesFor(op, keyAuth, true)) probes.push({ ...probe, auth: 'key', op: name });
      for (const [authLabel, auth] of AUTH_PROBES)
        for (const probe of probesFor(op, auth, authLabel === 'none'))
          probes.push({ ...probe, auth: authLabel, op: name });
    }
    expect(probes.length).toBeLessThan(5_000);

    const failures: string[] = [];
    const serverErrors: string[] = [];
    let accepted = 0;
    const byStatus: Record<number, number> = {};
    const started = Date.now();
    for (let i = 0; i < probes.length; i += 12) {
      const batch = probes.slice(i, i + 12);
      const results = await Promise.all(batch.map(send));
      results.forEach((result, j) => {
        const probe = batch[j]!;
        const where = `${probe.op} [${probe.auth}] ${probe.label} → ${result.status}`;
        byStatus[result.status] = (byStatus[result.status] ?? 0) + 1;
        if (result.status >= 500) {
          serverErrors.push(`${where} ${result.text.slice(0, 160)}`);
          return;
        }
        if (result.status < 400) {
          // Only a read may shrug off junk it does not use; a mutation must never succeed.
          if (probe.method !== 'GET') failures.push(`${where}: a mutation accepted fuzz input`);
          else accepted += 1;
          return;
        }
        let body: any = null;
        try {
          body = JSON.parse(result.text);
        } catch {
          // reported below
        }
        const e = body?.error;
        if (
          !result.type.includes('application/json') ||
          typeof e?.code !== 'string' ||
          typeof e?.message !== 'string' ||
          typeof e?.request_id !== 'string' ||
          e.request_id === ''
        )
          failures.push(`${where}: not the error envelope: ${result.text.slice(0, 120)}`);
      });
    }
    const elapsed = Date.now() - started;

    const after = { listings: await snapshot(), counts: await counts() };
    console.info(
      `fuzz: ${ops.length} operations, ${probes.length} requests, ${serverErrors.length} 5xx, ${accepted} GETs answered 2xx, ${elapsed} ms, by status ${JSON.stringify(byStatus)}`,
    );
    expect(serverErrors).toEqual([]);
    expect(failures).toEqual([]);
    expect(after.counts).toEqual(before.counts);
    expect(after.listings).toEqual(before.listings);
  }, 120_000);
});
