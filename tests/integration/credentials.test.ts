/**
 * Bring your own key (issue 5): the org's Anthropic key is stored sealed, shown as last4 only,
 * managed by admins, bound to its org, and survives an encryption-key rotation. The real
 * Anthropic call of "test key" is covered in core/credentials.test.ts with a fake fetch.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config';
import { resolveAnthropicKey } from '../../core/credentials';
import { getDb } from '../../core/db/client';
import { call, signUp, uniqueEmail } from './helpers';

const secretPart = () => crypto.randomUUID().replaceAll('-', '');
const anthropicKey = () => `sk-ant-api03-${secretPart()}${secretPart()}-AbCd`;

async function join(ownerCookie: string, slug: string, role: string) {
  const email = uniqueEmail(role);
  const invite = await call(`/api/orgs/${slug}/invitations`, { cookie: ownerCookie, body: { email, role } });
  expect(invite.status).toBe(201);
  return signUp({ email, invitationToken: invite.json.token });
}

async function storedRow(orgId: string) {
  // Test-only raw read of the row, to prove what is (and is not) at rest.
  return env.DB.prepare(`SELECT * FROM credentials WHERE organization_id = ?`)
    .bind(orgId)
    .first<Record<string, unknown>>();
}

async function agentIds(cookie: string, slug: string) {
  const { json } = await call('/v1/agents', { cookie, org: slug });
  return json.data as Array<{ id: string; slug: string }>;
}

describe('model key (credentials)', () => {
  it('PUT seals the key in D1 (only last4 in clear), GET and the audit log show last4 only', async () => {
    const owner = await signUp();
    const slug = owner.org.slug;
    const key = anthropicKey();

    const empty = await call(`/api/orgs/${slug}/credentials`, { cookie: owner.cookie });
    expect(empty.status).toBe(200);
    expect(empty.json).toMatchObject({ provider: 'anthropic', configured: false, last4: null, fallback: 'simulated' });

    const put = await call(`/api/orgs/${slug}/credentials`, {
      cookie: owner.cookie,
      method: 'PUT',
      body: { anthropic_api_key: key },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      provider: 'anthropic',
      configured: true,
      last4: 'AbCd',
      key_version: 1,
      allowed_agent_ids: null,
    });
    expect(put.json.updated_by).toMatchObject({ id: owner.user.id });
    expect(put.text).not.toContain(key.slice(0, 20));

    const row = await storedRow(owner.org.id);
    expect(row).not.toBeNull();
    expect(row!.last4).toBe('AbCd');
    expect(row!.key_version).toBe(1);
    const rowText = JSON.stringify(row);
    expect(rowText).not.toContain(key);
    expect(rowText).not.toContain(key.slice(13, 45));
    expect(atob(row!.ciphertext as string)).not.toContain('sk-ant');

    const get = await call(`/api/orgs/${slug}/credentials`, { cookie: owner.cookie });
    expect(get.json).toMatchObject({ configured: true, last4: 'AbCd' });
    expect(get.text).not.toContain(key.slice(13, 45));

    const audit = await call(`/api/orgs/${slug}/audit`, { cookie: owner.cookie });
    const entry = audit.json.data.find((e: { action: string }) => e.action === 'credentials.updated');
    expect(entry.metadata).toMatchObject({ provider: 'anthropic', change: 'set', last4: 'AbCd' });
    expect(audit.text).not.toContain(key.slice(13, 45));

    // What the agent runtime gets: the org's key, in clear, for its run only.
    const config = loadConfig(env);
    const [agent] = await agentIds(owner.cookie, slug);
    expect(await resolveAnthropicKey(getDb(env), config, owner.org.id, agent!.id)).toEqual({
      source: 'org',
      apiKey: key,
    });
  });

  it('validates the key shape and the allowed agents, restricting the key to those agents', async () => {
    const owner = await signUp();
    const slug = owner.org.slug;
    const bad = await call(`/api/orgs/${slug}/credentials`, {
      cookie: owner.cookie,
      method: 'PUT',
      body: { anthropic_api_key: 'sk-live-nope-nope-nope-nope' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe('anthropic_api_key');
    expect(bad.text).not.toContain('sk-live-nope');

    const unknown = await call(`/api/orgs/${slug}/credentials`, {
      cookie: owner.cookie,
      method: 'PUT',
      body: { anthropic_api_key: anthropicKey(), allowed_agents: ['sable', 'nobody-here'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.details).toEqual([
      { field: 'allowed_agents.1', message: expect.stringContaining('nobody-here') },
    ]);
    expect(await storedRow(owner.org.id)).toBeNull();

    const agents = await agentIds(owner.cookie, slug);
    const sable = agents.find((a) => a.slug === 'sable')!;
    const other = agents.find((a) => a.slug !== 'sable')!;
    const key = anthropicKey();
    const put = await call(`/api/orgs/${slug}/credentials`, {
      cookie: owner.cookie,
      method: 'PUT',
      body: { anthropic_api_key: key, allowed_agents: ['sable', sable.id] },
    });
    expect(put.status).toBe(200);
    expect(put.json.allowed_agent_ids).toEqual([sable.id]);

    const db = getDb(env);
    const config = loadConfig(env);
    expect(await resolveAnthropicKey(db, config, owner.org.id, sable.id)).toEqual({ source: 'org', apiKey: key });
    // Not allowed: the platform key if there is one, else null (the simulated model).
    expect(
      await resolveAnthropicKey(db, { ...config, ANTHROPIC_API_KEY: undefined }, owner.org.id, other.id),
    ).toBeNull();
    expect(
      await resolveAnthropicKey(db, { ...config, ANTHROPIC_API_KEY: 'sk-ant-platform' }, owner.org.id, other.id),
    ).toEqual({ source: 'platform', apiKey: 'sk-ant-platform' });
  });

  it('only admins and owners manage it; other orgs get 404', async () => {
    const owner = await signUp();
    const slug = owner.org.slug;
    const member = await join(owner.cookie, slug, 'member');
    const viewer = await join(owner.cookie, slug, 'viewer');
    const admin = await join(owner.cookie, slug, 'admin');
    const outsider = await signUp();
    const body = { anthropic_api_key: anthropicKey() };

    for (const who of [member, viewer]) {
      expect((await call(`/api/orgs/${slug}/credentials`, { cookie: who.cookie })).status).toBe(403);
      expect((await call(`/api/orgs/${slug}/credentials`, { cookie: who.cookie, method: 'PUT', body })).status).toBe(
        403,
      );
      expect((await call(`/api/orgs/${slug}/credentials`, { cookie: who.cookie, method: 'DELETE' })).status).toBe(403);
      expect((await call(`/api/orgs/${slug}/credentials/test`, { cookie: who.cookie, body: {} })).status).toBe(403);
    }
    for (const [method, path, payload] of [
      ['GET', '', undefined],
      ['PUT', '', body],
      ['DELETE', '', undefined],
      ['POST', '/test', {}],
    ] as const) {
      const res = await call(`/api/orgs/${slug}/credentials${path}`, {
        cookie: outsider.cookie,
        method,
        body: payload,
      });
      expect(res.status).toBe(404);
      expect(res.text).not.toContain(owner.org.id);
    }
    expect(await storedRow(owner.org.id)).toBeNull();

    const put = await call(`/api/orgs/${slug}/credentials`, { cookie: admin.cookie, method: 'PUT', body });
    expect(put.status).toBe(200);
    expect(put.json.updated_by.id).toBe(admin.user.id);
    // Removing is idempotent; the second time there is nothing to remove.
    expect((await call(`/api/orgs/${slug}/credentials`, { cookie: admin.cookie, method: 'DELETE' })).status).toBe(204);
    expect((await call(`/api/orgs/${slug}/credentials`, { cookie: admin.cookie, method: 'DELETE' })).status).toBe(204);
    expect(await storedRow(owner.org.id)).toBeNull();
    const audit = await call(`/api/orgs/${slug}/audit`, { cookie: owner.cookie });
    const changes = audit.json.data
      .filter((e: { action: string }) => e.action === 'credentials.updated')
      .map((e: { metadata: { change: string } }) => e.metadata.change);
    expect(changes).toEqual(['removed', 'set']);
  });

  it('a sealed row copied into another org does not open there', async () => {
    const a = await signUp();
    const b = await signUp();
    await call(`/api/orgs/${a.org.slug}/credentials`, {
      cookie: a.cookie,
      method: 'PUT',
      body: { anthropic_api_key: anthropicKey() },
    });
    const row = (await storedRow(a.org.id))!;
    await env.DB.prepare(
      `INSERT INTO credentials (id, organization_id, provider, ciphertext, iv, key_version, last4, allowed_agent_ids, created_by) VALUES (?, ?, 'anthropic', ?, ?, ?, ?, NULL, NULL)`,
    )
      .bind(`crd_copy_${crypto.randomUUID()}`, b.org.id, row.ciphertext, row.iv, row.key_version, row.last4)
      .run();
    const [agent] = await agentIds(b.cookie, b.org.slug);
    await expect(resolveAnthropicKey(getDb(env), loadConfig(env), b.org.id, agent!.id)).rejects.toThrowError(
      /cannot be decrypted/,
    );
    const tested = await call(`/api/orgs/${b.org.slug}/credentials/test`, { cookie: b.cookie, body: {} });
    expect(tested.json).toMatchObject({ ok: false, message: expect.stringContaining('cannot be decrypted') });
  });

  it('test with no key configured says so, without calling Anthropic', async () => {
    const owner = await signUp();
    const res = await call(`/api/orgs/${owner.org.slug}/credentials/test`, { cookie: owner.cookie, body: {} });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: false, status: null, message: expect.stringContaining('no key to test') });
    const malformed = await call(`/api/orgs/${owner.org.slug}/credentials/test`, {
      cookie: owner.cookie,
      body: { anthropic_api_key: 'nope' },
    });
    expect(malformed.status).toBe(400);
  });

  it('a row sealed under key version 1 still opens after rotating to version 2, and is re-sealed', async () => {
    const owner = await signUp();
    const key = anthropicKey();
    await call(`/api/orgs/${owner.org.slug}/credentials`, {
      cookie: owner.cookie,
      method: 'PUT',
      body: { anthropic_api_key: key },
    });
    expect((await storedRow(owner.org.id))!.key_version).toBe(1);

    const current = loadConfig(env);
    const newKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const rotated = loadConfig({
      ...env,
      ENCRYPTION_KEY: newKey,
      ENCRYPTION_KEY_VERSION: '2',
      ENCRYPTION_KEY_PREVIOUS: current.ENCRYPTION_KEY,
    });
    const [agent] = await agentIds(owner.cookie, owner.org.slug);
    const db = getDb(env);

    expect(await resolveAnthropicKey(db, rotated, owner.org.id, agent!.id)).toEqual({ source: 'org', apiKey: key });
    const resealed = (await storedRow(owner.org.id))!;
    expect(resealed.key_version).toBe(2);
    // Sealed under version 2 now: it opens with the new key alone, and no longer with the old one.
    const onlyNew = loadConfig({ ...env, ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_VERSION: '2' });
    expect(await resolveAnthropicKey(db, onlyNew, owner.org.id, agent!.id)).toEqual({ source: 'org', apiKey: key });
    await expect(resolveAnthropicKey(db, current, owner.org.id, agent!.id)).rejects.toThrowError(
      /version 2 is not configured/,
    );
  });
});
