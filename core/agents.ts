/**
 * Agents: input rules, the API shape, and reads through the org-scoped layer. Writes go
 * through the org's OrgHub (the single writer), which calls the `*Statements` helpers here.
 */
import { asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { OrgStore } from './db/org-store';
import { agents } from './db/org-schema';
import { AGENT_STATUSES, SERVER_TOOLS, TOOL_POLICIES } from './vocabulary';
import { CORE_TOOLS } from './default-team';
import { ApiError, whenFieldsValid } from './errors';
import { FIELD_LIMITS } from './field-limits';
import { AGENT_MODELS } from './runtime/pricing';
import { slugField } from './validation';

export type Agent = typeof agents.$inferSelect;

export const ALL_TOOLS = [...CORE_TOOLS, 'draft_external'] as const;

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a hex colour such as #6366f1.');
/** A required text field: `empty` is said when it is blank or missing; `plural` names it in the length rule. */
const text = (max: number, empty: string, plural: string) =>
  z
    .string({ error: empty })
    .trim()
    .min(1, empty)
    .max(max, `${plural} are at most ${max.toLocaleString('en-US')} characters.`);
/** One of the priced models (core/runtime/pricing.ts), or null for the org's default. */
const modelField = z
  .enum(AGENT_MODELS, { error: `The model must be one of: ${AGENT_MODELS.join(', ')}.` })
  .nullable()
  .optional();

const limits = FIELD_LIMITS.agent;
const nameField = text(limits.name, 'Give the agent a name.', 'Names');
const roleField = text(limits.role, 'Give the agent a role, e.g. "Security Engineer".', 'Roles');
const departmentField = text(limits.department, 'Enter a department, e.g. "Engineering".', 'Departments');
const levelField = text(limits.level, 'Enter a level, e.g. "Senior".', 'Levels');
const personalityField = text(limits.personality, 'Describe the agent’s personality.', 'Personalities');

export const AgentInput = z.strictObject({
  slug: slugField.optional(),
  name: nameField,
  role: roleField,
  department: departmentField.default('General'),
  level: levelField.default('Senior'),
  personality: personalityField,
  model: modelField,
  manager: z.string().trim().min(1).max(64).nullable().optional(),
  tool_permissions: z.array(z.enum(ALL_TOOLS)).max(ALL_TOOLS.length).optional(),
  avatar_color: hexColor.optional(),
  desk: z.strictObject({ x: z.number().int().min(0).max(50), y: z.number().int().min(0).max(50) }).optional(),
});
export type AgentInput = z.infer<typeof AgentInput>;

/**
 * Per-tool policies, merged into the agent's: `auto`, `ask` or `never` by tool name (built-in,
 * `connection__tool`, or a server tool); null puts a tool back to its default. Server tools run at
 * the provider, so they cannot wait for a person: only `auto` or `never`.
 */
export const ToolPoliciesPatch = z
  .record(
    z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'Tool names are letters, digits, dashes and underscores.'),
    z.enum(TOOL_POLICIES, { error: `Use one of: ${TOOL_POLICIES.join(', ')}.` }).nullable(),
  )
  .refine((policies) => Object.keys(policies).length <= 500, 'At most 500 tool policies.')
  .superRefine((policies, ctx) => {
    for (const name of SERVER_TOOLS)
      if (policies[name] === 'ask')
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'Server tools cannot wait for approval: use auto or never.',
        });
  });

export const AgentPatch = z
  .strictObject({
    name: nameField.optional(),
    role: roleField.optional(),
    department: departmentField.optional(),
    level: levelField.optional(),
    personality: personalityField.optional(),
    model: modelField,
    manager: z.string().trim().min(1).max(64).nullable().optional(),
    tool_permissions: z.array(z.enum(ALL_TOOLS)).max(ALL_TOOLS.length).optional(),
    avatar_color: hexColor.optional(),
    desk: z.strictObject({ x: z.number().int().min(0).max(50), y: z.number().int().min(0).max(50) }).optional(),
    status: z.enum(['idle', 'paused'], { error: 'Set status to "paused" or back to "idle".' }).optional(),
    tool_policies: ToolPoliciesPatch.optional(),
    server_tools: z.array(z.enum(SERVER_TOOLS)).max(SERVER_TOOLS.length).optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    message: 'Send at least one field to change.',
    when: whenFieldsValid,
  });
export type AgentPatch = z.infer<typeof AgentPatch>;

export const AgentStatusFilter = z.enum(AGENT_STATUSES);

export function agentView(agent: Agent) {
  return {
    id: agent.id,
    slug: agent.slug,
    name: agent.name,
    role: agent.role,
    department: agent.department,
    level: agent.level,
    personality: agent.personality,
    model: agent.model,
    status: agent.status,
    manager_id: agent.managerId,
    tool_permissions: agent.toolPermissions,
    tool_policies: agent.toolPolicies,
    server_tools: agent.serverTools,
    avatar_color: agent.avatarColor,
    desk: { x: agent.deskX, y: agent.deskY },
    archived: agent.archivedAt !== null,
    created_at: new Date(agent.createdAt).toISOString(),
    updated_at: new Date(agent.updatedAt).toISOString(),
  };
}

/** Agents by slug or id (`"agent": "sable"`). Archived agents are not addressable. */
export async function findAgent(scope: OrgStore, ref: string): Promise<Agent | undefined> {
  return scope.statements.agentByRef.get({ slug: ref.toLowerCase(), id: ref });
}

export async function requireAgent(scope: OrgStore, ref: string, field = 'agent'): Promise<Agent> {
  const agent = await findAgent(scope, ref);
  if (!agent)
    throw new ApiError('not_found', 'No such agent in this organization.', [{ field, message: 'Unknown agent.' }]);
  return agent;
}

export async function listAgents(
  scope: OrgStore,
  filter: { status?: z.infer<typeof AgentStatusFilter>; includeArchived?: boolean } = {},
) {
  return scope
    .select(
      agents,
      filter.includeArchived ? undefined : isNull(agents.archivedAt),
      filter.status ? eq(agents.status, filter.status) : undefined,
    )
    .orderBy(asc(agents.createdAt), asc(agents.id));
}

/** Active agents count against the plan: not archived and not paused. */
export async function countActiveAgents(scope: OrgStore): Promise<number> {
  const rows = await scope.select(agents, isNull(agents.archivedAt));
  return rows.filter((agent) => agent.status !== 'paused').length;
}

/** True when making `managerId` the manager of `agentId` would put a cycle in the org tree. */
export async function wouldCreateManagerCycle(scope: OrgStore, agentId: string, managerId: string): Promise<boolean> {
  const all = await scope.selectFields({ id: agents.id, managerId: agents.managerId }, agents);
  const managerOf = new Map(all.map((row) => [row.id, row.managerId]));
  let cursor: string | null | undefined = managerId;
  for (let hops = 0; cursor && hops <= all.length; hops++) {
    if (cursor === agentId) return true;
    cursor = managerOf.get(cursor);
  }
  return false;
}

export async function resolveManager(
  scope: OrgStore,
  ref: string | null | undefined,
): Promise<string | null | undefined> {
  if (ref === undefined) return undefined;
  if (ref === null) return null;
  const manager = await findAgent(scope, ref);
  if (!manager)
    throw new ApiError('not_found', 'No such agent in this organization to be the manager.', [
      { field: 'manager', message: 'Unknown agent.' },
    ]);
  return manager.id;
}
