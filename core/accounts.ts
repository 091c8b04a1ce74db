/**
 * Account flows, shared by the JSON API (/api/auth/*) and the UI's forms: sign up, sign in,
 * sign out. They use the primitives in core/auth/ (passwords, sessions, tokens) and the org,
 * member and live-connection services; core/auth/ itself depends on none of those. Login never reveals whether an email exists: unknown email and wrong
 * password take the same time and give the same answer.
 */
import type { BatchItem } from 'drizzle-orm/batch';
import { sendVerificationEmail } from './account-email';
import { type AnalyticsEnv, track } from './analytics';
import { auditInsert, recordAudit } from './audit';
import type { EmailEnv } from './email/mailer';
import type { AppConfig } from './config';
import type { Db } from './db/client';
import type { Role } from './db/schema';
import { users } from './db/schema';
import { ApiError } from './errors';
import { newId } from './ids';
import { log } from './log';
import { closeSessionConnections } from './live-connections';
import { findInvitationByToken, invitationAcceptStatements } from './members';
import { type Organization, organizationInserts } from './orgs';
import { findUserByEmail, normalizeEmail } from './users';
import type { LoginInput, SignupInput } from './validation';
import { decoyPasswordHash, hashPassword, verifyPassword } from './auth/password';
import { createSession, deleteSession, type SessionUser } from './auth/sessions';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface SignedIn {
  user: SessionUser;
  token: string;
  /** The org the user lands in: the one created, or the one the invitation joined. */
  organization: Pick<Organization, 'id' | 'slug' | 'name' | 'plan'>;
  /** The user's role there: owner of a new org, or the invitation's role. */
  role: Role;
}

export const INVALID_LOGIN_MESSAGE = 'That email and password do not match an account.';

export async function signUp(
  db: Db,
  config: AppConfig,
  input: SignupInput,
  meta: RequestMeta,
  env?: EmailEnv & AnalyticsEnv,
): Promise<SignedIn> {
  const email = normalizeEmail(input.email);
  if (await findUserByEmail(db, email)) {
    throw new ApiError('conflict', 'An account with this email already exists. Sign in instead.', [
      { field: 'email', message: 'Already registered.' },
    ]);
  }
  const now = Date.now();
  const user = {
    id: newId('usr', now),
    email,
    name: input.name,
    passwordHash: await hashPassword(input.password),
    clerkUserId: null,
    // An invitation link is only sent to the address: signing up with its token proves it.
    emailVerifiedAt: input.invitation_token ? now : null,
    createdAt: now,
    updatedAt: now,
  };

  let organization: SignedIn['organization'];
  // The role the user has in that organization: owner of a new one, the invitation's otherwise.
  let role: Role = 'owner';
  let orgStatements: readonly BatchItem<'sqlite'>[];
  if (input.invitation_token) {
    const invitation = await findInvitationByToken(db, input.invitation_token);
    if (!invitation || invitation.email !== email) {
      throw new ApiError('not_found', 'This invitation is not valid for this email, or it has expired or been used.', [
        { field: 'invitation_token', message: 'Invalid or expired.' },
      ]);
    }
    organization = invitation.organization;
    role = invitation.role;
    orgStatements = invitationAcceptStatements(db, invitation, user.id, meta.ip);
  } else {
    if (!input.organization_name)
      throw new ApiError('validation_failed', 'The request is not valid.', [
        { field: 'organization_name', message: 'Enter an organization name.' },
      ]);
    const created = await organizationInserts(db, config, { name: input.organization_name, ownerUserId: user.id });
    organization = created.org;
    orgStatements = [
      ...created.statements,
      auditInsert(db, {
        organizationId: created.org.id,
        actor: { type: 'user', id: user.id },
        action: 'org.created',
        target: { type: 'organization', id: created.org.id },
        ip: meta.ip,
      }),
    ];
  }
  await db.batch([
    db.insert(users).values(user),
    ...orgStatements,
    auditInsert(db, {
      organizationId: organization.id,
      actor: { type: 'user', id: user.id },
      action: 'auth.signed_up',
      ip: meta.ip,
    }),
  ]);
  const { token } = await createSession(db, user.id, meta);
  // The account exists and is signed in either way; a confirmation can be asked for again.
  if (env && user.emailVerifiedAt === null)
    await sendVerificationEmail(db, env, config, user).catch((error) =>
      log.error('verification_email_failed', {
        user_id: user.id,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  if (env) {
    await track(env, 'signup', { org: organization.id, actor: user.id });
    await track(env, input.invitation_token ? 'invitation_accepted' : 'org_created', {
      org: organization.id,
      actor: user.id,
    });
  }
  return { user: { id: user.id, email: user.email, name: user.name }, token, organization, role };
}

export async function logIn(
  db: Db,
  input: LoginInput,
  meta: RequestMeta,
): Promise<{ user: SessionUser; token: string }> {
  const user = await findUserByEmail(db, input.email);
  // Same work whether or not the email exists: no timing oracle for enumeration.
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash()));
  if (!user?.passwordHash || !ok) {
    await recordAudit(db, {
      organizationId: null,
      actor: { type: 'system', id: null },
      action: 'auth.sign_in_failed',
      target: user ? { type: 'user', id: user.id } : undefined,
      ip: meta.ip,
    });
    throw new ApiError('unauthorized', INVALID_LOGIN_MESSAGE);
  }
  const { token } = await createSession(db, user.id, meta);
  await recordAudit(db, {
    organizationId: null,
    actor: { type: 'user', id: user.id },
    action: 'auth.signed_in',
    ip: meta.ip,
  });
  return { user: { id: user.id, email: user.email, name: user.name }, token };
}

export async function logOut(
  db: Db,
  env: Pick<Env, 'ORG_HUB'>,
  token: string | null,
  userId: string | null,
  meta: RequestMeta,
): Promise<void> {
  if (token) await deleteSession(db, token);
  if (token && userId) await closeSessionConnections(db, env, userId, [{ token }]);
  if (userId)
    await recordAudit(db, {
      organizationId: null,
      actor: { type: 'user', id: userId },
      action: 'auth.signed_out',
      ip: meta.ip,
    });
}
