/**
 * A benchmark tenant made through the real API, as a user would: `POST /api/auth/signup` (a new
 * user and org; self_hosted plan in this edition), API keys (`POST /api/orgs/:slug/keys`, with
 * the session cookie and the same-origin header) and, optionally, agents of its own
 * (`POST /v1/agents`; one running task per agent, so they bound an org's parallelism).
 */

const PASSWORD = 'bench-password-123';
let ipCounter = 0;

/** A distinct client IP per signup: signups are rate limited per IP (10 per 10 min). */
export function nextIp() {
  ipCounter += 1;
  return `10.${70 + ((process.pid >> 8) % 50)}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

/**
 * One JSON request; never throws on an HTTP status.
 * @returns {Promise<{ status: number, json: any, text: string, headers: Headers }>}
 */
export async function requestJson(url, method, route, { body, headers = {}, key, timeoutMs = 30_000 } = {}) {
  const h = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const response = await fetch(url + route, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, json, text, headers: response.headers };
}

function expect(result, status, what) {
  if (result.status !== status) throw new Error(`${what}: HTTP ${result.status} ${result.text.slice(0, 300)}`);
  return result;
}

/**
 * @param {string} url the app, e.g. http://127.0.0.1:8910
 * @param {object} options
 * @param {string} options.tag part of the email and org name
 * @param {Array<{ name: string, scopes?: string[] }>} [options.keys] API keys to issue (no scopes: the default ones)
 * @param {number} [options.agents] agents to create with the first key (it needs agents:write)
 * @param {string} [options.agentPrefix] agent slugs are `<prefix>-1`… (default `bench`)
 * @returns {Promise<Tenant>}
 *
 * @typedef {object} Tenant
 * @property {string} slug
 * @property {string} plan
 * @property {string} cookie the owner's session cookie (`gc_session=…`)
 * @property {Record<string, string>} keys API key by name
 * @property {string[]} keyList the same keys in the order asked
 * @property {string[]} agents slugs of the agents created
 */
export async function createTenant(url, { tag, keys = [], agents = 0, agentPrefix = 'bench' }) {
  const origin = new URL(url).origin; // the request's own origin: the CSRF check accepts it
  const signup = expect(
    await requestJson(url, 'POST', '/api/auth/signup', {
      body: {
        email: `bench-${tag}-${Date.now()}-${ipCounter}@example.com`.toLowerCase(),
        password: PASSWORD,
        name: 'Bench',
        organization_name: `Bench ${tag}`,
      },
      headers: { origin, 'cf-connecting-ip': nextIp() },
    }),
    201,
    `signup ${tag}`,
  );
  const session = signup.headers.getSetCookie().find((c) => c.startsWith('gc_session='));
  if (!session) throw new Error(`signup ${tag}: no gc_session cookie`);
  const cookie = session.split(';')[0];
  const slug = signup.json.organization.slug;
  const tenant = {
    slug,
    plan: signup.json.organization.plan ?? 'unknown',
    cookie,
    keys: {},
    keyList: [],
    agents: [],
  };
  for (const { name, scopes } of keys) {
    const res = expect(
      await requestJson(url, 'POST', `/api/orgs/${slug}/keys`, {
        body: scopes ? { name, scopes } : { name },
        headers: { origin, cookie },
      }),
      201,
      `key ${name} for ${slug}`,
    );
    tenant.keys[name] = res.json.key;
    tenant.keyList.push(res.json.key);
  }
  for (let a = 1; a <= agents; a += 1) {
    const res = expect(
      await requestJson(url, 'POST', '/v1/agents', {
        key: tenant.keyList[0],
        body: {
          slug: `${agentPrefix}-${a}`,
          name: `${agentPrefix[0].toUpperCase()}${agentPrefix.slice(1)} ${a}`,
          role: 'Benchmark worker',
          personality: 'Works through benchmark tasks quickly and reports back.',
        },
      }),
      201,
      `agent ${a} in ${slug}`,
    );
    tenant.agents.push(res.json.slug);
  }
  return tenant;
}

export const FINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);

/**
 * Page size for GET /v1/tasks. Not 100: a full page of 100 answers 500, because viewTasks'
 * `task_id IN (…100 ids…)` plus the org id is 101 bound parameters, over D1's 100 per query.
 */
const PAGE = 99;

/** Every task of the key's org (newest first), paging /v1/tasks (at most 200 pages). */
export async function listTasks(url, key) {
  const all = [];
  let cursor = null;
  for (let page = 0; page < 200; page += 1) {
    const res = await requestJson(
      url,
      'GET',
      `/v1/tasks?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { key },
    );
    if (res.status !== 200) throw new Error(`GET /v1/tasks: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    all.push(...res.json.data);
    cursor = res.json.next_cursor;
    if (!cursor) break;
  }
  return all;
}

/**
 * Polls the org's task list until every task in `ids` is final (or `timeoutMs` passes).
 * @returns {Promise<{ done: boolean, byId: Map<string, any> }>}
 */
export async function waitForFinal(url, key, ids, { timeoutMs = 120_000, pollMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const byId = new Map((await listTasks(url, key)).map((task) => [task.id, task]));
    const done = ids.every((id) => FINAL_STATUSES.has(byId.get(id)?.status));
    if (done || Date.now() > deadline) return { done, byId };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
