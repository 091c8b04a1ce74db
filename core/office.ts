/**
 * The office's wire shape of an agent, drawn on the dashboard's overview and on the landing
 * page (app/components/office): made here, once, for both.
 */
import type { agents } from './db/org-schema';
import type { CurrentTask } from './task-reads';

/** An agent as the office draws it: its desk, status and current task. */
export function officeAgentView(
  agent: Pick<
    typeof agents.$inferSelect,
    'id' | 'slug' | 'name' | 'role' | 'status' | 'avatarColor' | 'deskX' | 'deskY'
  >,
  current: ReadonlyMap<string, CurrentTask>,
) {
  return {
    id: agent.id,
    slug: agent.slug,
    name: agent.name,
    role: agent.role,
    status: agent.status,
    avatar_color: agent.avatarColor,
    desk: { x: agent.deskX, y: agent.deskY },
    current_task: current.get(agent.id) ?? null,
  };
}
