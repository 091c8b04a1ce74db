/** Users of the built-in auth: creation and lookup by email (stored lowercased). */
import { eq } from 'drizzle-orm';
import { hashPassword } from './auth/password';
import type { Db } from './db/client';
import { users } from './db/schema';
import { newId } from './ids';

export type User = typeof users.$inferSelect;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const rows = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .limit(1);
  return rows[0];
}

export async function createUser(
  db: Db,
  input: {
    email: string;
    name: string;
    password: string | null;
    clerkUserId?: string;
    /** When the email was proven (e.g. by Clerk); null when not. */
    emailVerifiedAt?: number | null;
  },
): Promise<User> {
  const now = Date.now();
  const user: User = {
    id: newId('usr', now),
    email: normalizeEmail(input.email),
    name: input.name.trim(),
    passwordHash: input.password === null ? null : await hashPassword(input.password),
    clerkUserId: input.clerkUserId ?? null,
    emailVerifiedAt: input.emailVerifiedAt ?? null,
    isGuest: false,
    createdAt: now,
    updatedAt: now,
  };
  await db.insert(users).values(user);
  return user;
}
