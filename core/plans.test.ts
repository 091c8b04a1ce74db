import { describe, expect, it } from 'vitest';
import { formatLimit, PLANS, publicPlans } from './plans';

describe('plans', () => {
  it('match the pricing table (the published numbers)', () => {
    expect(PLANS.free.limits).toMatchObject({
      agents: 3,
      agentMinutesPerMonth: 60,
      concurrentRuns: 1,
      apiRequestsPerMinute: 60,
    });
    expect(PLANS.starter.limits).toMatchObject({
      agents: 5,
      agentMinutesPerMonth: 1000,
      concurrentRuns: 2,
      apiRequestsPerMinute: 300,
    });
    expect(PLANS.pro.limits).toMatchObject({
      agents: 20,
      agentMinutesPerMonth: 10000,
      concurrentRuns: 5,
      apiRequestsPerMinute: 1200,
    });
    expect([PLANS.free.priceUsd, PLANS.starter.priceUsd, PLANS.pro.priceUsd, PLANS.enterprise.priceUsd]).toEqual([
      0,
      49,
      149,
      null,
    ]);
  });

  it('lists the public plans in price order, without self-hosted', () => {
    expect(publicPlans().map((plan) => plan.id)).toEqual(['free', 'starter', 'pro', 'enterprise']);
  });

  it('formats unlimited limits', () => {
    expect(formatLimit(Number.POSITIVE_INFINITY)).toBe('Unlimited');
    expect(formatLimit(10000)).toBe('10,000');
  });
});
