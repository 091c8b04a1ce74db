/**
 * API keys `gc_sk_<prefix><secret>`: shown once, stored as SHA-256, looked up by the public
 * prefix, compared in constant time. What auth needs of a key (with its org's plan, slug and
 * name) is cached in isolate memory for a few seconds in front of a KV copy, so a warm key
 * costs no D1 or KV read. Revoking writes a revoked tombstone to KV and drops the memory copy
 * (immediate in this isolate, within KV's propagation delay elsewhere), and the org's OrgHub
 * refuses the key's work at once.
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
  'connections:read',
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
  orgSlug: z.string(),
  orgName: z.string(),
});
export type CachedKey = z.infer<typeof CachedKey>;

const cacheKey = (prefix: string) => `apikey:${prefix}`;
const MEMORY_SLOT = Symbol.for('generic-corp.api-key-memory');

/** The isolate's copy of hot keys: a short life bounds how long another isolate's revoke can lag. */
const MEMORY_TTL_MS = 15_000;
const MEMORY_MAX_KEYS = 10_000;
/** A warm key, with the presented key that last matched it (so the next request skips the hash). */
type KeyMemory = Map<string, { entry: CachedKey; until: number; verified?: string }>;
/**
 * On globalThis, because the Worker and the Remix server build each bundle their own copy of
 * this module: a key revoked from the dashboard must be forgotten by the API's copy too.
 */
const memory: KeyMemory = ((globalThis as { [MEMORY_SLOT]?: KeyMemory })[MEMORY_SLOT] ??= new Map());
const REVOKED_SLOT = Symbol.for('generic-corp.api-key-revoked');
/** Keys this isolate saw revoked (prefix → until): nothing may put them back in memory. */
const revokedHere: Map<string, number> = ((globalThis as { [REVOKED_SLOT]?: Map<string, number> })[REVOKED_SLOT] ??=
  new Map());

function wasRevokedHere(prefix: string, now: number): boolean {
  const until = revokedHere.get(prefix);
  if (until === undefined) return false;
  if (until > now) return true;
  revokedHere.delete(prefix);
  return false;
}

function markRevoked(prefix: string, now: number) {
  memory.delete(prefix);
  if (revokedHere.size >= MEMORY_MAX_KEYS) revokedHere.delete(revokedHere.keys().next().value!);
  revokedHere.set(prefix, now + CACHE_TTL_SECONDS * 1000);
}

function remember(prefix: string, entry: CachedKey, now: number) {
  if (wasRevokedHere(prefix, now)) return;
  if (memory.size >= MEMORY_MAX_KEYS) memory.delete(memory.keys().next().value!);
  memory.set(prefix, { entry, until: now + MEMORY_TTL_MS });
}

/** Forgets this isolate's copy of a key (revocation, org changes). */
export function forgetKey(prefix: string) {
  memory.delete(prefix);
}

/** Forgets everything this isolate holds about keys (tests: act as a fresh isolate). */
export function clearKeyMemory() {
  memory.clear();
  revokedHere.clear();
}

const putTombstone = (kv: KVNamespace, prefix: string, revokedAt: number) =>
  kv.put(cacheKey(prefix), JSON.stringify({ revokedAt }), { expirationTtl: CACHE_TTL_SECONDS });

async function revokedAtInD1(db: Db, keyId: string): Promise<number | null> {
  const [row] = await db.select({ revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.id, keyId)).limit(1);
  return row ? (row.revokedAt ?? null) : Date.now();
}

/**
 * After writing a live entry to KV: a revoke that committed meanwhile may have had its tombstone
 * overwritten by that write, so D1 is read once more and, if it was revoked, the tombstone is
 * put back. A revoke committing after this read writes its tombstone after ours: it wins.
 */
async function revokedSinceFill(db: Db, kv: KVNamespace, prefix: string, keyId: string, now: number) {
  const revokedAt = await revokedAtInD1(db, keyId);
  if (revokedAt === null) return false;
  markRevoked(prefix, now);
  await putTombstone(kv, prefix, revokedAt);
  return true;
}

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
  markRevoked(row.prefix, Date.now());
  // A tombstone, not a delete: a cache fill racing this revoke cannot bring the key back
  // (and a fill that overwrote it puts it back: revokedSinceFill).
  await putTombstone(kv, row.prefix, row.revokedAt!);
  return row;
}

export type KeyCheck =
  | { ok: true; key: CachedKey; touch: () => Promise<void> }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' };

/** A revoked key's KV entry: no metadata, only when it was revoked. */
function isTombstone(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'revokedAt' in value && !('secretHash' in value);
}

/** The key's metadata: this isolate's copy, else KV's, else D1 (which then fills both). */
async function lookUpKey(db: Db, kv: KVNamespace, prefix: string, now: number): Promise<CachedKey | 'revoked' | null> {
  if (wasRevokedHere(prefix, now)) return 'revoked';
  const inMemory = memory.get(prefix);
  if (inMemory && inMemory.until > now) return inMemory.entry;
  const fromKv = await kv.get(cacheKey(prefix), 'json');
  if (isTombstone(fromKv)) return 'revoked';
  const parsed = CachedKey.safeParse(fromKv);
  if (parsed.success) {
    remember(prefix, parsed.data, now);
    return parsed.data;
  }
  const [row] = await db
    .select({ key: apiKeys, plan: organizations.plan, orgSlug: organizations.slug, orgName: organizations.name })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
    .where(and(eq(apiKeys.prefix, prefix), isNull(organizations.deletedAt)))
    .limit(1);
  if (!row) return null;
  const entry: CachedKey = {
    id: row.key.id,
    organizationId: row.key.organizationId,
    secretHash: row.key.secretHash,
    scopes: row.key.scopes,
    expiresAt: row.key.expiresAt,
    revokedAt: row.key.revokedAt,
    lastUsedAt: row.key.lastUsedAt,
    plan: row.plan,
    orgSlug: row.orgSlug,
    orgName: row.orgName,
  };
  if (entry.revokedAt) return entry;
  // Re-check just before filling: a revoke in between left a tombstone that must win.
  if (isTombstone(await kv.get(cacheKey(prefix), 'json'))) return 'revoked';
  await kv.put(cacheKey(prefix), JSON.stringify(entry), { expirationTtl: CACHE_TTL_SECONDS });
  if (await revokedSinceFill(db, kv, prefix, entry.id, now)) return 'revoked';
  remember(prefix, entry, now);
  return entry;
}

/** Authenticates a presented key: isolate memory first, then KV, then D1. */
export async function verifyApiKey(db: Db, kv: KVNamespace, raw: string, now = Date.now()): Promise<KeyCheck> {
  const parsed = parseApiKey(raw);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const warm = memory.get(parsed.prefix);
  // The same key as last time in this isolate: a constant-time compare instead of a SHA-256.
  const alreadyVerified = warm && warm.until > now && warm.verified !== undefined && digestsEqual(warm.verified, raw);
  const presentedHash = alreadyVerified ? warm.entry.secretHash : await sha256Hex(raw);
  const found = await lookUpKey(db, kv, parsed.prefix, now);
  if (found === null) return { ok: false, reason: 'unknown' };
  if (found === 'revoked') return { ok: false, reason: 'revoked' };
  if (!digestsEqual(found.secretHash, presentedHash)) return { ok: false, reason: 'unknown' };
  if (found.revokedAt) return { ok: false, reason: 'revoked' };
  if (found.expiresAt !== null && found.expiresAt <= now) return { ok: false, reason: 'expired' };
  const remembered = memory.get(parsed.prefix);
  if (remembered && !alreadyVerified) remembered.verified = raw;
  const key = found;
  const touch = async () => {
    // last_used_at is informative: written at most once a minute per key.
    if (key.lastUsedAt !== null && now - key.lastUsedAt < LAST_USED_WRITE_INTERVAL_MS) return;
    const touched = { ...key, lastUsedAt: now };
    remember(parsed.prefix, touched, now);
    const [row] = await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, key.id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    // Revoked meanwhile: leave the tombstone in KV alone.
    if (!row) return markRevoked(parsed.prefix, now);
    await kv.put(cacheKey(parsed.prefix), JSON.stringify(touched), { expirationTtl: CACHE_TTL_SECONDS });
    // Revoked between the update and that write: the write may have replaced the tombstone.
    await revokedSinceFill(db, kv, parsed.prefix, key.id, now);
  };
  return { ok: true, key: { ...key, plan: key.plan as PlanId }, touch };
}

/** Drops every cached key of an org (plan change, org deletion). */
export async function evictOrgKeysFromCache(db: Db, kv: KVNamespace, organizationId: string): Promise<void> {
  const rows = await db
    .select({ prefix: apiKeys.prefix })
    .from(apiKeys)
    .where(eq(apiKeys.organizationId, organizationId));
  for (const row of rows) forgetKey(row.prefix);
  await Promise.all(rows.map((row) => kv.delete(cacheKey(row.prefix))));
}
