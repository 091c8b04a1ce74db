/**
 * Function-level permissions (docs/architecture.md), decided by role alone. Object-level checks (is this
 * record in the caller's org?) are separate: the scoped data layer makes a foreign record a 404.
 */
import type { Role } from './db/schema';
import { ApiError } from './errors';

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export const PERMISSIONS = {
  'org:read': 'viewer',
  'org:update': 'admin',
  'org:delete': 'owner',
  'members:read': 'viewer',
  'members:manage': 'admin',
  'keys:manage': 'admin',
  'audit:read': 'admin',
  'credentials:manage': 'admin',
  'billing:manage': 'owner',
  'agents:read': 'viewer',
  'agents:write': 'member',
  'tasks:read': 'viewer',
  'tasks:write': 'member',
  'approvals:decide': 'member',
  'connections:read': 'member',
  'connections:manage': 'admin',
} as const satisfies Record<string, Role>;
export type Permission = keyof typeof PERMISSIONS;

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

export function can(role: Role, permission: Permission): boolean {
  return roleAtLeast(role, PERMISSIONS[permission]);
}

/** Throws 403 when the role may not do this. Call after the object lookup (404 first). */
export function requirePermission(role: Role, permission: Permission): void {
  if (!can(role, permission)) {
    throw new ApiError(
      'forbidden',
      `Your role (${role}) cannot do this; it needs ${PERMISSIONS[permission]} or above.`,
      {
        required_role: PERMISSIONS[permission],
      },
    );
  }
}
