/**
 * A local fake of Sentry's ingest endpoint (`POST /api/:project/envelope/`): it parses each
 * envelope (newline-delimited JSON: header, then item header and payload pairs) and keeps the
 * error events. Tests read them with `GET /__fake/events` (`?since=` skips older ones).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The event payloads of one envelope (items of type `event`). */
export function eventsOfEnvelope(text: string): Record<string, unknown>[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const events: Record<string, unknown>[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) {
    const header = JSON.parse(lines[i]!) as { type?: string };
    if (header.type === 'event') events.push(JSON.parse(lines[i + 1]!));
  }
  return events;
}

export async function startFakeSentry(): Promise<{ url: string; dsn: string; close: () => Promise<void> }> {
  const events: Array<{ seq: number; event: Record<string, unknown> }> = [];
  let seq = 0;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'POST' && /^\/api\/\d+\/envelope\/?$/.test(url.pathname)) {
      let body = await readBody(req);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      for (const event of eventsOfEnvelope(body.toString('utf8'))) events.push({ seq: ++seq, event });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
      return;
    }
    if (req.method === 'GET' && url.pathname === '/__fake/events') {
      const since = Number(url.searchParams.get('since') ?? 0);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ seq, events: events.filter((e) => e.seq > since).map((e) => e.event) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
