/**
 * Invitations by email: the link is mailed to the invitee when the inviter's own address is
 * verified (an unverified account cannot make the platform mail strangers). The link is still
 * returned to the inviter either way, so self-hosting needs no email service.
 */
import { eq } from 'drizzle-orm';
import { isEmailVerified } from './account-email';
import type { Db } from './db/client';
import { organizations, users } from './db/schema';
import { type EmailEnv, queueEmail } from './email/mailer';
import type { OrgContext } from './tenant';

export type InvitationEmailOutcome = 'sent' | 'inviter_unverified' | 'not_a_person';

export async function mailInvitation(
  db: Db,
  env: EmailEnv,
  ctx: OrgContext,
  invitation: { id: string; email: string; role: string },
  url: string,
): Promise<InvitationEmailOutcome> {
  if (ctx.actor.type !== 'user' || !ctx.actor.id) return 'not_a_person';
  if (!(await isEmailVerified(db, ctx.actor.id))) return 'inviter_unverified';
  const [[inviter], [org]] = await Promise.all([
    db.select({ name: users.name }).from(users).where(eq(users.id, ctx.actor.id)).limit(1),
    db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, ctx.orgId)).limit(1),
  ]);
  await queueEmail(env, {
    to: invitation.email,
    content: {
      template: 'invitation',
      props: {
        organization: org?.name ?? 'an organization',
        inviter: inviter?.name ?? 'Someone',
        role: invitation.role,
        url,
      },
    },
    ref: `invitation:${invitation.id}`,
  });
  return 'sent';
}
