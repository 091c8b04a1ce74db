/**
 * MCP connections end to end in workerd: the local MCP server of tests/fakes/mcp-server.ts
 * (built with the same SDK), reached over streamable HTTP by real runs of the simulated model.
 */
import { describe, expect, inject, it, vi } from 'vitest';
import { costMicroUsd, DEFAULT_MODEL, WEB_SEARCH_MICRO_USD_PER_REQUEST } from '../../core/runtime/pricing';
import type { RecordedCall } from '../fakes/mcp-server';
import { call, createKey, hubSql, ORIGIN, signUp, startOfRateWindow, waitForStatus } from './helpers';

const MCP = inject('mcpServerUrl');
const FAKE_ANTHROPIC = inject('anthropicBaseUrl');
/** The token the local MCP server wants (tests/fakes/mcp-server.ts). */
const FAKE_MCP_TOKEN = 'mcp-test-token';

async function orgWithConnection(options: { timeoutMs?: number; slug?: string } = {}) {
  const owner = await signUp();
  const as = { cookie: owner.cookie, org: owner.org.slug };
  const created = await call('/v1/connections', {
    ...as,
    body: {
      name: 'Issue tracker',
      slug: options.slug ?? 'tracker',
      url: `${MCP}/mcp`,
      auth: { type: 'bearer', token: FAKE_MCP_TOKEN },
      headers: { 'X-Tenant': owner.org.slug },
      ...(options.timeoutMs ? { timeout_ms: options.timeoutMs } : {}),
    },
  });
  expect(created.status, created.text).toBe(201);
  const { key } = await createKey(owner.cookie, owner.org.slug, {
    name: 'mcp',
    scopes: ['tasks:read', 'tasks:write', 'agents:read', 'approvals:write', 'activity:read', 'connections:read'],
  });
  return { ...owner, as, key, connection: created.json };
}

async function stepsOf(key: string, runId: string) {
  return (await call(`/v1/runs/${runId}/steps?limit=200`, { key })).json.data as Array<{
    type: string;
    tool_name: string | null;
    content: string;
  }>;
}

async function callsWith(marker: string): Promise<RecordedCall[]> {
  const calls = (await (await fetch(`${MCP}/calls`)).json()) as RecordedCall[];
  return calls.filter((c) => JSON.stringify(c.args).includes(marker));
}

const marker = () => `m${crypto.randomUUID().slice(0, 8)}`;

describe('MCP connections', () => {
  it('an admin adds, tests and lists a connection; the token is sealed and never shown', async () => {
    const { as, key, org, connection } = await orgWithConnection();
    expect(connection).toMatchObject({ slug: 'tracker', auth_type: 'bearer', secret_last4: FAKE_MCP_TOKEN.slice(-4) });
    expect(JSON.stringify(connection)).not.toContain(FAKE_MCP_TOKEN);
    expect(connection.header_names).toEqual(['X-Tenant']);

    const test = await call(`/v1/connections/${connection.id}/test`, { ...as, method: 'POST' });
    expect(test.status).toBe(200);
    expect(test.json.ok, test.json.message).toBe(true);
    const tools = await call('/v1/connections/tracker/tools', { key });
    expect(tools.status).toBe(200);
    const byName = Object.fromEntries(tools.json.data.map((t: { name: string }) => [t.name, t]));
    expect(byName.tracker__search_issues).toMatchObject({ read_only: true, default_policy: 'auto' });
    expect(byName.tracker__create_issue).toMatchObject({ read_only: false, default_policy: 'ask' });

    const list = await call('/v1/connections', { key });
    expect(list.json.data).toHaveLength(1);
    expect(list.text).not.toContain(FAKE_MCP_TOKEN);
    const [row] = await hubSql<{ secret_ciphertext: string }>(org.id, 'SELECT secret_ciphertext FROM mcp_connections');
    expect(row!.secret_ciphertext).not.toContain(FAKE_MCP_TOKEN);

    // Keys act as members: they can read connections, never add or remove one.
    const byKey = await call('/v1/connections', { key, body: { name: 'x', url: `${MCP}/mcp` } });
    expect(byKey.status).toBe(403);
    const audit = await call(`/api/orgs/${org.slug}/audit`, { cookie: as.cookie });
    expect(audit.json.data.map((e: { action: string }) => e.action)).toContain('connection.created');
    expect(audit.text).not.toContain(FAKE_MCP_TOKEN);

    // The activity feed (which viewers read too) names the connection but not its URL, which
    // may carry a secret in its path.
    const activity = await call('/v1/activity?limit=50', { key });
    const created = activity.json.data.find((a: { type: string }) => a.type === 'connection.created');
    expect(created.data).toEqual({ connection_id: connection.id, slug: 'tracker', name: connection.name });
    expect(activity.text).not.toContain(connection.url);
  });

  it('tests and tool refreshes reach out at most 20 times a minute per org; the next one is 429', async () => {
    const { as, key, connection } = await orgWithConnection();
    // 20 connects a fixed minute: all of them must fall in the same one.
    await startOfRateWindow(60, 15_000);
    for (let i = 0; i < 19; i += 1) {
      const test = await call(`/v1/connections/${connection.id}/test`, { ...as, method: 'POST' });
      expect(test.status, test.text).toBe(200);
    }
    expect((await call('/v1/connections/tracker/tools?refresh=true', { key })).status).toBe(200);
    const cached = await call('/v1/connections/tracker/tools', { key });
    expect(cached.status, 'a cached listing does not count').toBe(200);
    const limited = await call(`/v1/connections/${connection.id}/test`, { ...as, method: 'POST' });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('rate_limited');
    expect(limited.res.headers.get('retry-after')).toBeTruthy();
    expect((await call('/v1/connections/tracker/tools?refresh=true', { key })).status).toBe(429);
  });

  it('the dashboard counts its Test button, and adding a connection (which lists its tools), against the same allowance', async () => {
    const { cookie, org, key, connection } = await orgWithConnection();
    const submit = (fields: Record<string, string>) =>
      call(`/orgs/${org.slug}/settings/connections`, {
        cookie,
        body: new URLSearchParams(fields).toString(),
        // Browsers always send Host; Remix compares it with Origin on a form post.
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Host: new URL(ORIGIN).host },
      });
    const add = (name: string) =>
      submit({
        intent: 'create',
        name,
        url: `${MCP}/mcp`,
        auth_type: 'bearer',
        token: FAKE_MCP_TOKEN,
        header_name: 'X-Tenant',
        header_value: org.slug,
      });
    // 20 connects a fixed minute: all of them must fall in the same one.
    await startOfRateWindow(60, 15_000);
    for (let i = 0; i < 19; i += 1) {
      const test = await submit({ intent: 'test', id: connection.id });
      expect(test.status).toBe(200);
      expect(test.text).not.toContain('Too many attempts');
    }
    expect((await add('Second tracker')).text).toContain('Added Second tracker.');

    const limited = await submit({ intent: 'test', id: connection.id });
    expect(limited.status).toBe(200);
    expect(limited.text).toMatch(/Too many attempts, try again in \d+ s\./);
    expect((await add('Third tracker')).text).toMatch(/Too many attempts, try again in \d+ s\./);
    const listed = await call('/v1/connections', { key });
    expect(listed.json.data.map((c: { name: string }) => c.name).sort()).toEqual(['Issue tracker', 'Second tracker']);
  });

  it('refuses private and non-local addresses, and bad input, with a clear error', async () => {
    const owner = await signUp();
    const as = { cookie: owner.cookie, org: owner.org.slug };
    for (const url of ['http://10.0.0.5/mcp', 'https://169.254.169.254/latest', 'http://mcp.example.com/mcp']) {
      const res = await call('/v1/connections', { ...as, body: { name: 'Bad', url } });
      expect(res.status, url).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
    }
    const reserved = await call('/v1/connections', {
      ...as,
      body: { name: 'Bad', url: `${MCP}/mcp`, headers: { Authorization: 'x' } },
    });
    expect(reserved.status).toBe(400);
    expect((await call('/v1/connections', { ...as })).json.data).toEqual([]);
  });

  it('a run lists the tools and calls the read tools the task names; the trace, activity and audit show it', async () => {
    const { key, as, org } = await orgWithConnection();
    const m = marker();
    const created = await call('/v1/tasks', {
      key,
      body: {
        agent: 'sable',
        description: `Triage: tracker__search_issues {"query": "${m}"} then tracker__get_issue {"number": 42}`,
      },
    });
    const done = await waitForStatus(key, created.json.id, 'completed');
    expect(done.result).toContain('Found 2 issues');
    expect(done.result).toContain('Issue #42');
    const [search] = await callsWith(m);
    expect(search).toMatchObject({
      tool: 'search_issues',
      authorization: `Bearer ${FAKE_MCP_TOKEN}`,
      tenant: org.slug,
    });
    const steps = await stepsOf(key, done.runs[0].id);
    const kinds = steps.map((s) => `${s.type}:${s.tool_name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'tool_use:tracker__search_issues',
        'tool_result:tracker__search_issues',
        'tool_use:tracker__get_issue',
      ]),
    );
    const activity = await call('/v1/activity?limit=100', { key });
    const called = activity.json.data.filter((a: { type: string }) => a.type === 'tool.called');
    expect(called.length).toBeGreaterThanOrEqual(2);
    await vi.waitFor(async () => {
      const audit = await call(`/api/orgs/${org.slug}/audit`, { cookie: as.cookie });
      const entry = audit.json.data.find((e: { action: string }) => e.action === 'mcp.tool_called');
      expect(entry?.metadata).toMatchObject({ agent_slug: 'sable', task_id: created.json.id, ok: true });
    });
  });

  it('ask: the write call waits in awaiting_approval; approve runs it exactly, reject tells the agent', async () => {
    const { key } = await orgWithConnection();
    const m = marker();
    const created = await call('/v1/tasks', {
      key,
      body: { agent: 'sable', description: `File it: tracker__create_issue {"title": "${m}"}` },
    });
    await waitForStatus(key, created.json.id, 'awaiting_approval');
    expect(await callsWith(m)).toEqual([]);
    const pending = await call('/v1/approvals', { key });
    const approval = pending.json.data.find((a: { task: { id: string } }) => a.task?.id === created.json.id);
    expect(approval).toMatchObject({ kind: 'tool_call', status: 'pending' });
    expect(approval.draft).toContain('tracker__create_issue');
    expect(approval.draft).toContain(m);

    const approved = await call(`/v1/approvals/${approval.id}/approve`, { key, body: {} });
    expect(approved.status).toBe(200);
    const done = await waitForStatus(key, created.json.id, 'completed');
    const calls = await callsWith(m);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ tool: 'create_issue', args: { title: m } });
    const second = done.runs.find((r: { attempt: number }) => r.attempt === 2) ?? done.runs.at(-1);
    const steps = await stepsOf(key, second.id);
    expect(steps.find((s) => s.type === 'tool_result' && s.tool_name === 'tracker__create_issue')?.content).toContain(
      'Created issue #101',
    );

    const m2 = marker();
    const refused = await call('/v1/tasks', {
      key,
      body: { agent: 'sable', description: `File it: tracker__create_issue {"title": "${m2}"}` },
    });
    await waitForStatus(key, refused.json.id, 'awaiting_approval');
    const next = (await call('/v1/approvals', { key })).json.data.find(
      (a: { task: { id: string } }) => a.task?.id === refused.json.id,
    );
    const rejected = await call(`/v1/approvals/${next.id}/reject`, { key, body: { note: 'Not now' } });
    expect(rejected.status).toBe(200);
    const after = await waitForStatus(key, refused.json.id, 'completed');
    expect(after.result).toContain('decided by a human');
    expect(await callsWith(m2)).toEqual([]);
  });

  it('never: the tool is not offered; policies need an admin', async () => {
    const { key, as } = await orgWithConnection();
    const byMemberKey = await call('/v1/agents/sable', {
      key,
      method: 'PATCH',
      body: { tool_policies: { tracker__search_issues: 'never' } },
    });
    expect(byMemberKey.status).toBe(403);
    const patched = await call('/v1/agents/sable', {
      ...as,
      method: 'PATCH',
      body: {
        tool_policies: { tracker__search_issues: 'never', tracker__create_issue: 'auto' },
        server_tools: ['web_search'],
      },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json.tool_policies).toEqual({ tracker__search_issues: 'never', tracker__create_issue: 'auto' });
    expect(patched.json.server_tools).toEqual(['web_search']);
    const askServer = await call('/v1/agents/sable', {
      ...as,
      method: 'PATCH',
      body: { tool_policies: { web_fetch: 'ask' } },
    });
    expect(askServer.status).toBe(400);

    const m = marker();
    const created = await call('/v1/tasks', {
      key,
      body: {
        agent: 'sable',
        description: `tracker__search_issues {"query": "${m}"} and tracker__create_issue {"title": "${m}"}`,
      },
    });
    const done = await waitForStatus(key, created.json.id, 'completed');
    const calls = await callsWith(m);
    // create_issue was set to auto (no approval); search_issues to never (not offered, never called).
    expect(calls.map((c) => c.tool)).toEqual(['create_issue']);
    const steps = await stepsOf(key, done.runs[0].id);
    expect(steps.some((s) => s.tool_name === 'tracker__search_issues')).toBe(false);

    const reset = await call('/v1/agents/sable', {
      ...as,
      method: 'PATCH',
      body: { tool_policies: { tracker__search_issues: null } },
    });
    expect(reset.json.tool_policies).toEqual({ tracker__create_issue: 'auto' });
  });

  it('a slow or failing tool fails the call, not the run; a server that is down fails its test cleanly', async () => {
    const { key, as } = await orgWithConnection({ timeoutMs: 1_000 });
    const created = await call('/v1/tasks', {
      key,
      body: { agent: 'sable', description: 'Check: tracker__slow_report {"seconds": 4} and tracker__flaky_check' },
    });
    const done = await waitForStatus(key, created.json.id, 'completed', 25_000);
    const steps = await stepsOf(key, done.runs[0].id);
    const results = steps.filter((s) => s.type === 'tool_result');
    expect(results.find((s) => s.tool_name === 'tracker__slow_report')?.content).toMatch(/timed out|timeout/i);
    expect(results.find((s) => s.tool_name === 'tracker__flaky_check')?.content).toContain('unavailable');

    const down = await call('/v1/connections', { ...as, body: { name: 'Down', slug: 'down', url: `${MCP}/down/mcp` } });
    expect(down.status).toBe(201);
    const test = await call(`/v1/connections/${down.json.id}/test`, { ...as, method: 'POST' });
    expect(test.status).toBe(200);
    expect(test.json.ok).toBe(false);
    expect(test.json.message).toMatch(/connect/i);
    const tools = await call('/v1/connections/down/tools?refresh=true', { key });
    expect(tools.status).toBe(503);
    // With a broken connection in the org, runs still work with the other tools.
    const m = marker();
    const ok = await call('/v1/tasks', {
      key,
      body: { agent: 'sable', description: `tracker__search_issues {"query": "${m}"}` },
    });
    await waitForStatus(key, ok.json.id, 'completed', 25_000);
    expect(await callsWith(m)).toHaveLength(1);
  });

  it("org A's connection is never used by org B", async () => {
    const a = await orgWithConnection();
    const b = await signUp();
    const bKey = (
      await createKey(b.cookie, b.org.slug, { name: 'b', scopes: ['tasks:read', 'tasks:write', 'connections:read'] })
    ).key;
    expect((await call(`/v1/connections/${a.connection.id}`, { key: bKey, method: 'DELETE' })).status).toBe(403);
    expect((await call(`/v1/connections/${a.connection.id}/tools`, { key: bKey })).status).toBe(404);
    expect(
      (await call(`/v1/connections/${a.connection.id}/test`, { cookie: b.cookie, org: b.org.slug, method: 'POST' }))
        .status,
    ).toBe(404);
    expect((await call('/v1/connections', { key: bKey })).json.data).toEqual([]);
    const m = marker();
    const created = await call('/v1/tasks', {
      key: bKey,
      body: { agent: 'sable', description: `tracker__search_issues {"query": "${m}"}` },
    });
    const done = await waitForStatus(bKey, created.json.id, 'completed');
    expect(done.result).not.toContain('Found 2 issues');
    expect(await callsWith(m)).toEqual([]);
  });

  it('server tools: web search is offered only to agents switched on, shows in the trace and is charged per search', async () => {
    const owner = await signUp();
    const as = { cookie: owner.cookie, org: owner.org.slug };
    const put = await call(`/api/orgs/${owner.org.slug}/credentials`, {
      cookie: owner.cookie,
      method: 'PUT',
      body: { anthropic_api_key: `sk-ant-test-${crypto.randomUUID()}` },
    });
    expect(put.status).toBe(200);
    const { key } = await createKey(owner.cookie, owner.org.slug, { name: 'k', scopes: ['tasks:read', 'tasks:write'] });
    const on = await call('/v1/agents/sable', { ...as, method: 'PATCH', body: { server_tools: ['web_search'] } });
    expect(on.json.server_tools).toEqual(['web_search']);

    const scenario = `websearch:${crypto.randomUUID().slice(0, 8)}`;
    const created = await call('/v1/tasks', {
      key,
      body: { agent: 'sable', description: `Research caching [fake:${scenario}]` },
    });
    const done = await waitForStatus(key, created.json.id, 'completed');
    const requests = (await (
      await fetch(`${FAKE_ANTHROPIC}/__requests?scenario=${encodeURIComponent(scenario)}`)
    ).json()) as Array<{
      toolNames: string[];
    }>;
    expect(requests[0]!.toolNames).toContain('web_search');
    expect(requests[0]!.toolNames).not.toContain('web_fetch');
    const run = done.runs[0];
    expect(run.usage.web_search_requests).toBe(1);
    expect(Math.round(run.usage.cost_usd * 1_000_000)).toBe(
      costMicroUsd(DEFAULT_MODEL, run.usage.input_tokens, run.usage.output_tokens) + WEB_SEARCH_MICRO_USD_PER_REQUEST,
    );
    const steps = await stepsOf(key, run.id);
    expect(steps.map((s) => `${s.type}:${s.tool_name}`)).toEqual(
      expect.arrayContaining(['tool_use:web_search', 'tool_result:web_search']),
    );
    expect(steps.find((s) => s.type === 'tool_result' && s.tool_name === 'web_search')?.content).toContain(
      'https://example.com/caching',
    );

    // Another agent without the switch is not offered the tool.
    const other = `websearch:${crypto.randomUUID().slice(0, 8)}`;
    const plain = await call('/v1/tasks', { key, body: { agent: 'yuki', description: `Research [fake:${other}]` } });
    await waitForStatus(key, plain.json.id, ['completed', 'failed', 'pending']);
    const plainRequests = (await (
      await fetch(`${FAKE_ANTHROPIC}/__requests?scenario=${encodeURIComponent(other)}`)
    ).json()) as Array<{
      toolNames: string[];
    }>;
    expect(plainRequests[0]!.toolNames).not.toContain('web_search');
  });
});
