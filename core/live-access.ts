/**
 * What a live client (`/v1/live` socket, task SSE stream) may receive: the same as what its
 * credential may read over HTTP. An API key's scopes decide (`live:read` only opens the door:
 * task events still need `tasks:read`, messages `messages:read`…); a user's role decides for
 * people. The OrgHub checks every event against the audience it stored when the socket connected.
 */
import type { ApiKeyScope } from './auth/api-keys';
import type { Role } from './db/schema';
import { can, type Permission } from './permissions';

/** Who is listening, as the Worker authorized them at connect. */
export type LiveAudience = { kind: 'api_key'; scopes: readonly string[] } | { kind: 'user'; role: Role };

interface ReadRule {
  /** The scope an API key needs; null: no key may receive it (data keys cannot read at all). */
  scope: ApiKeyScope | null;
  /** The permission a user's role needs. */
  permission: Permission;
}

/** By event type prefix: the same scope and permission as the HTTP reads of that data. */
const RULES: Array<[prefix: string, rule: ReadRule]> = [
  ['task.', { scope: 'tasks:read', permission: 'tasks:read' }],
  ['run.', { scope: 'tasks:read', permission: 'tasks:read' }],
  ['approval.', { scope: 'tasks:read', permission: 'tasks:read' }],
  ['message.', { scope: 'messages:read', permission: 'tasks:read' }],
  ['agent.', { scope: 'agents:read', permission: 'agents:read' }],
  ['usage.', { scope: 'usage:read', permission: 'tasks:read' }],
  ['schedule.', { scope: 'schedules:read', permission: 'tasks:read' }],
  ['org.', { scope: 'org:read', permission: 'org:read' }],
  ['member.', { scope: null, permission: 'members:read' }],
  // Connections are listed to members (and keys with connections:read), not to viewers.
  ['connection.', { scope: 'connections:read', permission: 'connections:read' }],
  // An agent's tool call is part of its task's work, like its run steps.
  ['tool.', { scope: 'tasks:read', permission: 'tasks:read' }],
  // Who is watching names the org's people: keys need org:read.
  ['presence', { scope: 'org:read', permission: 'members:read' }],
];

const PEOPLE_ONLY: ReadRule = { scope: null, permission: 'org:read' };
/** Rules by exact type: a broadcast asks once per socket, for a handful of distinct types. */
const ruleByType = new Map<string, ReadRule>();
const MAX_CACHED_TYPES = 256;

/** The rule for an event type; an unknown type is for people only (fail closed for keys). */
export function liveReadRule(type: string): ReadRule {
  const cached = ruleByType.get(type);
  if (cached) return cached;
  const rule = RULES.find(([prefix]) => type === prefix || type.startsWith(prefix))?.[1] ?? PEOPLE_ONLY;
  if (ruleByType.size < MAX_CACHED_TYPES) ruleByType.set(type, rule);
  return rule;
}

/** True when this audience may receive an event (or frame) of this type. */
export function mayReceive(audience: LiveAudience, type: string): boolean {
  const rule = liveReadRule(type);
  if (audience.kind === 'api_key') return rule.scope !== null && audience.scopes.includes(rule.scope);
  return can(audience.role, rule.permission);
}
