/**
 * A local fake of the parts of Stripe's API the app calls (form-encoded in, JSON out, Stripe's
 * error shape): customers (with Idempotency-Key replay), Checkout sessions, Customer Portal
 * sessions, subscription retrieval and Billing Meter Events (unique per `identifier`, as Stripe
 * enforces). Tests drive what Stripe "knows" through `/__fake/*`:
 * `PUT /__fake/subscriptions/:id` (JSON, a whole subscription object), `GET /__fake/requests`
 * (what the app sent; `?path=` filters, `?since=` skips older), `POST /__fake/fail-next`
 * (`{"count": n}`: the next n API calls answer 500), `GET /__fake/meter-events` (every accepted
 * meter event; `?customer=` filters) and `DELETE /__fake/meter-events` (forget them).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

interface Recorded {
  seq: number;
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  body: Record<string, unknown>;
}

type Json = Record<string, unknown>;

/** `a[b][0][c]=v` form fields into nested objects and arrays, as Stripe reads them. */
export function parseForm(text: string): Json {
  const root: Json = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let node: Json | unknown[] = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!);
      const container = node as Record<string, unknown>;
      if (last) container[part] = value;
      else {
        container[part] ??= nextIsIndex ? [] : {};
        node = container[part] as Json;
      }
    });
  }
  return root;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface FakeStripeOptions {
  port?: number;
  /**
   * A hosted Checkout page of its own (browser tests): session URLs point at this server,
   * whose "Pay" button makes the subscription, delivers the signed `checkout.session.completed`
   * to the app's webhook and sends the browser to the success URL.
   */
  checkout?: { webhookUrl: string; webhookSecret: string; prices: Record<string, string> };
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export async function startFakeStripe(
  options: FakeStripeOptions = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  let base = '';
  let seq = 0;
  let nextId = 0;
  const id = (prefix: string) => `${prefix}_fake${(++nextId).toString(36).padStart(6, '0')}`;
  const customers = new Map<string, Json>();
  const sessions = new Map<string, Json>();
  const subscriptions = new Map<string, Json>();
  const idempotent = new Map<string, { status: number; body: Json }>();
  const recorded: Recorded[] = [];
  const meterEvents = new Map<string, Json>();
  let failNext = 0;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake${seq}` });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse, what: string, key: string) =>
    send(res, 404, {
      error: {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `No such ${what}: '${key}'`,
        param: 'id',
      },
    });

  function api(method: string, path: string, body: Json): { status: number; body: unknown } | null | undefined {
    let match: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/customers') {
      const customer = {
        id: id('cus'),
        object: 'customer',
        name: body.name ?? null,
        email: body.email ?? null,
        metadata: body.metadata ?? {},
        created: Math.floor(Date.now() / 1000),
      };
      customers.set(customer.id, customer);
      return { status: 200, body: customer };
    }
    if (method === 'GET' && (match = /^\/v1\/customers\/([^/]+)$/.exec(path))) {
      const customer = customers.get(match[1]!);
      return customer ? { status: 200, body: customer } : null;
    }
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      if (typeof body.customer === 'string' && !customers.has(body.customer)) return null;
      const sessionId = id('cs_test');
      const session = {
        id: sessionId,
        object: 'checkout.session',
        mode: body.mode,
        customer: body.customer ?? null,
        client_reference_id: body.client_reference_id ?? null,
        metadata: body.metadata ?? {},
        line_items: body.line_items,
        subscription_data: body.subscription_data ?? null,
        success_url: body.success_url,
        cancel_url: body.cancel_url,
        status: 'open',
        subscription: null,
        url: options.checkout ? `${base}/c/pay/${sessionId}` : `https://checkout.stripe.test/c/pay/${sessionId}`,
      };
      sessions.set(sessionId, session);
      return { status: 200, body: session };
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      if (typeof body.customer !== 'string' || !customers.has(body.customer)) return null;
      const portalId = id('bps');
      return {
        status: 200,
        body: {
          id: portalId,
          object: 'billing_portal.session',
          customer: body.customer,
          return_url: body.return_url,
          url: `https://billing.stripe.test/p/session/${portalId}`,
        },
      };
    }
    if (method === 'POST' && path === '/v1/billing/meter_events') {
      const payload = (body.payload ?? {}) as Json;
      const identifier = typeof body.identifier === 'string' ? body.identifier : id('mevt');
      if (typeof body.event_name !== 'string' || typeof payload.stripe_customer_id !== 'string')
        return {
          status: 400,
          body: { error: { type: 'invalid_request_error', message: 'Missing event_name or payload.' } },
        };
      if (!Number.isFinite(Number(payload.value)))
        return {
          status: 400,
          body: { error: { type: 'invalid_request_error', message: 'payload[value] must be a number.' } },
        };
      if (meterEvents.has(identifier))
        return {
          status: 400,
          body: {
            error: {
              type: 'invalid_request_error',
              code: 'resource_already_exists',
              message: `An event with identifier ${identifier} already exists.`,
            },
          },
        };
      const event = {
        object: 'billing.meter_event',
        created: Math.floor(Date.now() / 1000),
        event_name: body.event_name,
        identifier,
        livemode: false,
        payload,
        timestamp: Number(body.timestamp ?? Math.floor(Date.now() / 1000)),
      };
      meterEvents.set(identifier, event);
      return { status: 200, body: event };
    }
    if (method === 'GET' && (match = /^\/v1\/subscriptions\/([^/]+)$/.exec(path))) {
      const sub = subscriptions.get(match[1]!);
      return sub ? { status: 200, body: sub } : null;
    }
    return undefined;
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    if (options.checkout && url.pathname.startsWith('/c/pay/')) return hostedCheckout(req, res, url, text);
    // Test controls.
    if (url.pathname.startsWith('/__fake/')) {
      let match: RegExpExecArray | null;
      if (req.method === 'PUT' && (match = /^\/__fake\/subscriptions\/([^/]+)$/.exec(url.pathname))) {
        subscriptions.set(match[1]!, JSON.parse(text));
        return send(res, 200, { ok: true });
      }
      if (req.method === 'PUT' && (match = /^\/__fake\/customers\/([^/]+)$/.exec(url.pathname))) {
        customers.set(match[1]!, { id: match[1], object: 'customer', ...JSON.parse(text || '{}') });
        return send(res, 200, { ok: true });
      }
      if (req.method === 'GET' && url.pathname === '/__fake/requests') {
        const path = url.searchParams.get('path');
        const since = Number(url.searchParams.get('since') ?? 0);
        return send(res, 200, {
          seq,
          data: recorded.filter((r) => r.seq > since && (!path || r.path === path)),
        });
      }
      if (url.pathname === '/__fake/meter-events') {
        if (req.method === 'DELETE') meterEvents.clear();
        const customer = url.searchParams.get('customer');
        return send(res, 200, {
          data: [...meterEvents.values()].filter(
            (e) => !customer || (e.payload as Json).stripe_customer_id === customer,
          ),
        });
      }
      if (req.method === 'POST' && url.pathname === '/__fake/fail-next') {
        failNext = Number((JSON.parse(text || '{}') as { count?: number }).count ?? 1);
        return send(res, 200, { ok: true });
      }
      return send(res, 404, { error: 'no such control' });
    }

    const auth = req.headers.authorization ?? '';
    if (!/^Bearer sk_test_/.test(auth))
      return send(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
    const body = req.headers['content-type']?.includes('application/x-www-form-urlencoded')
      ? parseForm(text)
      : Object.fromEntries(url.searchParams);
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    recorded.push({ seq: ++seq, method: req.method ?? 'GET', path: url.pathname, idempotencyKey, body });
    if (failNext > 0) {
      failNext--;
      return send(res, 500, { error: { type: 'api_error', message: 'Fake outage.' } });
    }
    const replayKey = idempotencyKey ? `${req.method} ${url.pathname} ${idempotencyKey}` : undefined;
    const replay = replayKey ? idempotent.get(replayKey) : undefined;
    if (replay) {
      res.setHeader('idempotent-replayed', 'true');
      return send(res, replay.status, replay.body);
    }
    const result = api(req.method ?? 'GET', url.pathname, body);
    if (result === undefined)
      return send(res, 404, { error: { type: 'invalid_request_error', message: 'Unrecognized request URL.' } });
    if (result === null) return notFound(res, url.pathname.split('/')[2] ?? 'object', url.pathname.split('/')[3] ?? '');
    if (replayKey && result.status === 200) idempotent.set(replayKey, result as { status: number; body: Json });
    return send(res, result.status, result.body);
  });

  /** The Checkout page (GET) and its buttons (POST `action=pay|cancel`). */
  async function hostedCheckout(req: IncomingMessage, res: ServerResponse, url: URL, text: string) {
    const session = sessions.get(url.pathname.slice('/c/pay/'.length));
    if (!session) return send(res, 404, { error: 'no such checkout session' });
    const price = (session.line_items as Array<{ price: string }>)[0]?.price ?? '';
    const plan = Object.entries(options.checkout!.prices).find(([, id]) => id === price)?.[0] ?? price;
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(`<!doctype html><html><head><title>Fake Stripe Checkout</title><link rel="icon" href="data:,"></head><body>
<h1>Fake Stripe Checkout</h1><p>Subscribe to <strong data-testid="checkout-plan">${escapeHtml(plan)}</strong></p>
<form method="post"><button name="action" value="pay">Pay and subscribe</button>
<button name="action" value="cancel">Back</button></form></body></html>`);
    }
    if (new URLSearchParams(text).get('action') !== 'pay') {
      res.writeHead(303, { location: String(session.cancel_url) });
      return res.end();
    }
    const subscriptionId = id('sub');
    const now = Math.floor(Date.now() / 1000);
    subscriptions.set(subscriptionId, {
      id: subscriptionId,
      object: 'subscription',
      customer: session.customer,
      status: 'active',
      metadata: (session.subscription_data as Json | null)?.metadata ?? session.metadata ?? {},
      trial_end: null,
      latest_invoice: null,
      created: now,
      items: {
        object: 'list',
        data: [
          {
            id: `si_${subscriptionId}`,
            object: 'subscription_item',
            price: { id: price, object: 'price' },
            current_period_end: now + 30 * 86400,
          },
        ],
      },
    });
    Object.assign(session, { status: 'complete', subscription: subscriptionId });
    const payload = JSON.stringify({
      id: id('evt'),
      object: 'event',
      api_version: '2026-10-28.endive',
      created: now,
      type: 'checkout.session.completed',
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: session },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.checkout!.webhookSecret });
    const delivered = await fetch(options.checkout!.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    if (!delivered.ok) return send(res, 502, { error: `webhook answered ${delivered.status}` });
    res.writeHead(303, { location: String(session.success_url) });
    return res.end();
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
