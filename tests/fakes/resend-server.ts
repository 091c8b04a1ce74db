/**
 * A local fake of Resend's API (`POST /emails`, JSON in and out, Resend's error shape). It keeps
 * what was sent (`GET /__fake/emails`) and can fail on purpose: `POST /__fake/fail-next`
 * (`{"count": n, "status": 500}`) makes the next n sends answer that status.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeResend(): Promise<{ url: string; close: () => Promise<void> }> {
  const sent: Array<Record<string, unknown>> = [];
  const byIdempotencyKey = new Map<string, string>();
  let failNext = { count: 0, status: 500 };
  let nextId = 0;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.method === 'POST' && url.pathname === '/emails') {
      if (req.headers.authorization !== 'Bearer re_test_fake')
        return send(401, { statusCode: 401, name: 'missing_api_key', message: 'API key is invalid' });
      if (failNext.count > 0) {
        failNext.count -= 1;
        return send(failNext.status, {
          statusCode: failNext.status,
          name: failNext.status === 422 ? 'validation_error' : 'application_error',
          message: 'Fake failure',
        });
      }
      const key = req.headers['idempotency-key'];
      const replay = typeof key === 'string' ? byIdempotencyKey.get(key) : undefined;
      if (replay) return send(200, { id: replay });
      const id = `fake-email-${++nextId}`;
      if (typeof key === 'string') byIdempotencyKey.set(key, id);
      sent.push({ id, idempotencyKey: key ?? null, ...(JSON.parse(body) as Record<string, unknown>) });
      return send(200, { id });
    }
    if (req.method === 'GET' && url.pathname === '/__fake/emails') return send(200, { data: sent });
    if (req.method === 'POST' && url.pathname === '/__fake/fail-next') {
      const input = JSON.parse(body || '{}') as { count?: number; status?: number };
      failNext = { count: input.count ?? 1, status: input.status ?? 500 };
      return send(200, failNext);
    }
    send(404, { statusCode: 404, name: 'not_found', message: 'Not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
