/**
 * The org's live hub inside its OrgHub: it publishes each committed event to the org's live
 * room (durable-objects/live-room.ts, which holds the WebSockets in an isolate of its own),
 * admits sockets to the room with their replay from the event log, serves Server-Sent Events
 * for one task, and batches run steps into `run.step` events.
 */
import { z } from 'zod';
import { LIVE_CLOSE } from '../core/events';
import type { JsonObject } from '../core/json';
import { type LiveAudience, mayReceive } from '../core/live-access';
import { log } from '../core/log';
import { isFinal } from '../core/tasks';
import { ROLES } from '../core/vocabulary';
import type { LiveRoom } from './live-room';
import { ADMISSION_HEADER, audienceOf, type LiveAdmission, type LiveFrame } from './live-room-protocol';

/** Who a socket belongs to, set by the Worker after auth (never by the client). */
export const LiveConnectArgs = z.object({
  orgId: z.string().min(1).max(64),
  principalType: z.enum(['user', 'api_key']),
  principalId: z.string().min(1).max(64),
  principalName: z.string().max(120).default(''),
  /** What revocation targets: `session:<hash>`, `clerk:<user>` or `api_key:<id>`. */
  credential: z.string().min(1).max(200),
  /** What the caller may read (set by the Worker): the user's role; a key acts as member. */
  role: z.enum(ROLES),
  /** The API key's scopes; null for a user. */
  scopes: z.array(z.string().min(1).max(64)).max(64).nullable(),
  since: z.coerce.number().int().min(0).nullable(),
  maxSockets: z.coerce.number().int().min(1),
});
export type LiveConnectArgs = z.infer<typeof LiveConnectArgs>;

/** The connect arguments of a `/live` or `/sse` request, from the `x-gc-*` headers the Worker set. */
export function liveConnectArgsOf(request: Request, url: URL) {
  const header = (name: string) => request.headers.get(`x-gc-${name}`);
  return LiveConnectArgs.safeParse({
    orgId: header('org'),
    principalType: header('principal-type'),
    principalId: header('principal-id'),
    principalName: decodeURIComponent(header('principal-name') ?? ''), // percent-encoded by the Worker
    credential: header('credential'),
    role: header('role'),
    // Only a key has scopes; a user is governed by their role.
    scopes: header('principal-type') === 'api_key' ? (header('scopes') ?? '').split(',').filter(Boolean) : null,
    since: url.searchParams.get('since') || null,
    maxSockets: header('max-sockets'),
  });
}

export interface LiveEvent {
  seq: number;
  type: string;
  data: JsonObject;
  at: number;
}

/** Run-step deltas are batched this long before they become one event. */
const STEP_COALESCE_MS = 75;
/** The most events one replay sends; an older `since` gets `resync`. */
const REPLAY_PAGES = 100;
const REPLAY_PAGE_SIZE = 500;

interface SseClient {
  taskId: string;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  audience: LiveAudience;
  principalType: 'user' | 'api_key';
  principalId: string;
  credential: string;
}

export interface LiveHost {
  appendEvent(type: string, data: JsonObject): LiveEvent;
  eventsAfter(since: number, limit: number): LiveEvent[];
  oldestSeq(): number;
  lastSeq(): number;
  /** The task's status now (undefined: no such task). */
  taskStatus(taskId: string): string | undefined;
  /** The org's live room (one stub, kept: calls through it arrive in order). */
  room(): DurableObjectStub<LiveRoom>;
}

const encoder = new TextEncoder();

function frame(event: LiveEvent): string {
  return JSON.stringify({ seq: event.seq, type: event.type, at: new Date(event.at).toISOString(), data: event.data });
}

export class LiveHub {
  private readonly sse = new Set<SseClient>();
  private pendingSteps = new Map<string, JsonObject[]>();
  private stepTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * Whether the room may have sockets: set by every admission, cleared when a publish finds the
   * room empty. An object that just started does not know, so it publishes once to find out.
   */
  private roomListening = true;
  /** Admissions so far: a publish that raced one does not clear `roomListening`. */
  private admissions = 0;
  /** Frames waiting for the publish in flight (publishes go one at a time, in order). */
  private outbox: LiveFrame[] = [];
  private publishing = false;

  constructor(private readonly host: LiveHost) {}

  /**
   * A socket for the room: its replay is made here, without an await after the room starts
   * listening, so every later event reaches it through the room (which drops what the replay had).
   */
  async accept(args: LiveConnectArgs, options: { readOnly?: boolean } = {}): Promise<Response> {
    this.flushSteps();
    this.roomListening = true;
    this.admissions += 1;
    const helloSeq = this.host.lastSeq();
    const admission: LiveAdmission = {
      args,
      readOnly: options.readOnly ?? false,
      otherConnections: this.sse.size,
      helloSeq,
      replay: args.since === null ? [] : this.replay(args.since, audienceOf(args)),
    };
    const token = crypto.randomUUID();
    const room = this.host.room();
    await room.admit(token, admission);
    // The client's headers (its cookie or key among them) stay here: the admission says who it is.
    return room.fetch('https://live-room/socket', { headers: { Upgrade: 'websocket', [ADMISSION_HEADER]: token } });
  }

  /** Every event after `since` that the audience may read, or why the client must refetch. */
  private replay(since: number, audience: LiveAudience): LiveAdmission['replay'] {
    if (since > this.host.lastSeq()) return { resync: 'since is ahead of this org’s events' };
    if (since < this.host.oldestSeq() - 1) return { resync: 'since is older than the replay log; refetch' };
    const frames: LiveFrame[] = [];
    let cursor = since;
    for (let page = 0; page < REPLAY_PAGES; page++) {
      const events = this.host.eventsAfter(cursor, REPLAY_PAGE_SIZE);
      for (const event of events)
        if (mayReceive(audience, event.type)) frames.push({ seq: event.seq, type: event.type, text: frame(event) });
      if (events.length < REPLAY_PAGE_SIZE) break;
      cursor = events[events.length - 1]!.seq;
    }
    return frames;
  }

  /** Sends an appended event to the room (when it has sockets) and to every SSE stream that may read it. */
  broadcast(event: LiveEvent) {
    if (this.roomListening) {
      this.outbox.push({ seq: event.seq, type: event.type, text: frame(event) });
      // A transition's events are appended together: one publish carries them all.
      if (!this.publishing) {
        this.publishing = true;
        queueMicrotask(() => void this.publish());
      }
    }
    if (this.sse.size) this.broadcastSse(event);
  }

  private async publish() {
    try {
      while (this.outbox.length) {
        const frames = this.outbox;
        this.outbox = [];
        const admissions = this.admissions;
        try {
          const listeners = await this.host.room().publish(frames);
          if (listeners === 0 && admissions === this.admissions) {
            this.roomListening = false;
            this.outbox = [];
          }
        } catch (error) {
          // The room is unreachable: its sockets miss these events and resync from their seq.
          log.warn('live_publish_failed', { error: error instanceof Error ? error.message : String(error) });
        }
      }
    } finally {
      this.publishing = false;
    }
  }

  /** Run steps arrive fast: batched per run and appended as one `run.step` event every ~75 ms. */
  queueStep(step: JsonObject) {
    const key = `${step.task_id}:${step.run_id}`;
    const list = this.pendingSteps.get(key) ?? [];
    list.push(step);
    this.pendingSteps.set(key, list);
    this.stepTimer ??= setTimeout(() => this.flushSteps(), STEP_COALESCE_MS);
  }

  flushSteps() {
    if (this.stepTimer) clearTimeout(this.stepTimer);
    this.stepTimer = null;
    const batches = this.pendingSteps;
    this.pendingSteps = new Map();
    for (const steps of batches.values()) {
      const first = steps[0]!;
      this.host.appendEvent('run.step', {
        task_id: first.task_id as string,
        run_id: first.run_id as string,
        steps: steps.map(
          ({ task_id: _t, run_id: _r, ...rest }) => rest as Record<string, string | number | boolean | null>,
        ),
      } as JsonObject);
    }
  }

  /** Closes every socket and stream opened with this credential (revoked key, ended session). */
  async disconnect(credential: string, reason: string): Promise<number> {
    const sockets = await this.closeInRoom((room) => room.disconnect(credential, reason));
    return sockets + this.closeSse((client) => client.credential === credential, reason);
  }

  /**
   * Closes every socket and stream of one user, whatever credential opened it (a session, a
   * Clerk token): their membership ended (4001, final) or their role changed (4004: what they
   * may see changed, so the client reconnects and is filtered by its new role).
   */
  async disconnectUser(userId: string, reason: string, code: number = LIVE_CLOSE.revoked): Promise<number> {
    const sockets = await this.closeInRoom((room) => room.disconnectUser(userId, reason, code));
    return (
      sockets + this.closeSse((client) => client.principalType === 'user' && client.principalId === userId, reason)
    );
  }

  /** Closes every socket and stream (the org was deleted). */
  async closeAll(reason: string): Promise<number> {
    const sockets = await this.closeInRoom((room) => room.closeAll(LIVE_CLOSE.orgDeleted, reason));
    return sockets + this.closeSse(() => true, reason);
  }

  /**
   * Closes sockets in the room. A room that cannot be reached is logged, not thrown: what asked
   * (a revocation, a removal, an org's deletion) has already happened and must not be undone.
   */
  private async closeInRoom(close: (room: DurableObjectStub<LiveRoom>) => Promise<number>): Promise<number> {
    try {
      return await close(this.host.room());
    } catch (error) {
      log.error('live_room_close_failed', { error: error instanceof Error ? error.message : String(error) });
      return 0;
    }
  }

  /** Ends the SSE streams that match, with a final `revoked` event saying why. */
  private closeSse(match: (client: SseClient) => boolean, reason: string): number {
    let closed = 0;
    for (const client of [...this.sse]) {
      if (!match(client)) continue;
      this.sse.delete(client);
      closed += 1;
      client.writer
        .write(encoder.encode(`event: revoked\ndata: ${JSON.stringify({ reason })}\n\n`))
        .catch(() => undefined);
      client.writer.close().catch(() => undefined);
    }
    return closed;
  }

  /** Open sockets (or those of one credential) and, without a credential, task streams too. */
  async connectionCount(credential?: string): Promise<number> {
    const sockets = await this.host.room().count(credential);
    return credential ? sockets : sockets + this.sse.size;
  }

  // ─── Server-Sent Events for one task ─────────────────────────────────────────────────

  async openSse(taskId: string, args: LiveConnectArgs): Promise<Response> {
    const since = args.since;
    // The room's count is asked first: from here to the replay nothing awaits, so no event slips between.
    if ((await this.connectionCount()) >= args.maxSockets)
      return new Response('Too many live connections for this plan.', { status: 429 });
    const stream = new TransformStream<Uint8Array, Uint8Array>();
    const writer = stream.writable.getWriter();
    const client: SseClient = {
      taskId,
      writer,
      audience: audienceOf(args),
      principalType: args.principalType,
      principalId: args.principalId,
      credential: args.credential,
    };
    this.flushSteps();
    const write = (text: string) => writer.write(encoder.encode(text)).catch(() => this.sse.delete(client));
    write(`retry: 2000\n: connected to task ${taskId}\n\n`);
    if (since !== null && since >= this.host.oldestSeq() - 1) {
      let cursor = since;
      for (let page = 0; page < REPLAY_PAGES; page++) {
        const events = this.host.eventsAfter(cursor, REPLAY_PAGE_SIZE);
        for (const event of events)
          if (concernsTask(event, taskId) && mayReceive(client.audience, event.type)) write(sseFrame(event));
        if (events.length < REPLAY_PAGE_SIZE) break;
        cursor = events[events.length - 1]!.seq;
      }
    }
    // A task that has already ended gets its `end` now: no event would ever close the stream.
    const status = this.host.taskStatus(taskId);
    if (status !== undefined && isFinal(status)) endSse(writer);
    else this.sse.add(client);
    return new Response(stream.readable, {
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
      },
    });
  }

  private broadcastSse(event: LiveEvent) {
    for (const client of this.sse) {
      if (!concernsTask(event, client.taskId) || !mayReceive(client.audience, event.type)) continue;
      client.writer.write(encoder.encode(sseFrame(event))).catch(() => this.sse.delete(client));
      const status = (event.data.task as Record<string, unknown> | undefined)?.status;
      if (event.type === 'task.updated' && typeof status === 'string' && isFinal(status)) {
        endSse(client.writer);
        this.sse.delete(client);
      }
    }
  }
}

/** The task ended: the stream's last frame, then it closes. */
function endSse(writer: WritableStreamDefaultWriter<Uint8Array>) {
  writer.write(encoder.encode('event: end\ndata: {}\n\n')).catch(() => undefined);
  writer.close().catch(() => undefined);
}

function concernsTask(event: LiveEvent, taskId: string): boolean {
  if (event.data.task_id === taskId) return true;
  const task = event.data.task as Record<string, unknown> | undefined;
  return task?.id === taskId;
}

function sseFrame(event: LiveEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${frame(event)}\n\n`;
}
