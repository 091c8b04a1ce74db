/**
 * An org's agents: create, change, pause and resume, archive, and the plan's agent count.
 * Run inside the OrgHub's exclusive section like every transition (durable-objects/task-engine.ts).
 */
import type { ToolPolicy } from '../core/vocabulary';
import { asc, eq, inArray, isNull } from 'drizzle-orm';
import {
  type AgentInput,
  type AgentPatch,
  agentView,
  countActiveAgents,
  requireAgent,
  resolveManager,
  wouldCreateManagerCycle,
} from '../core/agents';
import { agents, schedules, tasks } from '../core/db/org-schema';
import { DEFAULT_TEAM } from '../core/default-team';
import { ApiError } from '../core/errors';
import { newId } from '../core/ids';
import type { Actor } from '../core/tenant';
import type { EngineHost, PublishingStore } from './engine-host';
import type { TaskEngine } from './task-engine';

export class AgentCommands {
  constructor(private readonly engine: TaskEngine) {}

  private get scope(): PublishingStore {
    return this.engine.scope;
  }

  private get host(): EngineHost {
    return this.engine.host;
  }

  async createAgent(actor: Actor, input: AgentInput) {
    const scope = this.scope;
    const plan = await this.engine.plan();
    const active = await countActiveAgents(scope);
    if (active >= plan.limits.agents) {
      throw new ApiError(
        'payment_required',
        `Your ${plan.name} plan includes ${plan.limits.agents} active agents. Upgrade, or pause or archive an agent first.`,
        {
          limit: plan.limits.agents,
          upgrade_url: '/pricing',
        },
      );
    }
    const slug =
      input.slug ??
      input.name
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 40);
    if (!slug || slug.length < 2)
      throw new ApiError('validation_failed', 'The request is not valid.', [
        { field: 'slug', message: 'Give the agent a slug of 2+ letters or digits.' },
      ]);
    if (await scope.first(agents, eq(agents.slug, slug), isNull(agents.archivedAt)))
      throw new ApiError('conflict', `An agent with slug "${slug}" already exists.`, [
        { field: 'slug', message: 'Taken.' },
      ]);
    const managerId = await resolveManager(scope, input.manager);
    const id = newId('agt');
    const palette = DEFAULT_TEAM.map((a) => a.avatarColor);
    const count = await scope.count(agents);
    await scope.batch([
      scope.insertRows(agents, {
        id,
        slug,
        name: input.name,
        role: input.role,
        department: input.department,
        level: input.level,
        personality: input.personality,
        model: input.model ?? null,
        status: 'idle',
        managerId: managerId ?? null,
        toolPermissions: input.tool_permissions ?? DEFAULT_TEAM[1]!.toolPermissions,
        avatarColor: input.avatar_color ?? palette[count % palette.length]!,
        deskX: input.desk?.x ?? count % 5,
        deskY: input.desk?.y ?? 4 + Math.floor(count / 5),
      }),
      this.engine.record('agent.created', actor, { type: 'agent', id }, { agent_id: id, slug }),
    ]);
    this.engine.audit(actor, 'agent.created', { type: 'agent', id }, { slug, name: input.name });
    return agentView((await scope.first(agents, eq(agents.id, id)))!);
  }

  async updateAgent(actor: Actor, ref: string, patch: AgentPatch) {
    const scope = this.scope;
    const agent = await requireAgent(scope, ref);
    const managerId = await resolveManager(scope, patch.manager);
    if (managerId && (managerId === agent.id || (await wouldCreateManagerCycle(scope, agent.id, managerId)))) {
      throw new ApiError('conflict', 'That manager would make a cycle in the org tree.', [
        { field: 'manager', message: 'Cycle.' },
      ]);
    }
    if (patch.status === 'idle' && agent.status === 'paused') {
      const plan = await this.engine.plan();
      if ((await countActiveAgents(scope)) >= plan.limits.agents) {
        throw new ApiError(
          'payment_required',
          `Your ${plan.name} plan includes ${plan.limits.agents} active agents. Upgrade to resume this one.`,
          { limit: plan.limits.agents, upgrade_url: '/pricing' },
        );
      }
    }
    const status =
      patch.status === 'paused'
        ? 'paused'
        : patch.status === 'idle' && agent.status === 'paused'
          ? this.engine.runner.agentBusy(agent.id)
            ? 'working'
            : 'idle'
          : undefined;
    await scope.batch([
      scope.updateRows(
        agents,
        {
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.role !== undefined && { role: patch.role }),
          ...(patch.department !== undefined && { department: patch.department }),
          ...(patch.level !== undefined && { level: patch.level }),
          ...(patch.personality !== undefined && { personality: patch.personality }),
          ...(patch.model !== undefined && { model: patch.model }),
          ...(managerId !== undefined && { managerId }),
          ...(patch.tool_permissions !== undefined && { toolPermissions: patch.tool_permissions }),
          ...(patch.tool_policies !== undefined && {
            toolPolicies: mergePolicies(agent.toolPolicies, patch.tool_policies),
          }),
          ...(patch.server_tools !== undefined && { serverTools: [...new Set(patch.server_tools)] }),
          ...(patch.avatar_color !== undefined && { avatarColor: patch.avatar_color }),
          ...(patch.desk !== undefined && { deskX: patch.desk.x, deskY: patch.desk.y }),
          ...(status && { status }),
          updatedAt: Date.now(),
        },
        eq(agents.id, agent.id),
      ),
      this.engine.record(
        status ? 'agent.status' : 'agent.updated',
        actor,
        { type: 'agent', id: agent.id },
        { agent_id: agent.id, slug: agent.slug, ...(status ? { status } : {}) },
      ),
    ]);
    // What was sent, field names only, except the policies: who relaxed an approval matters.
    this.engine.audit(
      actor,
      'agent.updated',
      { type: 'agent', id: agent.id },
      {
        slug: agent.slug,
        fields: Object.keys(patch),
        ...(patch.tool_policies !== undefined && { tool_policies: patch.tool_policies }),
        ...(patch.server_tools !== undefined && { server_tools: patch.server_tools }),
        ...(patch.tool_permissions !== undefined && { tool_permissions: patch.tool_permissions }),
      },
    );
    if (status === 'idle') await this.engine.admit();
    return agentView((await scope.first(agents, eq(agents.id, agent.id)))!);
  }

  /** Deletes an agent with no history; archives one that has tasks (nothing is lost). */
  async deleteAgent(actor: Actor, ref: string): Promise<{ archived: boolean }> {
    const scope = this.scope;
    const agent = await requireAgent(scope, ref);
    const open = await scope.count(
      tasks,
      eq(tasks.agentId, agent.id),
      inArray(tasks.status, ['pending', 'queued', 'running', 'awaiting_approval', 'blocked']),
    );
    if (open > 0)
      throw new ApiError('conflict', `${agent.name} has ${open} open task(s). Cancel or finish them first.`);
    const scheduled = (await scope.select(schedules)).filter((s) => s.taskTemplate.agentId === agent.id);
    if (scheduled.length > 0)
      throw new ApiError(
        'conflict',
        `${agent.name} is given work by ${scheduled.length} schedule(s): ${scheduled.map((s) => `"${s.name}"`).join(', ')}. Delete them or give them to another agent first.`,
      );
    const history = await scope.count(tasks, eq(tasks.agentId, agent.id));
    const reports = await scope.count(agents, eq(agents.managerId, agent.id));
    const statements = [
      scope.updateRows(agents, { managerId: agent.managerId }, eq(agents.managerId, agent.id)),
      history > 0
        ? scope.updateRows(
            agents,
            { archivedAt: Date.now(), status: 'offline', updatedAt: Date.now() },
            eq(agents.id, agent.id),
          )
        : scope.deleteRows(agents, eq(agents.id, agent.id)),
      this.engine.record(
        history > 0 ? 'agent.archived' : 'agent.deleted',
        actor,
        { type: 'agent', id: agent.id },
        { agent_id: agent.id, slug: agent.slug, reports_moved: reports },
      ),
    ] as const;
    await scope.batch(statements);
    this.engine.audit(
      actor,
      'agent.deleted',
      { type: 'agent', id: agent.id },
      { slug: agent.slug, name: agent.name, archived: history > 0 },
    );
    return { archived: history > 0 };
  }

  /** After a downgrade: agents over the plan's count are paused (newest first), never deleted. */
  async enforceAgentLimit(actor: Actor): Promise<string[]> {
    const plan = await this.engine.plan();
    const active = (await this.scope.select(agents, isNull(agents.archivedAt)).orderBy(asc(agents.createdAt))).filter(
      (a) => a.status !== 'paused',
    );
    const over = active.slice(plan.limits.agents);
    for (const agent of over) {
      await this.scope.batch([
        this.scope.updateRows(agents, { status: 'paused', updatedAt: Date.now() }, eq(agents.id, agent.id)),
        this.engine.record(
          'agent.status',
          actor,
          { type: 'agent', id: agent.id },
          { agent_id: agent.id, slug: agent.slug, status: 'paused', reason: 'plan_limit' },
        ),
      ]);
    }
    return over.map((a) => a.slug);
  }
}

/** A policy patch over the agent's policies: null removes a tool's entry (back to its default). */
function mergePolicies(current: Record<string, ToolPolicy>, patch: Record<string, ToolPolicy | null>) {
  const next = { ...current };
  for (const [name, policy] of Object.entries(patch)) {
    if (policy === null) delete next[name];
    else next[name] = policy;
  }
  return next;
}
