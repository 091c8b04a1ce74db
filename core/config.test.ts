import { describe, expect, it } from 'vitest';
import { assertLocalFallbacks, ConfigError, isLocalHost, loadConfig } from './config';

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
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_WEBHOOK_SECRET: 'whsec_123',
      STRIPE_PRICE_STARTER: 'price_starter',
      STRIPE_PRICE_PRO: 'price_pro',
    });
    expect(config.billingEnabled).toBe(true);
    expect(config.usingDevSecrets).toBe(false);
  });

  it('requires the webhook secret alongside a Stripe key', () => {
    expect(() => loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_123' })).toThrowError(/STRIPE_WEBHOOK_SECRET/);
  });

  it('requires both plan price ids alongside a Stripe key, as price_… ids', () => {
    const stripe = { ...base, STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_WEBHOOK_SECRET: 'whsec_123' };
    expect(() => loadConfig({ ...stripe, STRIPE_PRICE_PRO: 'price_pro' })).toThrowError(/STRIPE_PRICE_STARTER/);
    expect(() => loadConfig({ ...stripe, STRIPE_PRICE_STARTER: 'price_starter' })).toThrowError(/STRIPE_PRICE_PRO/);
    expect(() => loadConfig({ ...stripe, STRIPE_PRICE_STARTER: 'prod_x', STRIPE_PRICE_PRO: 'price_pro' })).toThrowError(
      /STRIPE_PRICE_STARTER must be a Stripe Price id/,
    );
  });

  it('no longer asks for SESSION_SECRET (nothing used it)', () => {
    const config = loadConfig({ ...base, APP_ENV: 'production', ENCRYPTION_KEY: key32 });
    expect(config.usingDevSecrets).toBe(false);
    expect('SESSION_SECRET' in config).toBe(false);
  });
});

describe('development fallbacks off the local machine', () => {
  const dev = loadConfig({ ...base });
  const refused = (config: ReturnType<typeof loadConfig>, url: string) => {
    try {
      assertLocalFallbacks(config, new URL(url));
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).message;
    }
  };

  it('works on the machine itself', () => {
    for (const url of [
      'http://localhost:8787/',
      'http://127.0.0.1:8787/x',
      'http://[::1]:8787/',
      'http://app.localhost/',
    ])
      expect(refused(dev, url)).toBeNull();
  });

  it('is refused on any other host, naming the setting', () => {
    for (const url of [
      'https://app.example.com/',
      'https://generic-corp.someone.workers.dev/',
      'http://10.0.0.5/',
      'https://app.test/',
    ])
      expect(refused(dev, url)).toMatch(
        /^Invalid configuration: ENCRYPTION_KEY is required when the app is served from /,
      );
  });

  it('tests may use the reserved .test TLD; a real key is never refused', () => {
    expect(refused(loadConfig({ ...base, APP_ENV: 'test' }), 'https://app.test/')).toBeNull();
    expect(refused(loadConfig({ ...base, ENCRYPTION_KEY: key32 }), 'https://app.example.com/')).toBeNull();
    expect(isLocalHost('LOCALHOST.', 'development')).toBe(true);
    expect(isLocalHost('localhost.example.com', 'development')).toBe(false);
    expect(isLocalHost('app.test', 'production')).toBe(false);
  });
});
