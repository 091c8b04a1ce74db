import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const base = { APP_ENV: 'development', EDITION: 'self-hosted', APP_URL: 'http://localhost:8787', LOG_LEVEL: 'info' };
const key32 = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));

describe('loadConfig', () => {
  it('starts locally with no secrets, using labelled development fallbacks', () => {
    const config = loadConfig({ ...base });
    expect(config.usingDevSecrets).toBe(true);
    expect(config.billingEnabled).toBe(false);
    expect(config.ENCRYPTION_KEY).toBeTruthy();
  });

  it('names the missing setting in production', () => {
    expect(() => loadConfig({ ...base, APP_ENV: 'production' })).toThrowError(ConfigError);
    expect(() => loadConfig({ ...base, APP_ENV: 'production' })).toThrowError(
      /ENCRYPTION_KEY is required in production/,
    );
  });

  it('names a malformed setting', () => {
    expect(() => loadConfig({ ...base, APP_URL: 'not a url' })).toThrowError(/APP_URL must be an absolute URL/);
    expect(() => loadConfig({ ...base, ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrowError(/ENCRYPTION_KEY must be 32 bytes/);
    expect(() => loadConfig({ ...base, EDITION: 'enterprise' })).toThrowError(/EDITION/);
  });

  it('accepts a complete production config and enables billing for the hosted edition', () => {
    const config = loadConfig({
      ...base,
      APP_ENV: 'production',
      EDITION: 'hosted',
      ENCRYPTION_KEY: key32,
      SESSION_SECRET: 's'.repeat(40),
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_WEBHOOK_SECRET: 'whsec_123',
    });
    expect(config.billingEnabled).toBe(true);
    expect(config.usingDevSecrets).toBe(false);
  });

  it('requires the webhook secret alongside a Stripe key', () => {
    expect(() => loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_123' })).toThrowError(/STRIPE_WEBHOOK_SECRET/);
  });
});
