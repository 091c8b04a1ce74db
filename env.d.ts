/**
 * Secrets are not in wrangler.toml, so `wrangler types` cannot see them: declared here, all
 * optional (local start needs none). See .dev.vars.example and core/config.ts.
 */
interface __BaseEnv_Env {
  ENCRYPTION_KEY?: string;
  ENCRYPTION_KEY_VERSION?: string;
  ENCRYPTION_KEY_PREVIOUS?: string;
  ENCRYPTION_KEY_PREVIOUS_VERSION?: string;
  ANTHROPIC_API_KEY?: string;
  ANTHROPIC_BASE_URL?: string;
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  STRIPE_API_BASE?: string;
  STRIPE_PRICE_STARTER?: string;
  STRIPE_PRICE_PRO?: string;
  /** Billing vars and the operator secret (core/config.ts). */
  STRIPE_METER_EVENT_NAME?: string;
  BILLING_GRACE_DAYS?: string;
  OPS_SECRET?: string;
  CLERK_SECRET_KEY?: string;
  CLERK_PUBLISHABLE_KEY?: string;
  CLERK_JWT_KEY?: string;
  CLERK_WEBHOOK_SECRET?: string;
  RESEND_API_KEY?: string;
  RESEND_API_BASE?: string;
  RESEND_WEBHOOK_SECRET?: string;
  EMAIL_FROM?: string;
  SENTRY_DSN?: string;
  SENTRY_RELEASE?: string;
  SENTRY_SAMPLE_RATE?: string;
  SENTRY_TRACES_SAMPLE_RATE?: string;
  CLOUDFLARE_ACCOUNT_ID?: string;
  CLOUDFLARE_ANALYTICS_TOKEN?: string;
  /** Optional vars (core/config.ts): the demo's own host name, and sandboxes per IP per hour. */
  DEMO_HOST?: string;
  DEMO_SANDBOXES_PER_IP_HOUR?: string;
}
