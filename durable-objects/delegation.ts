/**
 * Delegation (the `delegate_task` tool): an agent hands part of its task to a teammate. The
 * child task names its parent, and the parent depends on it, so the parent's run yields and the
 * task resumes when the child completes. Chains stop at MAX_DELEGATION_DEPTH.
 */
import { findAgent } from '../core/agents';
import { taskDependencies } from '../core/db/org-schema';
import type { Task } from '../core/tasks';
import type { PublishingStore } from './engine-host';
import type { TaskEngine } from './task-engine';

export const MAX_DELEGATION_DEPTH = 5;

/** How many delegations led to `task` (0 for a task given from outside), counted up to the limit. */
export function delegationDepth(store: PublishingStore, task: Task): number {
  let depth = 0;
  let parentId = task.parentId;
  while (parentId && depth <= MAX_DELEGATION_DEPTH) {
    const parent = store.statements.taskById.get({ id: parentId });
    parentId = parent?.parentId ?? null;
    depth += 1;
  }
  return depth;
}

/** Creates the teammate's task and makes `task` wait on it (inside the hub's exclusive section). */
export async function delegate(
  engine: TaskEngine,
  fromAgentId: string,
  task: Task,
  input: { agent: string; title?: string; description: string; priority?: Task['priority'] },
) {
  const target = await findAgent(engine.scope, input.agent);
  if (!target) return { content: `No teammate "${input.agent}". Use list_agents to see the team.`, isError: true };
  if (target.id === fromAgentId) return { content: 'You cannot delegate to yourself.', isError: true };
  if (target.status === 'paused') return { content: `${target.name} is paused; choose someone else.`, isError: true };
  const { task: child } = await engine.createTask(
    { type: 'agent', id: fromAgentId },
    {
      agent: target.id,
      description: input.description,
      title: input.title,
      priority: input.priority ?? task.priority,
      depends_on: [],
      max_attempts: 3,
    },
    null,
    { parentId: task.id, skipAdmit: true },
  );
  await engine.scope.insertRows(taskDependencies, { taskId: task.id, dependsOnId: child.id });
  return {
    content: `Delegated to ${target.name} as task ${child.id}. This task resumes when it completes.`,
    yieldRun: true,
  };
}
