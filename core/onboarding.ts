/**
 * The overview's "first minute" checklist, ticked from real state: tasks from the org's OrgHub
 * (the caller passes what it read), keys, invitations and the model key from D1.
 */
import { eq } from 'drizzle-orm';
import { findCredential } from './credentials';
import type { Db } from './db/client';
import { apiKeys, invitations } from './db/schema';
import { isStarterTask } from './starter-tasks';

export interface OnboardingTask {
  status: string;
  parent_id: string | null;
  creator: { type: string };
  metadata: Record<string, unknown>;
}

export interface Onboarding {
  gaveTask: boolean;
  watchedTask: boolean;
  createdKey: boolean;
  invited: boolean;
  addedModelKey: boolean;
}

/** A task someone gave (not an agent's delegation, not a sandbox's starter task). */
function givenByPerson(task: OnboardingTask): boolean {
  return task.parent_id === null && task.creator.type !== 'agent' && !isStarterTask(task.metadata);
}

/**
 * `recent` and `completed`: the org's newest tasks and newest completed tasks (a page each is
 * enough: an org with a full page of its own tasks has long given one). `members`: how many
 * people the org has.
 */
export async function onboardingState(
  db: Db,
  orgId: string,
  tasks: { recent: OnboardingTask[]; completed: OnboardingTask[] },
  members: number,
): Promise<Onboarding> {
  const [key, invitation, credential] = await Promise.all([
    db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.organizationId, orgId)).limit(1),
    db.select({ id: invitations.id }).from(invitations).where(eq(invitations.organizationId, orgId)).limit(1),
    findCredential(db, orgId),
  ]);
  return {
    gaveTask: tasks.recent.some(givenByPerson) || tasks.completed.some(givenByPerson),
    watchedTask: tasks.completed.some(givenByPerson),
    createdKey: key.length > 0,
    invited: invitation.length > 0 || members > 1,
    addedModelKey: Boolean(credential),
  };
}
