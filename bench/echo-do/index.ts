// The floor for the live hub: a Durable Object that accepts WebSockets with the hibernation API
// and broadcasts each POSTed message, stamped with Date.now(), to every socket. Frames look like
// the app's (`hello` on connect, then `{seq,type,at,data}`) so one client measures both. The
// sequence number is kept in the object's SQLite-backed KV (one write per message, like the
// app's event log), so it survives hibernation. No auth, no presence, no replay.
import { DurableObject } from 'cloudflare:workers';

interface Env {
  ECHO: DurableObjectNamespace<EchoHub>;
}

export class EchoHub extends DurableObject<Env> {
  private seq: number;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.seq = ctx.storage.kv.get<number>('seq') ?? 0;
    // Counts constructions (the first start and every wake from hibernation).
    ctx.storage.kv.put('starts', (ctx.storage.kv.get<number>('starts') ?? 0) + 1);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/ws') {
      if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
        return new Response('Expected a WebSocket upgrade', { status: 426 });
      const pair = new WebSocketPair();
      this.ctx.acceptWebSocket(pair[1]);
      pair[1].send(JSON.stringify({ type: 'hello', seq: this.seq }));
      return new Response(null, { status: 101, webSocket: pair[0] });
    }
    if (url.pathname === '/publish' && request.method === 'POST') {
      const data = await request.json();
      this.seq += 1;
      this.ctx.storage.kv.put('seq', this.seq);
      const text = JSON.stringify({ seq: this.seq, type: 'echo', at: new Date(Date.now()).toISOString(), data });
      for (const ws of this.ctx.getWebSockets()) {
        try {
          ws.send(text);
        } catch {
          // closing socket
        }
      }
      return Response.json({ seq: this.seq }, { status: 201 });
    }
    if (url.pathname === '/stats') {
      return Response.json({
        seq: this.seq,
        sockets: this.ctx.getWebSockets().length,
        starts: this.ctx.storage.kv.get<number>('starts') ?? 0,
      });
    }
    return new Response('Not found', { status: 404 });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message === '{"type":"ping"}') ws.send('{"type":"pong"}');
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }
}

export default {
  // /ws?room=NAME (upgrade), POST /publish?room=NAME, GET /stats?room=NAME; / answers 200 for readiness.
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/')
      return new Response('{"status":"ok"}', { headers: { 'content-type': 'application/json' } });
    const room = url.searchParams.get('room') ?? 'default';
    return env.ECHO.get(env.ECHO.idFromName(room)).fetch(request);
  },
};
