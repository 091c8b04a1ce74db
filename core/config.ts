/**
 * Runtime configuration, validated with zod from the Worker's env (vars + secrets).
 * A wrong or missing production setting raises one ConfigError naming the setting;
 * the Worker turns it into a 500 envelope (code `config_invalid`) and one log line.
 */
import { z } from 'zod';

const optionalSecret = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

const base64Key = optionalSecret.refine(
  (value) => value === undefined || decodedLength(value) === 32,
  'must be 32 bytes, base64-encoded (generate with: openssl rand -base64 32)',
);

/** A key version from a var or secret: a whole number ≥ 1 (vars may arrive as strings). */
const keyVersion = z.preprocess(
  (value) =>
    value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
      ? undefined
      : Number(value),
  z
    .number({ error: 'must be a whole number of 1 or more' })
    .int('must be a whole number of 1 or more')
    .min(1, 'must be a whole number of 1 or more')
    .optional(),
);

/** A dollar ceiling from a var: a number ≥ 0 (vars may arrive as strings); unset takes the default. */
const usdCeiling = (fallback: number) =>
  z.preprocess(
    (value) =>
      value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
        ? undefined
        : Number(value),
    z
      .number({ error: 'must be a number of US dollars, 0 or more' })
      .min(0, 'must be a number of US dollars, 0 or more')
      .default(fallback),
  );

/** A share from a var: a number from 0 to 1 (vars may arrive as strings); unset takes the default. */
const sampleRate = (fallback: number) =>
  z.preprocess(
    (value) =>
      value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
        ? undefined
        : Number(value),
    z
      .number({ error: 'must be a number from 0 to 1' })
      .min(0, 'must be a number from 0 to 1')
      .max(1, 'must be a number from 0 to 1')
      .default(fallback),
  );

const ConfigSchema = z
  .object({
    APP_ENV: z.enum(['development', 'test', 'production']).default('development'),
    EDITION: z.enum(['hosted', 'self-hosted']).default('self-hosted'),
    APP_URL: z.url({ message: 'must be an absolute URL such as https://app.example.com' }),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    ENCRYPTION_KEY: base64Key,
    /** Rotation (docs: README "Bring your own key"): new secrets are sealed with the current version. */
    ENCRYPTION_KEY_VERSION: keyVersion,
    ENCRYPTION_KEY_PREVIOUS: base64Key,
    ENCRYPTION_KEY_PREVIOUS_VERSION: keyVersion,
    ANTHROPIC_API_KEY: optionalSecret,
    ANTHROPIC_BASE_URL: optionalSecret.pipe(z.url().optional()),
    /** Model spend on the platform's ANTHROPIC_API_KEY allowed per org per month (runs on an org's own key do not count). */
    PLATFORM_KEY_ORG_MONTHLY_USD: usdCeiling(25),
    /** Model spend on the platform's ANTHROPIC_API_KEY allowed per month across all orgs. */
    PLATFORM_KEY_MONTHLY_USD: usdCeiling(1_000),
    STRIPE_SECRET_KEY: optionalSecret,
    STRIPE_WEBHOOK_SECRET: optionalSecret,
    STRIPE_API_BASE: optionalSecret.pipe(z.url().optional()),
    /** Stripe Price ids (price_…) of the plans sold through Checkout (core/billing/stripe.ts). */
    STRIPE_PRICE_STARTER: optionalSecret.pipe(
      z.string().startsWith('price_', 'must be a Stripe Price id (price_…)').optional(),
    ),
    STRIPE_PRICE_PRO: optionalSecret.pipe(
      z.string().startsWith('price_', 'must be a Stripe Price id (price_…)').optional(),
    ),
    /** The Stripe Billing Meter's event name that Pro overage is reported to (agent-milliseconds; docs/decisions/013). */
    STRIPE_METER_EVENT_NAME: z
      .string()
      .regex(/^[a-z0-9_]{1,100}$/, 'must be a Stripe meter event name (lowercase letters, digits, _)')
      .default('agent_ms'),
    /** Days a past_due subscription keeps its plan while Stripe retries the card; then the org drops to Free. */
    BILLING_GRACE_DAYS: z.preprocess(
      (value) => (value === undefined || value === null || value === '' ? undefined : Number(value)),
      z.number({ error: 'must be a whole number of days, 0 or more' }).int().min(0).default(7),
    ),
    /** Operator secret for /internal/ops/* (`npm run ops -- set-plan` pushes plans to OrgHubs); unset: those routes 404. */
    OPS_SECRET: optionalSecret,
    CLERK_SECRET_KEY: optionalSecret,
    CLERK_PUBLISHABLE_KEY: optionalSecret,
    CLERK_JWT_KEY: optionalSecret,
    CLERK_WEBHOOK_SECRET: optionalSecret,
    /** Resend (core/email/transports.ts); without a key, email goes to the local outbox. */
    RESEND_API_KEY: optionalSecret,
    /** The signing secret (whsec_…) of the Resend webhook endpoint `POST /webhooks/resend`: bounces are recorded. */
    RESEND_WEBHOOK_SECRET: optionalSecret,
    /** Another Resend API origin (the tests' fake Resend); unset in production. */
    RESEND_API_BASE: optionalSecret.pipe(z.url().optional()),
    /** The sender of every email, e.g. `Generic Corp <hello@example.com>` (a domain verified at Resend). */
    EMAIL_FROM: optionalSecret.transform((value) => value ?? 'Generic Corp <noreply@genericcorp.localhost>'),
    /** Sentry (core/monitoring.ts): unset turns error monitoring off. */
    SENTRY_DSN: optionalSecret.pipe(z.url({ message: 'must be a Sentry DSN (https://key@host/project)' }).optional()),
    SENTRY_RELEASE: optionalSecret,
    /** Share of errors sent (0–1, default 1) and of requests traced (0–1, default 0). */
    SENTRY_SAMPLE_RATE: sampleRate(1),
    SENTRY_TRACES_SAMPLE_RATE: sampleRate(0),
    /** Analytics Engine SQL API (scripts/ops, the /status page in production): account id and a read token. */
    CLOUDFLARE_ACCOUNT_ID: optionalSecret,
    CLOUDFLARE_ANALYTICS_TOKEN: optionalSecret,
    /** A host name whose `/` opens the public demo (core/demo.ts), e.g. demo.example.com. */
    DEMO_HOST: optionalSecret.transform((value) => value?.toLowerCase()),
    /** Demo sandboxes one IP address may create per hour (core/rate-limit.ts). */
    DEMO_SANDBOXES_PER_IP_HOUR: z.preprocess(
      (value) => (value === undefined || value === null || value === '' ? undefined : Number(value)),
      z.number({ error: 'must be a whole number of 1 or more' }).int().min(1).optional(),
    ),
    /** Landing-page viewers of the live showcase at once, across the deployment (core/showcase.ts); 0 turns it off. */
    SHOWCASE_MAX_VIEWERS: z.preprocess(
      (value) => (value === undefined || value === null || value === '' ? 200 : Number(value)),
      z.number({ error: 'must be a whole number of 0 or more' }).int().min(0),
    ),
  })
  .superRefine((config, ctx) => {
    const require = (key: keyof typeof config, why: string) => {
      if (config[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `is required ${why}` });
    };
    if (config.APP_ENV === 'production') {
      require('ENCRYPTION_KEY', 'in production (wrangler secret put ENCRYPTION_KEY)');
      if (config.EDITION === 'hosted') {
        require('STRIPE_SECRET_KEY', 'for the hosted edition in production');
        require('STRIPE_WEBHOOK_SECRET', 'for the hosted edition in production');
      }
    }
    if (config.ENCRYPTION_KEY_PREVIOUS) {
      require('ENCRYPTION_KEY', 'when ENCRYPTION_KEY_PREVIOUS is set (the new key)');
      const current = config.ENCRYPTION_KEY_VERSION ?? 1;
      const previous = config.ENCRYPTION_KEY_PREVIOUS_VERSION ?? current - 1;
      if (previous < 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['ENCRYPTION_KEY_VERSION'],
          message: 'must be 2 or more when ENCRYPTION_KEY_PREVIOUS is set (the new key takes the next version)',
        });
      } else if (previous === current) {
        ctx.addIssue({
          code: 'custom',
          path: ['ENCRYPTION_KEY_PREVIOUS_VERSION'],
          message: 'must differ from ENCRYPTION_KEY_VERSION',
        });
      }
    }
    if (config.STRIPE_SECRET_KEY) {
      require('STRIPE_WEBHOOK_SECRET', 'when STRIPE_SECRET_KEY is set');
      require('STRIPE_PRICE_STARTER', 'when STRIPE_SECRET_KEY is set (the Starter plan’s Stripe Price id)');
      require('STRIPE_PRICE_PRO', 'when STRIPE_SECRET_KEY is set (the Pro plan’s Stripe Price id)');
    }
    if (config.RESEND_API_KEY && config.APP_ENV === 'production' && /\.localhost>?$/.test(config.EMAIL_FROM))
      ctx.addIssue({
        code: 'custom',
        path: ['EMAIL_FROM'],
        message: 'is required when RESEND_API_KEY is set in production (a sender on a domain verified at Resend)',
      });
    if (config.CLERK_SECRET_KEY) require('CLERK_JWT_KEY', 'when CLERK_SECRET_KEY is set (networkless verification)');
  });

export type AppConfig = Omit<
  z.infer<typeof ConfigSchema>,
  'ENCRYPTION_KEY_VERSION' | 'ENCRYPTION_KEY_PREVIOUS_VERSION'
> & {
  /** Version of ENCRYPTION_KEY stored with each ciphertext (default 1). */
  ENCRYPTION_KEY_VERSION: number;
  /** Version of ENCRYPTION_KEY_PREVIOUS (default: one below the current); undefined without it. */
  ENCRYPTION_KEY_PREVIOUS_VERSION: number | undefined;
  /** Billing and plan limits apply (hosted edition) or not (self-hosted). */
  billingEnabled: boolean;
  /** Secret-derived material is a development fallback, not a real secret. */
  usingDevSecrets: boolean;
};

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly problem: string,
  ) {
    super(`Invalid configuration: ${setting} ${problem}`);
    this.name = 'ConfigError';
  }
}

// A fixed, public fallback so local start and tests need no secrets; refused in production and
// on any host that is not local (assertLocalFallbacks).
const DEV_ENCRYPTION_KEY = 'ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=';

const cache = new WeakMap<object, AppConfig>();

/** Parses and caches the config for one env object; throws ConfigError on the first problem. */
export function loadConfig(env: object): AppConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(issue.path.join('.') || 'config', issue.message);
  }
  const usingDevSecrets = !parsed.data.ENCRYPTION_KEY;
  const config: AppConfig = {
    ...parsed.data,
    ENCRYPTION_KEY: parsed.data.ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY,
    ENCRYPTION_KEY_VERSION: parsed.data.ENCRYPTION_KEY_VERSION ?? 1,
    ENCRYPTION_KEY_PREVIOUS_VERSION: parsed.data.ENCRYPTION_KEY_PREVIOUS
      ? (parsed.data.ENCRYPTION_KEY_PREVIOUS_VERSION ?? (parsed.data.ENCRYPTION_KEY_VERSION ?? 1) - 1)
      : undefined,
    billingEnabled: parsed.data.EDITION === 'hosted',
    usingDevSecrets,
  };
  cache.set(env, config);
  return config;
}

/**
 * Hosts that only the machine itself can reach: localhost, 127.0.0.1, [::1] and *.localhost.
 * Under APP_ENV=test, the reserved `.test` TLD (RFC 6761, never in public DNS) too.
 */
export function isLocalHost(hostname: string, appEnv: AppConfig['APP_ENV']): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]') return true;
  return appEnv === 'test' && (host === 'test' || host.endsWith('.test'));
}

/**
 * The public development fallback (ENCRYPTION_KEY) is for a machine's own use. Served from any
 * other host (a deploy that kept APP_ENV = "development"), it would seal real org keys under a
 * key printed in this repository: refuse with the config error naming the setting.
 *
 * @example assertLocalFallbacks(config, new URL(request.url))
 */
export function assertLocalFallbacks(config: AppConfig, url: URL): void {
  if (config.usingDevSecrets && !isLocalHost(url.hostname, config.APP_ENV)) {
    throw new ConfigError(
      'ENCRYPTION_KEY',
      `is required when the app is served from ${url.hostname} (the development fallback works on localhost only; wrangler secret put ENCRYPTION_KEY, and set APP_ENV = "production")`,
    );
  }
}

function decodedLength(value: string): number {
  try {
    return atob(value).length;
  } catch {
    return -1;
  }
}
