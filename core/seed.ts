/**
 * The local demo: one org with the default team and a user who can sign in at once.
 * Run by `npm start` (scripts/seed.ts); idempotent.
 */
import type { AppConfig } from './config';
import type { Db } from './db/client';
import { createOrganization, listMemberships } from './orgs';
import { createUser, findUserByEmail } from './users';

export const LOCAL_DEMO_USER = {
  email: 'demo@genericcorp.local',
  password: 'demo-password-2026',
  name: 'Dana Demo',
} as const;
export const LOCAL_DEMO_ORG = { name: 'Acme Robotics', slug: 'acme' } as const;

export async function seedLocalDemo(
  db: Db,
  config: Pick<AppConfig, 'billingEnabled'>,
): Promise<{ created: boolean; orgSlug: string }> {
  const existing = await findUserByEmail(db, LOCAL_DEMO_USER.email);
  if (existing) {
    const [membership] = await listMemberships(db, existing.id);
    if (membership) return { created: false, orgSlug: membership.organization.slug };
  }
  const user = existing ?? (await createUser(db, LOCAL_DEMO_USER));
  const org = await createOrganization(db, config, {
    name: LOCAL_DEMO_ORG.name,
    slug: LOCAL_DEMO_ORG.slug,
    ownerUserId: user.id,
  });
  return { created: true, orgSlug: org.slug };
}
