/** The Worker's entry: HTTP (Hono + Remix), the agent-runs queues, cron sweeps, and the OrgHub class. */
import { app } from './app';
import { handleQueue } from './queue';
import { handleScheduled } from './scheduled';

export { OrgHub } from '../durable-objects/org-hub';

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
