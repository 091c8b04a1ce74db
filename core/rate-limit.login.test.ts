import { describe, expect, it } from 'vitest';
import { AUTH_RATE_LIMITS, loginAttemptLimits } from './rate-limit';

describe('login attempt limits', () => {
  it('back off per address and email in steps, with a looser per-email ceiling', () => {
    const limits = loginAttemptLimits('10.0.0.1', 'ada@example.com');
    expect(limits.map((l) => l.bucket)).toEqual([
      'login:ip-email:60:10.0.0.1:ada@example.com',
      'login:ip-email:900:10.0.0.1:ada@example.com',
      'login:ip-email:3600:10.0.0.1:ada@example.com',
      'login:email:ada@example.com',
    ]);
    const steps = AUTH_RATE_LIMITS.loginPerIpAndEmail;
    // Each step allows more attempts over a longer window, but a lower rate: a backoff.
    for (let i = 1; i < steps.length; i++) {
      expect(steps[i]!.limit).toBeGreaterThan(steps[i - 1]!.limit);
      expect(steps[i]!.limit / steps[i]!.windowSeconds).toBeLessThan(steps[i - 1]!.limit / steps[i - 1]!.windowSeconds);
    }
    // The per-email ceiling is well above what one address may try, so no one address locks an owner out.
    expect(AUTH_RATE_LIMITS.loginPerEmail.limit).toBeGreaterThanOrEqual(5 * steps[steps.length - 1]!.limit);
    // Another address has its own buckets.
    expect(loginAttemptLimits('10.0.0.2', 'ada@example.com')[0]!.bucket).not.toBe(limits[0]!.bucket);
  });
});
