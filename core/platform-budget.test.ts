import { describe, expect, it } from 'vitest';
import { PLATFORM_BUDGET_MESSAGES, platformBudgetRefusal } from './platform-budget';

const config = { PLATFORM_KEY_ORG_MONTHLY_USD: 5, PLATFORM_KEY_MONTHLY_USD: 100 };

describe('platformBudgetRefusal', () => {
  it('allows runs under both ceilings and refuses at either, platform first', () => {
    expect(platformBudgetRefusal(config, { orgMicroUsd: 4_999_999, platformMicroUsd: 99_999_999 })).toBeNull();
    expect(platformBudgetRefusal(config, { orgMicroUsd: 5_000_000, platformMicroUsd: 0 })).toBe(
      PLATFORM_BUDGET_MESSAGES.org(5),
    );
    expect(platformBudgetRefusal(config, { orgMicroUsd: 5_000_000, platformMicroUsd: 100_000_000 })).toBe(
      PLATFORM_BUDGET_MESSAGES.platform,
    );
  });
});
