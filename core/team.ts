/**
 * An org's team of agents as the dashboard lists it (read in its OrgHub), archived
 * agents left out, ordered like the org tree (each manager before the people who report to them).
 */
import { isNull } from 'drizzle-orm';
import { agents } from './db/org-schema';
import type { OrgStore } from './db/org-store';
import type { AgentStatus } from './vocabulary';

export interface TeamMember {
  id: string;
  slug: string;
  name: string;
  role: string;
  department: string;
  level: string;
  status: AgentStatus;
  avatarColor: string;
  managerId: string | null;
}

function toMember(row: typeof agents.$inferSelect): TeamMember {
  const { id, slug, name, role, department, level, status, avatarColor, managerId } = row;
  return { id, slug, name, role, department, level, status, avatarColor, managerId };
}

export async function listTeam(store: OrgStore): Promise<TeamMember[]> {
  const rows = await store.select(agents, isNull(agents.archivedAt));
  const byManager = new Map<string | null, typeof rows>();
  const ids = new Set(rows.map((row) => row.id));
  for (const row of rows) {
    // A manager who was archived leaves their reports at the top level.
    const manager = row.managerId && ids.has(row.managerId) ? row.managerId : null;
    byManager.set(manager, [...(byManager.get(manager) ?? []), row]);
  }
  const ordered: TeamMember[] = [];
  const visit = (managerId: string | null) => {
    const reports = (byManager.get(managerId) ?? []).sort((a, b) => a.name.localeCompare(b.name));
    for (const row of reports) {
      ordered.push(toMember(row));
      visit(row.id);
    }
  };
  visit(null);
  // Rows caught in a manager cycle are unreachable from the top; list them last rather than lose them.
  if (ordered.length < rows.length) {
    const seen = new Set(ordered.map((member) => member.id));
    for (const row of rows) if (!seen.has(row.id)) ordered.push(toMember(row));
  }
  return ordered;
}
