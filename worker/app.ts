/**
 * The Hono app: request id → logs (and monitoring tags) → security headers → config → body limits → routes.
 * /v1 (public API), /api (dashboard), /webhooks, /internal/ops (operators); everything else goes to Remix.
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { ApiError } from '../core/errors';
import { authenticate } from './middleware/auth';
import { withConfig } from './middleware/config';
import { handleError, methodNotAllowedEnvelope, notFoundEnvelope } from './middleware/error-handler';
import { requireJsonBody } from './middleware/json-body';
import { requestLog } from './middleware/request-log';
import { sameOriginMutations } from './middleware/same-origin';
import { remix } from './remix';
import { authRoutes } from './routes/auth';
import { clientErrors } from './routes/client-errors';
import { orgRoutes } from './routes/orgs';
import { showcaseRoutes } from './routes/showcase';
import { v1 } from './routes/v1';
import { opsRoutes } from './routes/ops';
import { testFaults } from './test-faults';
import { webhooks } from './routes/webhooks';
import type { AppEnv } from './types';

/** Largest request body accepted anywhere (JSON or form post); task descriptions are far smaller. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Stripe's hosted Checkout and billing portal: the signup and billing forms redirect there, and
 * browsers check a form post's redirects against form-action too (a post sent before the page
 * hydrates is a plain form post).
 */
const STRIPE_HOSTED_PAGES = ['https://checkout.stripe.com', 'https://billing.stripe.com'];

/** The origin of the Stripe that STRIPE_API_BASE names (the tests' fake serves its own Checkout). */
function configuredStripeOrigin(c: Context<AppEnv>): string {
  const base = c.env.STRIPE_API_BASE;
  if (!base) return '';
  try {
    return new URL(base).origin;
  } catch {
    return ''; // the config check rejects it with a clear error
  }
}

export const app = new Hono<AppEnv>();

app.use(requestId());
app.use(requestLog());
app.use(
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      // Remix inlines its hydration data and route manifest.
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'", 'ws:', 'wss:'],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'", ...STRIPE_HOSTED_PAGES, configuredStripeOrigin],
      frameAncestors: ["'none'"],
    },
    strictTransportSecurity: 'max-age=63072000; includeSubDomains',
    referrerPolicy: 'strict-origin-when-cross-origin',
    crossOriginEmbedderPolicy: false,
  }),
);
app.use(methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedEnvelope }));
app.use(withConfig());

// Every request body, API or Remix form post, before anything reads it.
app.use(
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`, {
        max_bytes: MAX_BODY_BYTES,
      });
    },
  }),
);
app.use('/v1/*', requireJsonBody());
app.use('/api/*', requireJsonBody());
app.use(sameOriginMutations());
app.use('/api/*', authenticate());

app.route('/', v1);
app.route('/api', authRoutes);
app.route('/api', orgRoutes);
app.route('/webhooks', webhooks);
app.route('/showcase', showcaseRoutes);
app.route('/internal/ops', opsRoutes);
app.route('/__test/fault', testFaults);
app.route('/client-errors', clientErrors);

// Unknown API paths get the JSON envelope, never a Remix HTML page.
app.all('/v1/*', notFoundEnvelope);
app.all('/api/*', notFoundEnvelope);
app.all('/webhooks/*', notFoundEnvelope);
app.all('/internal/*', notFoundEnvelope);
app.all('*', remix);

app.notFound(notFoundEnvelope);
app.onError(handleError);
