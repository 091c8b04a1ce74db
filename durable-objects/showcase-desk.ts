/**
 * The showcase org's side of its OrgHub (core/showcase.ts): the landing page's snapshot of the
 * team, its read-only viewer sockets, and the upkeep that keeps the team busy while someone
 * watches (durable-objects/showcase.ts does the SQL).
 */
import { z } from 'zod';
import type { OrgStore } from '../core/db/org-store';
import type { PlanId } from '../core/plans';
import { SHOWCASE_CREDENTIAL, SHOWCASE_SCOPES } from '../core/showcase';
import { officeAgentView } from '../core/office';
import { currentTaskOf } from '../core/task-reads';
import { TaskInput } from '../core/tasks';
import type { LiveHub } from './live-hub';
import { ORG_READS } from './org-reads';
import { metaValue, setMeta } from './platform-link';
import { nextShowcaseTask, pruneShowcase, SHOWCASE_TICK_MS, showcaseBusy } from './showcase';

/** What the desk needs of its hub. */
export interface ShowcaseHost {
  store: OrgStore;
  live: LiveHub;
  orgId(): string | null;
  /** Loads the org's platform record (plan, limits) when not loaded yet. */
  ensureInfo(): Promise<void>;
  plan(): PlanId;
  lastSeq(): number;
  /** Runs `work` as the hub's next transition. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  createTask(input: TaskInput): Promise<unknown>;
  wakeAt(at: number): Promise<void>;
}

export class ShowcaseDesk {
  constructor(private readonly host: ShowcaseHost) {}

  /** Whether this hub's org is the showcase (marked by its first tick). */
  isShowcase(): boolean {
    return metaValue(this.host.store, 'showcase') === '1';
  }

  /**
   * Marks this org as the showcase, prunes it, and gives it the next task of the rotation when
   * nothing is in flight. The cron sweep and every visitor's snapshot call it; the alarm calls
   * it every SHOWCASE_TICK_MS while viewers are connected.
   */
  async tick(): Promise<{ created: boolean }> {
    await this.host.ensureInfo();
    if (!this.isShowcase()) setMeta(this.host.store, 'showcase', '1');
    return this.upkeep();
  }

  async upkeep(): Promise<{ created: boolean }> {
    const sql = this.host.store.storage.sql;
    const created = await this.host.exclusive(async () => {
      pruneShowcase(sql);
      if (showcaseBusy(sql)) return false;
      await this.host.createTask(TaskInput.parse(nextShowcaseTask(sql)));
      return true;
    });
    if ((await this.host.live.connectionCount(SHOWCASE_CREDENTIAL)) > 0) {
      await this.host.wakeAt(Date.now() + SHOWCASE_TICK_MS);
    }
    return { created };
  }

  /** What the landing page starts from: the team with their current tasks, and the seq to resume after. */
  async snapshot(maxViewers: number) {
    const { created } = await this.tick();
    const seq = this.host.lastSeq();
    const team = await ORG_READS.agents.run({ store: this.host.store, plan: this.host.plan() }, {});
    const current = await currentTaskOf(
      this.host.store,
      team.map((agent) => agent.id),
    );
    const viewers = await this.host.live.connectionCount(SHOWCASE_CREDENTIAL);
    return {
      seq,
      created,
      live: viewers < z.number().int().min(0).parse(maxViewers),
      agents: team.map((agent) => officeAgentView(agent, current)),
    };
  }

  /**
   * A landing-page viewer's socket: read-only (the office's events only; frames other than
   * ping are refused), within the global budget `x-gc-max-viewers`; over it, 429 before any
   * socket exists.
   */
  async socket(request: Request, url: URL): Promise<Response> {
    const orgId = this.host.orgId();
    if (!this.isShowcase() || !orgId) return new Response('Not found', { status: 404 });
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
      return new Response('Expected a WebSocket upgrade', { status: 426 });
    const max = z.coerce.number().int().min(0).safeParse(request.headers.get('x-gc-max-viewers'));
    if (!max.success) return new Response('Bad live request', { status: 400 });
    // The room counts the viewers and accepts without an await in between: the budget is exact.
    const since = z.coerce
      .number()
      .int()
      .min(0)
      .safeParse(url.searchParams.get('since') || undefined);
    const response = await this.host.live.accept(
      {
        orgId,
        principalType: 'api_key',
        principalId: 'showcase',
        principalName: '',
        credential: SHOWCASE_CREDENTIAL,
        role: 'viewer',
        scopes: [...SHOWCASE_SCOPES],
        since: since.success ? (since.data ?? null) : null,
        maxSockets: max.data,
      },
      { readOnly: true },
    );
    await this.upkeep();
    return response;
  }
}
