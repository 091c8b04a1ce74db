/**
 * Bring your own key (the `credentials` table; docs/architecture.md, Runs): an org's own
 * Anthropic key, sealed with core/crypto.ts and bound to the org and provider. Only the last four
 * characters ever leave this module, except through `resolveAnthropicKey`, which the agent
 * runtime calls to pick the key for a run: the org's key (when the agent may use it), else the
 * platform's ANTHROPIC_API_KEY, else null (the simulated model). Admins manage it; the JSON
 * routes (worker/routes/orgs.ts) and the settings page (app/routes/orgs.$slug.settings.model)
 * both call the functions here.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { auditInsert } from './audit';
import type { AppConfig } from './config';
import {
  credentialAad,
  decryptSecret,
  DecryptionError,
  encryptSecret,
  type EncryptionConfig,
  needsReseal,
} from './crypto';
import type { Db } from './db/client';
import { orgScope } from './db/scoped';
import { credentials, users } from './db/schema';
import { assertOrgNotDemo } from './demo-guard';
import { ApiError, fieldIssues } from './errors';
import { newId } from './ids';
import { log } from './log';
import { requirePermission } from './permissions';
import { type AnthropicSdk, loadAnthropicSdk } from './lazy-modules';
import type { RateLimitRule } from './rate-limit';
import type { OrgContext } from './tenant';

export const MODEL_PROVIDER = 'anthropic' as const;
export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** Testing a key calls Anthropic from our Worker: bounded per org so it is no key-checking oracle. */
export const KEY_TEST_RATE_LIMIT: RateLimitRule = { limit: 10, windowSeconds: 60 };
export const keyTestBucket = (orgId: string) => `credentials-test:org:${orgId}`;

/**
 * Loose on purpose: Anthropic keys start with `sk-ant-` (e.g. `sk-ant-api03-…`); the exact
 * format is theirs to change. Messages never repeat the value.
 */
export const anthropicKeyField = z
  .string({ error: 'Paste your Anthropic API key.' })
  .trim()
  .min(1, 'Paste your Anthropic API key.')
  .max(400, 'That is too long for an Anthropic API key.')
  .regex(
    /^sk-ant-[A-Za-z0-9_-]{16,}$/,
    'That does not look like an Anthropic API key: they start with “sk-ant-” and have no spaces.',
  );

/** Agent slugs or ids; omitted, null or empty: every agent of the org may use the key. */
export const allowedAgentsField = z
  .array(z.string().trim().min(1, 'Name an agent by slug or id.').max(64), {
    error: 'Send a list of agent slugs or ids.',
  })
  .max(200, 'At most 200 agents.')
  .nullable()
  .optional();

export const AnthropicKeyInput = z.strictObject({ api_key: anthropicKeyField, allowed_agents: allowedAgentsField });
export type AnthropicKeyInput = z.infer<typeof AnthropicKeyInput>;

export interface CredentialStatus {
  provider: typeof MODEL_PROVIDER;
  configured: boolean;
  last4: string | null;
  key_version: number | null;
  /** Null: every agent may use the key. */
  allowed_agent_ids: string[] | null;
  updated_at: string | null;
  /** Who set the current key. */
  updated_by: { id: string; name: string; email: string } | null;
}

export interface KeyTestResult {
  ok: boolean;
  /** Anthropic's HTTP status; null when no request was made or none came back. */
  status: number | null;
  message: string;
}

export type ResolvedModelKey = { source: 'org' | 'platform'; apiKey: string };

/** The org's key exists but cannot be opened (its encryption key version is gone): runs must fail loudly, not switch provider. */
export class ModelKeyUnavailableError extends Error {
  constructor(readonly keyVersion: number) {
    super(
      `The organization's model key cannot be decrypted (encryption key version ${keyVersion} is not configured). An admin must set the key again.`,
    );
    this.name = 'ModelKeyUnavailableError';
  }
}

/** What runs use when the org has no key of its own (or the agent may not use it). */
export function platformFallback(config: Pick<AppConfig, 'ANTHROPIC_API_KEY'>): 'platform' | 'simulated' {
  return config.ANTHROPIC_API_KEY ? 'platform' : 'simulated';
}

/** The org's stored model key row (sealed), or undefined. The OrgHub caches it between runs. */
export function findCredential(db: Db, orgId: string) {
  return orgScope(db, { orgId }).first(credentials, eq(credentials.provider, MODEL_PROVIDER));
}

export type StoredCredential = typeof credentials.$inferSelect;

function sealedOf(row: typeof credentials.$inferSelect) {
  return { ciphertext: row.ciphertext, iv: row.iv, keyVersion: row.keyVersion };
}

/** The org's model key status for admins: never the key, only its last four characters. */
export async function getCredentialStatus(db: Db, ctx: OrgContext): Promise<CredentialStatus> {
  requirePermission(ctx.role, 'credentials:manage');
  const row = await findCredential(db, ctx.orgId);
  if (!row)
    return {
      provider: MODEL_PROVIDER,
      configured: false,
      last4: null,
      key_version: null,
      allowed_agent_ids: null,
      updated_at: null,
      updated_by: null,
    };
  const setter = row.createdBy
    ? await db.query.users.findFirst({
        where: eq(users.id, row.createdBy),
        columns: { id: true, name: true, email: true },
      })
    : undefined;
  return {
    provider: MODEL_PROVIDER,
    configured: true,
    last4: row.last4,
    key_version: row.keyVersion,
    allowed_agent_ids: row.allowedAgentIds ?? null,
    updated_at: new Date(row.updatedAt).toISOString(),
    updated_by: setter ?? null,
  };
}

/** Resolves slugs or ids to agent ids of this org (not archived); unknown refs are a 400 naming each. */
function resolveAllowedAgents(found: readonly AgentRef[], refs: string[] | null | undefined): string[] | null {
  if (!refs || refs.length === 0) return null;
  const ids: string[] = [];
  const issues: Array<{ field: string; message: string }> = [];
  refs.forEach((ref, index) => {
    const agent = found.find((row) => row.id === ref || row.slug === ref.toLowerCase());
    if (!agent) issues.push({ field: `allowed_agents.${index}`, message: `No agent “${ref}” in this organization.` });
    else if (!ids.includes(agent.id)) ids.push(agent.id);
  });
  if (issues.length > 0)
    throw new ApiError('validation_failed', 'Some of the agents are not in this organization.', issues);
  return ids;
}

/** An agent as the key's allow-list names it: the org's team, read from its OrgHub. */
export interface AgentRef {
  id: string;
  slug: string;
}

/**
 * Stores (or replaces) the org's Anthropic key, encrypted (admin). `team` is the org's active
 * agents (from its OrgHub), which `allowed_agents` must name. Returns the new status.
 */
export async function setAnthropicKey(
  db: Db,
  config: EncryptionConfig,
  ctx: OrgContext,
  input: AnthropicKeyInput,
  ip: string | null,
  team: readonly AgentRef[],
): Promise<CredentialStatus> {
  requirePermission(ctx.role, 'credentials:manage');
  await assertOrgNotDemo(db, ctx.orgId, 'A model key');
  const parsed = AnthropicKeyInput.safeParse(input);
  if (!parsed.success)
    throw new ApiError('validation_failed', 'The key is not valid.', fieldIssues(parsed.error.issues));
  const { api_key: apiKey, allowed_agents: refs } = parsed.data;
  const allowedAgentIds = resolveAllowedAgents(team, refs);

  const existing = await findCredential(db, ctx.orgId);
  const id = existing?.id ?? newId('crd');
  const sealed = await encryptSecret(config, apiKey, credentialAad(ctx.orgId, MODEL_PROVIDER));
  const last4 = apiKey.slice(-4);
  const setBy = ctx.actor.type === 'user' ? ctx.actor.id : null;
  const now = Date.now();
  const values = {
    ciphertext: sealed.ciphertext,
    iv: sealed.iv,
    keyVersion: sealed.keyVersion,
    last4,
    allowedAgentIds,
    createdBy: setBy,
    updatedAt: now,
  };
  const scope = orgScope(db, ctx);
  await scope.batch([
    // The unique (org, provider) index makes this one row per org, even when two admins race.
    scope
      .insertRows(credentials, { id, provider: MODEL_PROVIDER, ...values, createdAt: now })
      .onConflictDoUpdate({ target: [credentials.organizationId, credentials.provider], set: values }),
    auditInsert(db, {
      organizationId: ctx.orgId,
      actor: ctx.actor,
      action: 'credentials.updated',
      target: { type: 'credential', id },
      ip,
      // Never the key: only which provider, its last four and who may use it.
      metadata: {
        provider: MODEL_PROVIDER,
        change: existing ? 'replaced' : 'set',
        last4,
        key_version: sealed.keyVersion,
        allowed_agent_ids: allowedAgentIds,
      },
    }),
  ]);
  return getCredentialStatus(db, ctx);
}

/**
 * Removes the org's Anthropic key (admin); runs go back to the platform key or the simulated
 * model. Idempotent: removing no key is not an error; returns whether a key was removed.
 */
export async function deleteAnthropicKey(db: Db, ctx: OrgContext, ip: string | null): Promise<boolean> {
  requirePermission(ctx.role, 'credentials:manage');
  const existing = await findCredential(db, ctx.orgId);
  if (!existing) return false;
  const scope = orgScope(db, ctx);
  await scope.batch([
    scope.deleteRows(credentials, eq(credentials.id, existing.id)),
    auditInsert(db, {
      organizationId: ctx.orgId,
      actor: ctx.actor,
      action: 'credentials.updated',
      target: { type: 'credential', id: existing.id },
      ip,
      metadata: { provider: MODEL_PROVIDER, change: 'removed', last4: existing.last4 },
    }),
  ]);
  return true;
}

/**
 * Asks Anthropic whether `apiKey` works (GET /v1/models, one result) and says so in words an
 * admin can act on. `fetchImpl` is injectable so the status mapping is tested without a network.
 */
export async function testAnthropicKey(
  config: Pick<AppConfig, 'ANTHROPIC_BASE_URL'>,
  apiKey: string,
  fetchImpl: typeof fetch = fetch,
): Promise<KeyTestResult> {
  if (!anthropicKeyField.safeParse(apiKey).success) {
    return {
      ok: false,
      status: null,
      message: 'That does not look like an Anthropic API key: they start with “sk-ant-”.',
    };
  }
  const baseURL = config.ANTHROPIC_BASE_URL ?? DEFAULT_ANTHROPIC_BASE_URL;
  const key = apiKey.trim();
  const sdk = await loadAnthropicSdk();
  const client = new sdk.default({
    apiKey: key,
    baseURL,
    maxRetries: 0,
    timeout: 10_000,
    // Same SDK defaults (auth header, API version) as the agent runtime's provider, so a key
    // that passes this test is sent exactly the way runs will send it.
    // Bound so workerd's fetch keeps its `this` (an unbound global fetch throws "Illegal invocation").
    fetch: (input, init) => fetchImpl(input, init),
  });
  try {
    await client.models.list({ limit: 1 });
    return { ok: true, status: 200, message: 'The key works: Anthropic accepted it.' };
  } catch (error) {
    return keyTestFailure(sdk, error, baseURL);
  }
}

function keyTestFailure(
  { APIConnectionError, APIConnectionTimeoutError, APIError }: AnthropicSdk,
  error: unknown,
  baseURL: string,
): KeyTestResult {
  if (error instanceof APIConnectionTimeoutError) {
    return {
      ok: false,
      status: null,
      message: `Anthropic did not answer within 10 seconds (${baseURL}). Try again shortly.`,
    };
  }
  if (error instanceof APIConnectionError) {
    return {
      ok: false,
      status: null,
      message: `Could not reach Anthropic at ${baseURL}. Check the network (or ANTHROPIC_BASE_URL) and try again.`,
    };
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    if (status === 401)
      return {
        ok: false,
        status,
        message:
          'Anthropic rejected this key (401): it is wrong, revoked or disabled. Check it in the Anthropic Console.',
      };
    if (status === 403)
      return {
        ok: false,
        status,
        message:
          'Anthropic accepted the key but refused access (403): check the key’s workspace and permissions in the Anthropic Console.',
      };
    if (status === 429)
      return {
        ok: false,
        status,
        message:
          'Anthropic is rate limiting this key (429) right now, or its account is out of credit. Try again in a minute.',
      };
    if (status >= 500)
      return {
        ok: false,
        status,
        message: `Anthropic is having trouble (${status}). The key may be fine; try again shortly.`,
      };
    return { ok: false, status, message: `Anthropic answered ${status}; the key could not be confirmed.` };
  }
  // Never echo an unknown error's text: it is not ours to show and could carry request details.
  log.warn('credentials.test_failed', { error_name: error instanceof Error ? error.name : typeof error });
  return {
    ok: false,
    status: null,
    message: 'The key could not be tested because of an unexpected error. Try again shortly.',
  };
}

/**
 * Tests the given key, or else the org's stored one (admin). Callers rate-limit it with
 * KEY_TEST_RATE_LIMIT first.
 */
export async function testOrgAnthropicKey(
  db: Db,
  config: EncryptionConfig & Pick<AppConfig, 'ANTHROPIC_BASE_URL'>,
  ctx: OrgContext,
  apiKey: string | undefined,
  fetchImpl: typeof fetch = fetch,
): Promise<KeyTestResult> {
  requirePermission(ctx.role, 'credentials:manage');
  await assertOrgNotDemo(db, ctx.orgId, 'A model key');
  if (apiKey && apiKey.trim() !== '') return testAnthropicKey(config, apiKey, fetchImpl);
  const row = await findCredential(db, ctx.orgId);
  if (!row) return { ok: false, status: null, message: 'There is no key to test: paste one, or save a key first.' };
  let stored: string;
  try {
    stored = await decryptSecret(config, sealedOf(row), credentialAad(ctx.orgId, MODEL_PROVIDER));
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    return { ok: false, status: null, message: new ModelKeyUnavailableError(row.keyVersion).message };
  }
  return testAnthropicKey(config, stored, fetchImpl);
}

/**
 * The key a run of `agentId` uses: the org's own (when set and the agent is allowed), else the
 * platform's ANTHROPIC_API_KEY, else null (the simulated model). A stored key sealed under a
 * previous encryption key version is re-sealed under the current one on the way.
 * Throws ModelKeyUnavailableError when the org's key exists but cannot be decrypted.
 */
export async function resolveAnthropicKey(
  db: Db,
  config: EncryptionConfig & Pick<AppConfig, 'ANTHROPIC_API_KEY'>,
  orgId: string,
  agentId: string,
  /** The row if the caller already has it (the OrgHub's cache); read from D1 otherwise. */
  stored?: StoredCredential | null,
): Promise<ResolvedModelKey | null> {
  const row = stored === undefined ? await findCredential(db, orgId) : stored;
  if (row && (row.allowedAgentIds === null || row.allowedAgentIds.includes(agentId))) {
    const aad = credentialAad(orgId, MODEL_PROVIDER);
    let apiKey: string;
    try {
      apiKey = await decryptSecret(config, sealedOf(row), aad);
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      log.error('credentials.undecryptable', {
        organization_id: orgId,
        credential_id: row.id,
        key_version: row.keyVersion,
      });
      throw new ModelKeyUnavailableError(row.keyVersion);
    }
    if (needsReseal(config, row.keyVersion)) await reseal(db, config, orgId, row, apiKey);
    return { source: 'org', apiKey };
  }
  return config.ANTHROPIC_API_KEY ? { source: 'platform', apiKey: config.ANTHROPIC_API_KEY } : null;
}

/** Lazy rotation: seal under the current version, only if nobody replaced the row meanwhile. Best effort. */
async function reseal(
  db: Db,
  config: EncryptionConfig,
  orgId: string,
  row: typeof credentials.$inferSelect,
  apiKey: string,
): Promise<void> {
  try {
    const sealed = await encryptSecret(config, apiKey, credentialAad(orgId, MODEL_PROVIDER));
    await orgScope(db, { orgId }).updateRows(
      credentials,
      { ciphertext: sealed.ciphertext, iv: sealed.iv, keyVersion: sealed.keyVersion },
      and(eq(credentials.id, row.id), eq(credentials.ciphertext, row.ciphertext)),
    );
  } catch (error) {
    log.warn('credentials.reseal_failed', {
      organization_id: orgId,
      credential_id: row.id,
      error_name: error instanceof Error ? error.name : 'unknown',
    });
  }
}
