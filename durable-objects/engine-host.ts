import { bound, OrgStore, type Statement } from '../core/db/org-store';
import { newId } from '../core/ids';
import type { JsonObject } from '../core/json';
import type { ResolvedModelKey } from '../core/credentials';
import type { HubEvent, OrgEventType } from '../core/events';
import type { OrgInfo } from '../core/org-info';
import type { Actor } from '../core/tenant';

export interface EngineHost {
  orgId: string;
  env: Env;
  store: OrgStore;
  /** What the hub knows of its org (plan, name, default model), kept current by the Worker. */
  org(): OrgInfo;
  /** The model key an agent's run uses; resolved by the hub before the run's transition. */
  modelKey(agentId: string): ResolvedModelKey | null;
  /** Writes events to the log inside the caller's transaction; returns them with their seq. */
  appendEvents(events: Array<{ type: OrgEventType; data: JsonObject }>): HubEvent[];
  /** Sends committed events to live clients. */
  broadcast(events: HubEvent[]): void;
  /** Appends and broadcasts one event outside a transition. */
  emit(type: OrgEventType, data: JsonObject): number;
  /** The sequence number the next appended event gets. */
  nextSeq(): number;
  /** The usage counters changed: the hub copies them to the D1 ledger soon. */
  usageChanged(): void;
  /** Counts a finished run for ops metrics (`run_finished`), written with the ledger. */
  countRunOutcome(outcome: string): void;
  /** A run step for the live hub: coalesced into `run.step` events every ~75 ms. */
  emitStep(step: JsonObject): void;
  flushSteps(): void;
  /** Runs `work` with no other transition of this org in between. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  setAlarmAt(at: number): Promise<void>;
  markRunActive(taskId: string, attempt: number): void;
  markRunEnded(taskId: string): void;
}

/** The month a usage counter belongs to (periods are calendar months, UTC). */
export function monthPeriod(now: number) {
  const d = new Date(now);
  return {
    start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

/**
 * The org's store, plus: a batch writes the events recorded for it in the same transaction
 * (each gets the org's next sequence number) and publishes them only after it commits.
 */
export class PublishingStore extends OrgStore {
  /** Events of the transition being written (`seq`: the one its activity row was given). */
  pending: Array<{ type: OrgEventType; data: JsonObject; seq?: number }> = [];

  constructor(private readonly host: EngineHost) {
    super(host.store.db, host.store.storage, host.store.statements);
  }

  /**
   * The activity row of a transition, for the caller's batch; its event (with the org's next
   * sequence number) goes out to live clients only after that batch commits, so nobody sees a
   * change that did not happen.
   */
  record(type: OrgEventType, actor: Actor, subject: { type: string; id: string }, data: JsonObject) {
    // The row carries its event's sequence number (the feed's order, and how a client matches
    // the two): events are appended in this list's order when the batch commits.
    const seq = this.host.nextSeq() + this.pending.length;
    this.pending.push({ type, data, seq });
    return bound(this.statements.insertActivity, {
      id: newId('act'),
      seq,
      type,
      actorType: actor.type,
      actorId: actor.id,
      subjectType: subject.type,
      subjectId: subject.id,
      data,
      now: Date.now(),
    });
  }

  /** An event with no activity row of its own (`usage.updated`), written with the transition's. */
  announce(type: OrgEventType, data: JsonObject): void {
    this.pending.push({ type, data });
  }

  /**
   * Runs `statements`, then the ones `then()` returns (it sees the first ones applied: a task's
   * new view for its event), and the recorded events, all in one transaction; publishes after.
   */
  override batch(statements: readonly Statement[], then?: () => readonly Statement[]): void {
    let events: HubEvent[];
    try {
      events = this.transaction(() => {
        for (const statement of statements) statement.run();
        if (then) for (const statement of then()) statement.run();
        const appended = this.host.appendEvents(this.pending);
        // Recorded and appended apart would leave activity rows with another event's seq.
        this.pending.forEach(({ seq }, i) => {
          if (seq !== undefined && appended[i]?.seq !== seq)
            throw new Error(`Activity recorded for seq ${seq}, event appended as ${appended[i]?.seq}`);
        });
        return appended;
      });
    } finally {
      this.pending = [];
    }
    this.host.broadcast(events);
  }
}
