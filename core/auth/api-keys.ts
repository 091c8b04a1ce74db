/**
 * API keys `gc_sk_<prefix><secret>`: shown once, stored as SHA-256, looked up by the public
 * prefix, compared in constant time. Key metadata is cached in KV for low-latency auth at
 * the edge; revoking deletes the cache entry (immediate here, ~60 s elsewhere, DESIGN §6).
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { apiKeys, organizations, users } from '../db/schema';
import { newId } from '../ids';
import type { PlanId } from '../plans';
import { digestsEqual, randomToken, sha256Hex } from './tokens';

export const API_KEY_SCOPES = [
  'org:read',
  'agents:read',
  'agents:write',
  'tasks:read',
  'tasks:write',
  'messages:read',
  'messages:write',
  'approvals:write',
  'schedules:read',
  'schedules:write',
  'usage:read',
  'activity:read',
  'live:read',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Scopes a new key gets when none are named: everything a developer needs to give tasks. */
export const DEFAULT_SCOPES: ApiKeyScope[] = [
  'org:read',
  'agents:read',
  'tasks:read',
  'tasks:write',
  'messages:read',
  'messages:write',
  'live:read',
];

const KEY_PATTERN = /^gc_sk_([0-9A-Za-z]{8})([0-9A-Za-z]{40})$/;
const CACHE_TTL_SECONDS = 300;
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export type ApiKey = typeof apiKeys.$inferSelect;

/** What auth needs about a key, as cached in KV. */
export const CachedKey = z.object({
  id: z.string(),
  organizationId: z.string(),
  secretHash: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  lastUsedAt: z.number().nullable(),
  plan: z.string(),
});
export type CachedKey = z.infer<typeof CachedKey>;

const cacheKey = (prefix: string) => `apikey:${prefix}`;

export function parseApiKey(raw: string): { prefix: string } | null {
  const match = KEY_PATTERN.exec(raw);
  return match ? { prefix: `gc_sk_${match[1]}` } : null;
}

export async function createApiKey(
  db: Db,
  input: {
    organizationId: string;
    name: string;
    scopes: ApiKeyScope[];
    createdBy: string | null;
    expiresAt: number | null;
  },
): Promise<{ key: string; record: ApiKey }> {
  const prefixPart = randomToken(8);
  const key = `gc_sk_${prefixPart}${randomToken(40)}`;
  const record: ApiKey = {
    id: newId('key'),
    organizationId: input.organizationId,
    name: input.name,
    prefix: `gc_sk_${prefixPart}`,
    secretHash: await sha256Hex(key),
    scopes: [...new Set(input.scopes)],
    createdBy: input.createdBy,
    lastUsedAt: null,
    expiresAt: input.expiresAt,
    revokedAt: null,
    createdAt: Date.now(),
  };
  await db.insert(apiKeys).values(record);
  return { key, record };
}

export async function listApiKeys(db: Db, organizationId: string) {
  return db
    .select({ key: apiKeys, createdByName: users.name, createdByEmail: users.email })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(and(eq(apiKeys.organizationId, organizationId), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt));
}

/** Revokes a key of this org; false when there is no such (live) key. */
export async function revokeApiKey(
  db: Db,
  kv: KVNamespace,
  organizationId: string,
  keyId: string,
): Promise<ApiKey | null> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: Date.now() })
    .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning();
  if (!row) return null;
  await kv.delete(cacheKey(row.prefix));
  return row;
}

export type KeyCheck =
  | { ok: true; key: CachedKey; touch: () => Promise<void> }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' };

/** Authenticates a presented key: KV cache first, D1 on a miss. */
export async function verifyApiKey(db: Db, kv: KVNamespace, raw: string, now = Date.now()): Promise<KeyCheck> {
  const parsed = parseApiKey(raw);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const presentedHash = await sha256Hex(raw);

  let cached: CachedKey | null = null;
  const fromKv = await kv.get(cacheKey(parsed.prefix), 'json');
  const fromKvParsed = CachedKey.safeParse(fromKv);
  if (fromKvParsed.success) cached = fromKvParsed.data;
  else {
    const [row] = await db
      .select({ key: apiKeys, plan: organizations.plan })
      .from(apiKeys)
      .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
      .where(and(eq(apiKeys.prefix, parsed.prefix), isNull(organizations.deletedAt)))
      .limit(1);
    if (!row) return { ok: false, reason: 'unknown' };
    cached = {
      id: row.key.id,
      organizationId: row.key.organizationId,
      secretHash: row.key.secretHash,
      scopes: row.key.scopes,
      expiresAt: row.key.expiresAt,
      revokedAt: row.key.revokedAt,
      lastUsedAt: row.key.lastUsedAt,
      plan: row.plan,
    };
    if (!cached.revokedAt)
      await kv.put(cacheKey(parsed.prefix), JSON.stringify(cached), { expirationTtl: CACHE_TTL_SECONDS });
  }
  if (!digestsEqual(cached.secretHash, presentedHash)) return { ok: false, reason: 'unknown' };
  if (cached.revokedAt) return { ok: false, reason: 'revoked' };
  if (cached.expiresAt !== null && cached.expiresAt <= now) return { ok: false, reason: 'expired' };

  const key = cached;
  const touch = async () => {
    // last_used_at is informative: written at most once a minute per key.
    if (key.lastUsedAt !== null && now - key.lastUsedAt < LAST_USED_WRITE_INTERVAL_MS) return;
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.id));
    await kv.put(cacheKey(parsed.prefix), JSON.stringify({ ...key, lastUsedAt: now }), {
      expirationTtl: CACHE_TTL_SECONDS,
    });
  };
  return { ok: true, key: { ...key, plan: key.plan as PlanId }, touch };
}

/** Drops every cached key of an org (plan change, org deletion). */
export async function evictOrgKeysFromCache(db: Db, kv: KVNamespace, organizationId: string): Promise<void> {
  const rows = await db
    .select({ prefix: apiKeys.prefix })
    .from(apiKeys)
    .where(eq(apiKeys.organizationId, organizationId));
  await Promise.all(rows.map((row) => kv.delete(cacheKey(row.prefix))));
}
