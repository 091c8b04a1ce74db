/**
 * An org's live room: the `/v1/live` WebSockets, held by a Durable Object in a Worker script of
 * its own (`wrangler.live.toml`), so that sending each event to a thousand sockets happens in a
 * small isolate whose garbage collections are short, away from the OrgHub's (decision 025).
 *
 * The room keeps no history. The OrgHub admits each socket (auth was done by the Worker; the
 * hub adds the replay from its event log), then publishes every event after it commits. The
 * room filters each frame by the socket's audience, answers pings, keeps presence, enforces the
 * per-socket frame limits and closes idle sockets. Sockets are accepted with the hibernation
 * API: per-socket state lives in attachments, so an evicted room loses nothing it needs.
 */
import { DurableObject } from 'cloudflare:workers';
// zod's tree-shakable build, imported by name: the room's bundle stays small (what an isolate
// keeps alive, each of its garbage collections marks). `z` from 'zod' would add 750 KB.
import { discriminatedUnion, literal, maxLength, nullable, object, optional, string, uuid } from 'zod/mini';
import { LIVE_CLOSE } from '../core/events';
import { type LiveAudience, mayReceive } from '../core/live-access';
import type { LiveConnectArgs } from './live-hub';
import { ADMISSION_HEADER, audienceOf, type LiveAdmission, type LiveFrame } from './live-room-protocol';

interface SocketAttachment {
  principalType: 'user' | 'api_key';
  principalId: string;
  principalName: string;
  credential: string;
  role?: LiveConnectArgs['role'];
  scopes?: string[] | null;
  connectedAt: number;
  lastMessageAt: number;
  /** Inbound frame rate window. */
  windowStart: number;
  windowCount: number;
  page: string | null;
  readOnly?: boolean;
}

const LIVE_LIMITS = {
  maxFrameBytes: 4 * 1024,
  framesPerWindow: 30,
  windowMs: 10_000,
  idleMs: 10 * 60_000,
  presenceDebounceMs: 250,
};

/** An admission not redeemed by then is dropped (its upgrade never came). */
const ADMISSION_TTL_MS = 30_000;
/** Recent frames kept to cover the moment between an admission's replay and its socket. */
const RECENT_FRAMES = 1_000;

const ClientFrame = discriminatedUnion('type', [
  object({ type: literal('ping') }),
  object({ type: literal('presence'), page: optional(nullable(string().check(maxLength(200)))) }),
]);
const AdmissionToken = uuid();

const encoder = new TextEncoder();

/** The live-room script binds nothing the room reads. */
type LiveRoomEnv = Record<string, unknown>;

export class LiveRoom extends DurableObject<LiveRoomEnv> {
  private readonly admissions = new Map<string, { admission: LiveAdmission; at: number }>();
  /** The last frames published, oldest first (in memory only: see ADMISSION_TTL_MS). */
  private recent: LiveFrame[] = [];
  /** Each socket's audience, read from its attachment once per wake-up. */
  private readonly audiences = new WeakMap<WebSocket, LiveAudience>();
  private presenceTimer: ReturnType<typeof setTimeout> | null = null;
  private leaving = new Set<WebSocket>();

  constructor(ctx: DurableObjectState, env: LiveRoomEnv) {
    super(ctx, env);
    // Pings are answered by the runtime without waking a hibernated room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  /** Called by the OrgHub; the upgrade that follows redeems it by `token`. */
  async admit(token: string, admission: LiveAdmission): Promise<void> {
    const now = Date.now();
    for (const [key, entry] of this.admissions) if (now - entry.at > ADMISSION_TTL_MS) this.admissions.delete(key);
    this.admissions.set(AdmissionToken.parse(token), { admission, at: now });
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
      return new Response('Expected a WebSocket upgrade', { status: 426 });
    const token = request.headers.get(ADMISSION_HEADER) ?? '';
    const entry = this.admissions.get(token);
    this.admissions.delete(token);
    if (!entry) return new Response('No admission for this socket; reconnect.', { status: 409 });
    const { args, readOnly, otherConnections, helloSeq, replay } = entry.admission;
    // Counted and accepted without an await in between: the limits are exact.
    if (readOnly && this.ctx.getWebSockets(args.credential).length >= args.maxSockets)
      return new Response('The live preview is full.', { status: 429 });
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const open = this.ctx.getWebSockets().length;
    this.ctx.acceptWebSocket(server, [args.credential]);
    if (!readOnly && open + otherConnections >= args.maxSockets) {
      server.close(LIVE_CLOSE.tryAgainLater, `Too many live connections for this plan (${args.maxSockets}).`);
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
      ...(readOnly ? { readOnly: true } : {}),
    };
    server.serializeAttachment(attachment);
    server.send(
      JSON.stringify({ type: 'hello', seq: helloSeq, limits: { max_frame_bytes: LIVE_LIMITS.maxFrameBytes } }),
    );
    if (Array.isArray(replay)) for (const frame of replay) server.send(frame.text);
    else server.send(JSON.stringify({ type: 'resync', seq: helloSeq, reason: replay.resync }));
    // Events the hub published between making the replay and this upgrade.
    const audience = this.audience(server);
    for (const frame of this.recent)
      if (frame.seq > helloSeq && mayReceive(audience, frame.type)) server.send(frame.text);
    // Showcase viewers are anonymous and are never announced.
    if (!readOnly) this.publishPresence();
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + LIVE_LIMITS.idleMs / 2);
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * Sends each frame to every socket that may read it, in order. Answers how many sockets are
   * open or admitted: at 0 the hub stops publishing until it admits the next one.
   */
  async publish(frames: LiveFrame[]): Promise<number> {
    const sockets = this.ctx.getWebSockets();
    for (const frame of frames) {
      for (const ws of sockets) {
        if (!mayReceive(this.audience(ws), frame.type)) continue;
        try {
          ws.send(frame.text);
        } catch {
          // A socket closing mid-send is cleaned up by webSocketClose.
        }
      }
    }
    if (this.admissions.size > 0) {
      this.recent.push(...frames);
      if (this.recent.length > RECENT_FRAMES) this.recent = this.recent.slice(-RECENT_FRAMES);
    } else this.recent = [];
    return sockets.length + this.admissions.size;
  }

  /** Open sockets, or those opened with one credential. */
  async count(credential?: string): Promise<number> {
    return this.ctx.getWebSockets(credential).length;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const attachment = ws.deserializeAttachment() as SocketAttachment;
    const now = Date.now();
    const size = typeof message === 'string' ? encoder.encode(message).byteLength : message.byteLength;
    if (size > LIVE_LIMITS.maxFrameBytes) {
      ws.close(LIVE_CLOSE.tooBig, `Frames are limited to ${LIVE_LIMITS.maxFrameBytes} bytes.`);
      return;
    }
    if (now - attachment.windowStart > LIVE_LIMITS.windowMs) {
      attachment.windowStart = now;
      attachment.windowCount = 0;
    }
    attachment.windowCount += 1;
    attachment.lastMessageAt = now;
    if (attachment.windowCount > LIVE_LIMITS.framesPerWindow) {
      ws.close(LIVE_CLOSE.policy, 'Too many messages; slow down.');
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
    const received = parsed?.success ? parsed.data : null;
    const presence = received?.type === 'presence' && !attachment.readOnly ? received : null;
    if (presence) attachment.page = presence.page ?? null;
    ws.serializeAttachment(attachment);
    if (!parsed?.success) {
      ws.send(
        JSON.stringify({
          type: 'error',
          error: { code: 'bad_frame', message: 'Send JSON: {"type":"ping"} or {"type":"presence","page":"…"}.' },
        }),
      );
    } else if (parsed.data.type === 'ping') ws.send('{"type":"pong"}');
    else if (attachment.readOnly)
      ws.send(JSON.stringify({ type: 'error', error: { code: 'read_only', message: 'This live view is read-only.' } }));
    else if (presence) this.publishPresence();
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? LIVE_CLOSE.normal : code, reason);
    } catch {
      // already closed
    }
    this.publishPresence(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011, 'socket error');
  }

  /** Closes every socket opened with this credential (revoked key, ended session). */
  async disconnect(credential: string, reason: string): Promise<number> {
    return this.closeWhere(this.ctx.getWebSockets(credential), LIVE_CLOSE.revoked, reason);
  }

  /**
   * Closes every socket of one user, whatever credential opened it: their membership ended
   * (4001, final) or their role changed (4004: they reconnect and are filtered by the new role).
   */
  async disconnectUser(userId: string, reason: string, code: number): Promise<number> {
    const sockets = this.ctx.getWebSockets().filter((ws) => {
      const a = ws.deserializeAttachment() as SocketAttachment | null;
      return a?.principalType === 'user' && a.principalId === userId;
    });
    return this.closeWhere(sockets, code, reason);
  }

  /** Closes every socket (the org was deleted). */
  async closeAll(code: number, reason: string): Promise<number> {
    return this.closeWhere(this.ctx.getWebSockets(), code, reason);
  }

  private closeWhere(sockets: WebSocket[], code: number, reason: string): number {
    for (const ws of sockets) {
      try {
        ws.close(code, reason);
      } catch {
        // already closing
      }
    }
    if (sockets.length) this.publishPresence(...sockets);
    return sockets.length;
  }

  /** Closes sockets that sent nothing (not even a ping) for the idle limit; checks again while any is open. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = ws.deserializeAttachment() as SocketAttachment | null;
      const ping = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
      const last = Math.max(attachment?.lastMessageAt ?? 0, ping);
      if (now - last > LIVE_LIMITS.idleMs)
        ws.close(LIVE_CLOSE.idle, 'Idle for too long; reconnect with ?since to catch up.');
    }
    if (this.ctx.getWebSockets().length > 0) await this.ctx.storage.setAlarm(now + LIVE_LIMITS.idleMs / 2);
  }

  private audience(ws: WebSocket): LiveAudience {
    let audience = this.audiences.get(ws);
    if (!audience) {
      const a = ws.deserializeAttachment() as SocketAttachment | null;
      audience = a ? audienceOf(a) : { kind: 'api_key', scopes: [] };
      this.audiences.set(ws, audience);
    }
    return audience;
  }

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
      const sockets = this.ctx.getWebSockets().filter((ws) => !gone.has(ws));
      for (const ws of sockets) {
        const a = ws.deserializeAttachment() as SocketAttachment | null;
        if (!a || a.readOnly) continue;
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
}
