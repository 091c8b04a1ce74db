/**
 * The org's live hub inside its OrgHub: WebSockets accepted with the hibernation API (per-socket
 * metadata in attachments, pings answered without waking the object), Server-Sent Events for
 * one task, replay from the event log for gap-free resume, presence, and per-socket limits.
 */
import { z } from 'zod';
import { LIVE_CLOSE } from '../core/events';
import type { JsonObject } from '../core/json';
import { type LiveAudience, mayReceive } from '../core/live-access';
import { ROLES } from '../core/vocabulary';
import { isFinal } from '../core/tasks';

export interface LiveEvent {
  seq: number;
  type: string;
  data: JsonObject;
  at: number;
}

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

interface SocketAttachment {
  principalType: 'user' | 'api_key';
  principalId: string;
  principalName: string;
  credential: string;
  /** What this socket may receive (absent on sockets of an older version: they get nothing). */
  role?: LiveConnectArgs['role'];
  scopes?: string[] | null;
  connectedAt: number;
  lastMessageAt: number;
  /** Inbound frame rate window. */
  windowStart: number;
  windowCount: number;
  page: string | null;
  /** A landing-page viewer of the showcase (core/showcase.ts): it may only ping. */
  readOnly?: boolean;
}

export const CLOSE = LIVE_CLOSE;

export const LIVE_LIMITS = {
  maxFrameBytes: 4 * 1024,
  framesPerWindow: 30,
  windowMs: 10_000,
  idleMs: 10 * 60_000,
  /** Run-step deltas are batched this long before they become one event. */
  coalesceMs: 75,
  presenceDebounceMs: 250,
};

const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('presence'), page: z.string().max(200).nullable().optional() }),
]);

interface SseClient {
  taskId: string;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  audience: LiveAudience;
  principalType: 'user' | 'api_key';
  principalId: string;
  credential: string;
}

export interface LiveHost {
  ctx: DurableObjectState;
  appendEvent(type: string, data: JsonObject): LiveEvent;
  eventsAfter(since: number, limit: number): LiveEvent[];
  oldestSeq(): number;
  lastSeq(): number;
  /** The task's status now (undefined: no such task). */
  taskStatus(taskId: string): string | undefined;
}

const encoder = new TextEncoder();

export function audienceOf(a: Pick<SocketAttachment, 'principalType' | 'role' | 'scopes'>): LiveAudience {
  if (a.principalType === 'api_key') return { kind: 'api_key', scopes: a.scopes ?? [] };
  return a.role ? { kind: 'user', role: a.role } : { kind: 'api_key', scopes: [] };
}

export function frame(event: LiveEvent): string {
  return JSON.stringify({ seq: event.seq, type: event.type, at: new Date(event.at).toISOString(), data: event.data });
}

export class LiveHub {
  private readonly sse = new Set<SseClient>();
  private pendingSteps = new Map<string, JsonObject[]>();
  private stepTimer: ReturnType<typeof setTimeout> | null = null;
  /** Each socket's audience, read from its attachment once per wake-up. */
  private audiences = new WeakMap<WebSocket, LiveAudience>();

  constructor(private readonly host: LiveHost) {
    // Pings are answered by the runtime without waking a hibernated object.
    host.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  accept(args: LiveConnectArgs, options: { readOnly?: boolean } = {}): Response {
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const open = this.host.ctx.getWebSockets().length;
    this.host.ctx.acceptWebSocket(server, [args.credential]);
    if (open + this.sse.size >= args.maxSockets) {
      server.close(CLOSE.tryAgainLater, `Too many live connections for this plan (${args.maxSockets}).`);
      return new Response(null, { status: 101, webSocket: client });
    }
    const now = Date.now();
    const attachment: SocketAttachment = {
      principalType: args.principalType,
      principalId: args.principalId,
      principalName: args.principalName,
      credential: args.credential,
      role: args.role,
      scopes: args.scopes,
      connectedAt: now,
      lastMessageAt: now,
      windowStart: now,
      windowCount: 0,
      page: null,
      ...(options.readOnly ? { readOnly: true } : {}),
    };
    server.serializeAttachment(attachment);
    // Everything below runs without an await: no event can slip between replay and live.
    this.flushSteps();
    server.send(
      JSON.stringify({
        type: 'hello',
        seq: this.host.lastSeq(),
        limits: { max_frame_bytes: LIVE_LIMITS.maxFrameBytes },
      }),
    );
    if (args.since !== null) this.replay(server, args.since);
    // Showcase viewers are anonymous and are never announced.
    if (!options.readOnly) this.publishPresence();
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends every event after `since`, or `resync` when the log no longer reaches back that far. */
  private audience(ws: WebSocket): LiveAudience {
    let audience = this.audiences.get(ws);
    if (!audience) {
      const a = ws.deserializeAttachment() as SocketAttachment | null;
      audience = a ? audienceOf(a) : { kind: 'api_key', scopes: [] };
      this.audiences.set(ws, audience);
    }
    return audience;
  }

  private replay(ws: WebSocket, since: number) {
    if (since > this.host.lastSeq()) {
      ws.send(
        JSON.stringify({ type: 'resync', seq: this.host.lastSeq(), reason: 'since is ahead of this org’s events' }),
      );
      return;
    }
    if (since < this.host.oldestSeq() - 1) {
      ws.send(
        JSON.stringify({
          type: 'resync',
          seq: this.host.lastSeq(),
          reason: 'since is older than the replay log; refetch',
        }),
      );
      return;
    }
    let cursor = since;
    for (let page = 0; page < 100; page++) {
      const events = this.host.eventsAfter(cursor, 500);
      const audience = this.audience(ws);
      for (const event of events) if (mayReceive(audience, event.type)) ws.send(frame(event));
      if (events.length < 500) return;
      cursor = events[events.length - 1]!.seq;
    }
  }

  /** Fans an appended event out to every socket and SSE stream that may read it. */
  broadcast(event: LiveEvent) {
    const text = frame(event);
    for (const ws of this.host.ctx.getWebSockets()) {
      if (!mayReceive(this.audience(ws), event.type)) continue;
      try {
        ws.send(text);
      } catch {
        // A socket closing mid-send is cleaned up by webSocketClose.
      }
    }
    if (this.sse.size) this.broadcastSse(event);
  }

  /** Run steps arrive fast: batched per run and appended as one `run.step` event every ~75 ms. */
  queueStep(step: JsonObject) {
    const key = `${step.task_id}:${step.run_id}`;
    const list = this.pendingSteps.get(key) ?? [];
    list.push(step);
    this.pendingSteps.set(key, list);
    this.stepTimer ??= setTimeout(() => this.flushSteps(), LIVE_LIMITS.coalesceMs);
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

  onMessage(ws: WebSocket, message: string | ArrayBuffer) {
    const attachment = ws.deserializeAttachment() as SocketAttachment;
    const now = Date.now();
    const size = typeof message === 'string' ? encoder.encode(message).byteLength : message.byteLength;
    if (size > LIVE_LIMITS.maxFrameBytes) {
      ws.close(CLOSE.tooBig, `Frames are limited to ${LIVE_LIMITS.maxFrameBytes} bytes.`);
      return;
    }
    if (now - attachment.windowStart > LIVE_LIMITS.windowMs) {
      attachment.windowStart = now;
      attachment.windowCount = 0;
    }
    attachment.windowCount += 1;
    attachment.lastMessageAt = now;
    if (attachment.windowCount > LIVE_LIMITS.framesPerWindow) {
      ws.close(CLOSE.policy, 'Too many messages; slow down.');
      return;
    }
    let parsed: ReturnType<typeof ClientFrame.safeParse> | null;
    try {
      parsed = ClientFrame.safeParse(
        JSON.parse(typeof message === 'string' ? message : new TextDecoder().decode(message)),
      );
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      ws.serializeAttachment(attachment);
      ws.send(
        JSON.stringify({
          type: 'error',
          error: { code: 'bad_frame', message: 'Send JSON: {"type":"ping"} or {"type":"presence","page":"…"}.' },
        }),
      );
      return;
    }
    if (parsed.data.type === 'ping') ws.send('{"type":"pong"}');
    else if (attachment.readOnly) {
      ws.serializeAttachment(attachment);
      ws.send(JSON.stringify({ type: 'error', error: { code: 'read_only', message: 'This live view is read-only.' } }));
      return;
    } else {
      attachment.page = parsed.data.page ?? null;
      ws.serializeAttachment(attachment);
      this.publishPresence();
      return;
    }
    ws.serializeAttachment(attachment);
  }

  onClose(ws: WebSocket, code: number, reason: string) {
    try {
      ws.close(code === 1005 ? CLOSE.normal : code, reason);
    } catch {
      // already closed
    }
    this.publishPresence(ws);
  }

  /** Closes every socket and stream opened with this credential (revoked key, ended session). */
  disconnect(credential: string, reason: string): number {
    const sockets = this.host.ctx.getWebSockets(credential);
    for (const ws of sockets) ws.close(CLOSE.revoked, reason);
    if (sockets.length) this.publishPresence(...sockets);
    return sockets.length + this.closeSse((client) => client.credential === credential, reason);
  }

  /**
   * Closes every socket and stream of one user, whatever credential opened it (a session, a
   * Clerk token): their membership ended (4001, final) or their role changed (4004: what they
   * may see changed, so the client reconnects and is filtered by its new role).
   */
  disconnectUser(userId: string, reason: string, code: number = CLOSE.revoked): number {
    const sockets = this.host.ctx.getWebSockets().filter((ws) => {
      const a = ws.deserializeAttachment() as SocketAttachment | null;
      return a?.principalType === 'user' && a.principalId === userId;
    });
    for (const ws of sockets) {
      try {
        ws.close(code, reason);
      } catch {
        // already closing
      }
    }
    if (sockets.length) this.publishPresence(...sockets);
    return (
      sockets.length +
      this.closeSse((client) => client.principalType === 'user' && client.principalId === userId, reason)
    );
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

  /** Closes every stream (the org was deleted). */
  closeAllSse(reason: string): number {
    return this.closeSse(() => true, reason);
  }

  /** Closes sockets that sent nothing (not even a ping) for the idle limit. */
  closeIdle(now = Date.now()): number {
    let closed = 0;
    for (const ws of this.host.ctx.getWebSockets()) {
      const attachment = ws.deserializeAttachment() as SocketAttachment | null;
      const ping = this.host.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
      const last = Math.max(attachment?.lastMessageAt ?? 0, ping);
      if (now - last > LIVE_LIMITS.idleMs) {
        ws.close(CLOSE.idle, 'Idle for too long; reconnect with ?since to catch up.');
        closed += 1;
      }
    }
    return closed;
  }

  socketCount(): number {
    return this.host.ctx.getWebSockets().length + this.sse.size;
  }

  private presenceTimer: ReturnType<typeof setTimeout> | null = null;
  private leaving = new Set<WebSocket>();

  /**
   * Who is watching, sent to every socket. Ephemeral: not in the replay log and without a
   * sequence number (it describes now, not history), and coalesced so a wave of connections
   * costs one frame per socket rather than one per connection.
   */
  private publishPresence(...leaving: WebSocket[]) {
    for (const ws of leaving) this.leaving.add(ws);
    this.presenceTimer ??= setTimeout(() => {
      this.presenceTimer = null;
      const gone = this.leaving;
      this.leaving = new Set();
      const viewers = new Map<
        string,
        { id: string; type: string; name: string; connections: number; pages: string[] }
      >();
      const sockets = this.host.ctx.getWebSockets().filter((ws) => !gone.has(ws));
      for (const ws of sockets) {
        const a = ws.deserializeAttachment() as SocketAttachment | null;
        if (!a) continue;
        const key = `${a.principalType}:${a.principalId}`;
        const viewer = viewers.get(key) ?? {
          id: a.principalId,
          type: a.principalType,
          name: a.principalName,
          connections: 0,
          pages: [],
        };
        viewer.connections += 1;
        if (a.page && !viewer.pages.includes(a.page)) viewer.pages.push(a.page);
        viewers.set(key, viewer);
      }
      const text = JSON.stringify({
        type: 'presence',
        at: new Date().toISOString(),
        data: {
          viewers: [...viewers.values()].map((v) => ({
            id: v.id,
            type: v.type,
            name: v.name,
            connections: v.connections,
            pages: v.pages.join(','),
          })),
        },
      });
      for (const ws of sockets) {
        if (!mayReceive(this.audience(ws), 'presence')) continue;
        try {
          ws.send(text);
        } catch {
          // closing
        }
      }
    }, LIVE_LIMITS.presenceDebounceMs);
  }

  // ─── Server-Sent Events for one task ─────────────────────────────────────────────────

  openSse(taskId: string, args: LiveConnectArgs): Response {
    const since = args.since;
    if (this.socketCount() >= args.maxSockets)
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
      for (let page = 0; page < 100; page++) {
        const events = this.host.eventsAfter(cursor, 500);
        for (const event of events)
          if (concernsTask(event, taskId) && mayReceive(client.audience, event.type)) write(sseFrame(event));
        if (events.length < 500) break;
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
