/**
 * Server-side sessions. The cookie holds a random token; D1 holds only its SHA-256, so a
 * database leak yields no usable session. Sliding expiry: a session used in the second half
 * of its life is extended. Signing in always starts a new session (rotation), and "sign out
 * other sessions" deletes every other one.
 */
import { and, desc, eq, gt, ne } from 'drizzle-orm';
import type { Db } from '../db/client';
import { sessions, users } from '../db/schema';
import { randomToken, sha256Hex } from './tokens';

export const SESSION_COOKIE = 'gc_session';
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
/** How often last_seen_at is written: bounded so reads do not become writes. */
const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export type Session = typeof sessions.$inferSelect;
export type SessionUser = Pick<typeof users.$inferSelect, 'id' | 'email' | 'name'>;

export async function createSession(db: Db, userId: string, meta: { userAgent?: string | null; ip?: string | null }) {
  const token = randomToken(43);
  const now = Date.now();
  const session: Session = {
    id: await sha256Hex(token),
    userId,
    expiresAt: now + SESSION_TTL_MS,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
    ip: meta.ip ?? null,
    lastSeenAt: now,
    createdAt: now,
  };
  await db.insert(sessions).values(session);
  return { token, session };
}

export interface ValidatedSession {
  session: Session;
  user: SessionUser;
  /** True when the expiry moved: the caller re-sends the cookie with the new Max-Age. */
  extended: boolean;
}

export async function validateSession(db: Db, token: string): Promise<ValidatedSession | null> {
  if (!/^[0-9A-Za-z]{43}$/.test(token)) return null;
  const id = await sha256Hex(token);
  const now = Date.now();
  const rows = await db
    .select({ session: sessions, user: { id: users.id, email: users.email, name: users.name } })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now)))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const extended = row.session.expiresAt - now < SESSION_TTL_MS / 2;
  if (extended || now - (row.session.lastSeenAt ?? 0) > TOUCH_INTERVAL_MS) {
    const expiresAt = extended ? now + SESSION_TTL_MS : row.session.expiresAt;
    await db.update(sessions).set({ expiresAt, lastSeenAt: now }).where(eq(sessions.id, id));
    row.session = { ...row.session, expiresAt, lastSeenAt: now };
  }
  return { ...row, extended };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, await sha256Hex(token)));
}

export async function listSessions(db: Db, userId: string): Promise<Session[]> {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, Date.now())))
    .orderBy(desc(sessions.lastSeenAt));
}

/** Signs the user out everywhere but the current session; returns how many ended. */
export async function deleteOtherSessions(db: Db, userId: string, currentSessionId: string): Promise<number> {
  const result = await db.delete(sessions).where(and(eq(sessions.userId, userId), ne(sessions.id, currentSessionId)));
  return result.meta.changes;
}

export async function deleteSessionById(db: Db, userId: string, sessionId: string): Promise<boolean> {
  const result = await db.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId)));
  return result.meta.changes > 0;
}

export function sessionCookieOptions(maxAgeMs = SESSION_TTL_MS) {
  return { httpOnly: true, secure: true, sameSite: 'Lax' as const, path: '/', maxAge: Math.floor(maxAgeMs / 1000) };
}
