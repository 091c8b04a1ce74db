/** Cron sweeps: expired sessions and invitations now; demo expiry and usage reporting later. */
import { lt } from 'drizzle-orm';
import { getDb } from '../core/db/client';
import { invitations, sessions } from '../core/db/schema';
import { log } from '../core/log';

export async function handleScheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  const db = getDb(env);
  const now = Date.now();
  const [expiredSessions, expiredInvitations] = await db.batch([
    db.delete(sessions).where(lt(sessions.expiresAt, now)),
    db.delete(invitations).where(lt(invitations.expiresAt, now - 30 * 24 * 3600 * 1000)),
  ]);
  log.info('sweep', {
    cron: controller.cron,
    expired_sessions: expiredSessions.meta.changes,
    expired_invitations: expiredInvitations.meta.changes,
  });
}
