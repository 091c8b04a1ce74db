/**
 * Members, roles and invitations of an org (docs/architecture.md). Invitation links carry a random
 * single-use token; only its SHA-256 is stored. The last owner can neither leave nor be
 * demoted, and only an owner can make or unmake owners.
 */
import { and, asc, eq, gt, isNull, ne } from 'drizzle-orm';
import { auditInsert } from './audit';
import { randomToken, sha256Hex } from './auth/tokens';
import type { Db } from './db/client';
import { assertNotGuest, assertOrgNotDemo } from './demo-guard';
import { invitations, memberships, organizations, type Role, users } from './db/schema';
import { ApiError } from './errors';
import { newId } from './ids';
import { closeUserConnections } from './live-connections';
import type { Organization } from './orgs';
import { requirePermission } from './permissions';
import type { OrgContext } from './tenant';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface Member {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  joined_at: number;
}

export async function listMembers(db: Db, ctx: OrgContext): Promise<Member[]> {
  requirePermission(ctx.role, 'members:read');
  const rows = await db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, ctx.orgId))
    .orderBy(asc(memberships.createdAt));
  return rows.map((row) => ({
    user_id: row.userId,
    email: row.email,
    name: row.name,
    role: row.role,
    joined_at: row.joinedAt,
  }));
}

async function membershipOf(db: Db, orgId: string, userId: string) {
  const [row] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)))
    .limit(1);
  return row;
}

async function ownerCount(db: Db, orgId: string): Promise<number> {
  const rows = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.role, 'owner')));
  return rows.length;
}

function actorId(ctx: OrgContext): string | null {
  return ctx.actor.type === 'system' ? null : ctx.actor.id;
}

export async function changeMemberRole(
  db: Db,
  env: Pick<Env, 'ORG_HUB'>,
  ctx: OrgContext,
  userId: string,
  role: Role,
  ip: string | null,
): Promise<Member> {
  const target = await membershipOf(db, ctx.orgId, userId);
  if (!target) throw new ApiError('not_found', 'No such member.');
  requirePermission(ctx.role, 'members:manage');
  if ((role === 'owner' || target.role === 'owner') && ctx.role !== 'owner') {
    throw new ApiError('forbidden', 'Only an owner can make or change an owner.');
  }
  if (target.role === 'owner' && role !== 'owner' && (await ownerCount(db, ctx.orgId)) <= 1) {
    throw new ApiError('conflict', 'The last owner cannot be demoted. Make someone else an owner first.');
  }
  await db.batch([
    db.update(memberships).set({ role }).where(eq(memberships.id, target.id)),
    auditInsert(db, {
      organizationId: ctx.orgId,
      actor: ctx.actor,
      action: 'member.role_changed',
      target: { type: 'user', id: userId },
      ip,
      metadata: { from: target.role, to: role },
    }),
  ]);
  // Their live connections were authorized (and filtered) for the old role: they reconnect.
  if (target.role !== role)
    await closeUserConnections(env, ctx.orgId, userId, 'Your role changed.', { reauthorize: true });
  const members = await listMembers(db, ctx);
  return members.find((member) => member.user_id === userId)!;
}

/** Removes a member, or (when `userId` is the caller) leaves the org. */
export async function removeMember(
  db: Db,
  env: Pick<Env, 'ORG_HUB'>,
  ctx: OrgContext,
  userId: string,
  ip: string | null,
): Promise<void> {
  const target = await membershipOf(db, ctx.orgId, userId);
  if (!target) throw new ApiError('not_found', 'No such member.');
  const leaving = actorId(ctx) === userId;
  if (!leaving) {
    requirePermission(ctx.role, 'members:manage');
    if (target.role === 'owner' && ctx.role !== 'owner')
      throw new ApiError('forbidden', 'Only an owner can remove an owner.');
  }
  if (target.role === 'owner' && (await ownerCount(db, ctx.orgId)) <= 1) {
    throw new ApiError(
      'conflict',
      leaving
        ? 'You are the last owner: make someone else an owner, or delete the organization.'
        : 'The last owner cannot be removed.',
    );
  }
  await db.batch([
    db.delete(memberships).where(eq(memberships.id, target.id)),
    auditInsert(db, {
      organizationId: ctx.orgId,
      actor: ctx.actor,
      action: leaving ? 'member.left' : 'member.removed',
      target: { type: 'user', id: userId },
      ip,
    }),
  ]);
  // A socket is authorized once, at connect: it must not outlive the membership.
  await closeUserConnections(
    env,
    ctx.orgId,
    userId,
    leaving ? 'You left the organization.' : 'You were removed from the organization.',
  );
}

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  expires_at: number;
  created_at: number;
}

/** Pending invitations: admins only, as on the Members page (they name people who are not members yet). */
export async function listInvitations(db: Db, ctx: OrgContext): Promise<InvitationView[]> {
  requirePermission(ctx.role, 'members:manage');
  const rows = await db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.organizationId, ctx.orgId),
        isNull(invitations.acceptedAt),
        gt(invitations.expiresAt, Date.now()),
      ),
    )
    .orderBy(asc(invitations.createdAt));
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    role: row.role,
    expires_at: row.expiresAt,
    created_at: row.createdAt,
  }));
}

export async function createInvitation(
  db: Db,
  ctx: OrgContext,
  input: { email: string; role: Role },
  ip: string | null,
): Promise<{ invitation: InvitationView; token: string }> {
  requirePermission(ctx.role, 'members:manage');
  await assertOrgNotDemo(db, ctx.orgId, 'Inviting people');
  if (input.role === 'owner' && ctx.role !== 'owner')
    throw new ApiError('forbidden', 'Only an owner can invite an owner.');
  const email = input.email.trim().toLowerCase();
  const existingMember = await db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, ctx.orgId), eq(users.email, email)))
    .limit(1);
  if (existingMember.length > 0)
    throw new ApiError('conflict', 'That person is already a member.', [
      { field: 'email', message: 'Already a member.' },
    ]);

  const token = randomToken(40);
  const now = Date.now();
  const row = {
    id: newId('inv', now),
    organizationId: ctx.orgId,
    email,
    role: input.role,
    tokenHash: await sha256Hex(token),
    invitedBy: actorId(ctx),
    expiresAt: now + INVITATION_TTL_MS,
    acceptedAt: null,
    acceptedBy: null,
    createdAt: now,
  };
  await db.batch([
    // A new invitation for the same email replaces any pending one.
    db
      .delete(invitations)
      .where(
        and(eq(invitations.organizationId, ctx.orgId), eq(invitations.email, email), isNull(invitations.acceptedAt)),
      ),
    db.insert(invitations).values(row),
    auditInsert(db, {
      organizationId: ctx.orgId,
      actor: ctx.actor,
      action: 'member.invited',
      target: { type: 'invitation', id: row.id },
      ip,
      metadata: { email, role: input.role },
    }),
  ]);
  return { invitation: { id: row.id, email, role: row.role, expires_at: row.expiresAt, created_at: now }, token };
}

export async function revokeInvitation(
  db: Db,
  ctx: OrgContext,
  invitationId: string,
  ip: string | null,
): Promise<void> {
  const [row] = await db
    .select({ id: invitations.id })
    .from(invitations)
    .where(
      and(eq(invitations.organizationId, ctx.orgId), eq(invitations.id, invitationId), isNull(invitations.acceptedAt)),
    )
    .limit(1);
  if (!row) throw new ApiError('not_found', 'No such invitation.');
  requirePermission(ctx.role, 'members:manage');
  await db.batch([
    db.delete(invitations).where(eq(invitations.id, row.id)),
    auditInsert(db, {
      organizationId: ctx.orgId,
      actor: ctx.actor,
      action: 'member.invitation_revoked',
      target: { type: 'invitation', id: row.id },
      ip,
    }),
  ]);
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: Role;
  organization: Pick<Organization, 'id' | 'slug' | 'name' | 'plan'>;
}

/** A live (unexpired, unused) invitation for this token, with its org. */
export async function findInvitationByToken(db: Db, token: string): Promise<PendingInvitation | undefined> {
  if (!/^[0-9A-Za-z]{40}$/.test(token)) return undefined;
  const [row] = await db
    .select({
      invitation: invitations,
      organization: {
        id: organizations.id,
        slug: organizations.slug,
        name: organizations.name,
        plan: organizations.plan,
      },
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(
      and(
        eq(invitations.tokenHash, await sha256Hex(token)),
        isNull(invitations.acceptedAt),
        gt(invitations.expiresAt, Date.now()),
        isNull(organizations.deletedAt),
      ),
    )
    .limit(1);
  if (!row) return undefined;
  return {
    id: row.invitation.id,
    email: row.invitation.email,
    role: row.invitation.role,
    organization: row.organization,
  };
}

/** The writes that accept an invitation; the `acceptedAt IS NULL` guard makes it single-use. */
export function invitationAcceptStatements(db: Db, invitation: PendingInvitation, userId: string, ip: string | null) {
  const now = Date.now();
  return [
    db
      .update(invitations)
      .set({ acceptedAt: now, acceptedBy: userId })
      .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt))),
    db
      .insert(memberships)
      .values({ id: newId('mem', now), organizationId: invitation.organization.id, userId, role: invitation.role }),
    auditInsert(db, {
      organizationId: invitation.organization.id,
      actor: { type: 'user', id: userId },
      action: 'member.joined',
      target: { type: 'invitation', id: invitation.id },
      ip,
      metadata: { role: invitation.role },
    }),
  ] as const;
}

/** A signed-in user accepts an invitation addressed to their email. */
export async function acceptInvitation(
  db: Db,
  token: string,
  user: { id: string; email: string },
  ip: string | null,
): Promise<PendingInvitation> {
  // A sandbox guest keeps to its sandbox: joining a real org needs an account.
  await assertNotGuest(db, user.id, 'Joining an organization');
  const invitation = await findInvitationByToken(db, token);
  if (!invitation || invitation.email !== user.email.toLowerCase()) {
    throw new ApiError('not_found', 'This invitation is not valid for your account, or it has expired or been used.');
  }
  if (await membershipOf(db, invitation.organization.id, user.id))
    throw new ApiError('conflict', 'You are already a member of this organization.');
  const [claimed] = await db.batch(invitationAcceptStatements(db, invitation, user.id, ip));
  if (claimed.meta.changes === 0) throw new ApiError('not_found', 'This invitation has already been used.');
  return invitation;
}

/** Other owners of the org besides this user (for "you are the last owner" checks in the UI). */
export async function otherOwners(db: Db, orgId: string, userId: string): Promise<number> {
  const rows = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.role, 'owner'), ne(memberships.userId, userId)));
  return rows.length;
}
