/**
 * The browser side of `/v1/live`: one WebSocket per org, reconnected with exponential
 * backoff and jitter, resumed with `?since=<last seq>` so nothing is missed or repeated. A
 * `resync` frame (the gap is older than the server's replay log) tells the page to refetch.
 * Framework-free so it can be unit-tested with a fake socket.
 */
import { FINAL_LIVE_CLOSES, type LiveControlFrame, type OrgEventType } from '../../core/events';

export type LiveConnectionState = 'connecting' | 'open' | 'reconnecting' | 'offline';

export interface LiveFrame {
  seq?: number;
  type: OrgEventType | LiveControlFrame;
  at?: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads differ per type; readers narrow them.
  data?: any;
  reason?: string;
}

interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface LiveClientOptions {
  /** The socket URL without `since` (e.g. wss://host/v1/live?org=acme). */
  url: string;
  onEvent(frame: LiveFrame): void;
  onState?(state: LiveConnectionState): void;
  /** The server could not replay what was missed: refetch everything. */
  onResync?(): void;
  /** The server closed for good (access ended, org deleted): the client will not reconnect. */
  onEnded?(close: { code: number; reason: string }): void;
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  baseDelayMs?: number;
  maxDelayMs?: number;
  heartbeatMs?: number;
}

export class LiveClient {
  private socket: SocketLike | null = null;
  private lastSeq: number | null = null;
  private attempt = 0;
  private stopped = true;
  private reconnectTimer: unknown = null;
  private heartbeatTimer: unknown = null;
  private state: LiveConnectionState = 'offline';

  constructor(private readonly options: LiveClientOptions) {}

  get connectionState(): LiveConnectionState {
    return this.state;
  }

  get seq(): number | null {
    return this.lastSeq;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.clearTimers();
    this.socket?.close(1000, 'page closed');
    this.socket = null;
    this.setState('offline');
  }

  /** Reconnect now (tab visible again, network back). */
  nudge() {
    if (this.stopped || this.state === 'open') return;
    this.clearTimers();
    this.connect();
  }

  send(frame: object) {
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify(frame));
  }

  private connect() {
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const url =
      this.lastSeq === null
        ? this.options.url
        : `${this.options.url}${this.options.url.includes('?') ? '&' : '?'}since=${this.lastSeq}`;
    const socket = (this.options.createSocket ?? ((u) => new WebSocket(u) as unknown as SocketLike))(url);
    this.socket = socket;
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearTimers();
      if (this.stopped || FINAL_LIVE_CLOSES.includes(event.code)) {
        const ended = !this.stopped;
        this.stopped = true;
        this.setState('offline');
        if (ended) this.options.onEnded?.({ code: event.code, reason: event.reason });
        return;
      }
      this.scheduleReconnect();
    };
    socket.onerror = () => undefined;
  }

  private receive(raw: unknown) {
    let frame: LiveFrame;
    try {
      frame = JSON.parse(String(raw));
    } catch {
      return;
    }
    if (frame.type === 'hello') {
      this.attempt = 0;
      this.setState('open');
      if (this.lastSeq === null) this.lastSeq = frame.seq ?? 0;
      this.startHeartbeat();
      return;
    }
    if (frame.type === 'resync') {
      this.lastSeq = frame.seq ?? null;
      this.options.onResync?.();
      return;
    }
    if (frame.type === 'pong' || frame.type === 'error') return;
    if (typeof frame.seq === 'number') {
      if (this.lastSeq !== null && frame.seq <= this.lastSeq) return; // already seen
      this.lastSeq = frame.seq;
    }
    this.options.onEvent(frame);
  }

  private scheduleReconnect() {
    const base = this.options.baseDelayMs ?? 500;
    const max = this.options.maxDelayMs ?? 15_000;
    const random = this.options.random ?? Math.random;
    // Full jitter on an exponential ceiling: reconnecting clients spread out after an outage.
    const ceiling = Math.min(max, base * 2 ** this.attempt);
    const delay = Math.round(ceiling / 2 + random() * (ceiling / 2));
    this.attempt += 1;
    this.setState('reconnecting');
    this.reconnectTimer = (this.options.setTimer ?? setTimeout)(() => this.connect(), delay);
  }

  private startHeartbeat() {
    const interval = this.options.heartbeatMs ?? 25_000;
    const tick = () => {
      this.send({ type: 'ping' });
      this.heartbeatTimer = (this.options.setTimer ?? setTimeout)(tick, interval);
    };
    this.heartbeatTimer = (this.options.setTimer ?? setTimeout)(tick, interval);
  }

  private clearTimers() {
    const clear = this.options.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>));
    if (this.reconnectTimer) clear(this.reconnectTimer);
    if (this.heartbeatTimer) clear(this.heartbeatTimer);
    this.reconnectTimer = null;
    this.heartbeatTimer = null;
  }

  private setState(state: LiveConnectionState) {
    if (state === this.state) return;
    this.state = state;
    this.options.onState?.(state);
  }
}
