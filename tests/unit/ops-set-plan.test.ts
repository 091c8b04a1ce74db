import { describe, expect, it } from 'vitest';
import { parseSetPlanArgs } from '../../scripts/ops/set-plan.mjs';

describe('npm run ops -- set-plan: arguments', () => {
  it('reads an Enterprise contract', () => {
    expect(parseSetPlanArgs(['acme', 'enterprise', '--agents', '100', '--minutes', '50000'])).toMatchObject({
      slug: 'acme',
      plan: 'enterprise',
      limits: { agents: 100, agentMinutesPerMonth: 50_000 },
      remote: false,
    });
    expect(parseSetPlanArgs(['acme', 'pro', '--remote'])).toMatchObject({ plan: 'pro', limits: null, remote: true });
  });

  it('refuses what would be unsafe in SQL text or makes no sense', () => {
    expect(() => parseSetPlanArgs(["acme'; DROP TABLE organizations; --", 'pro'])).toThrow(/not an org slug/);
    expect(() => parseSetPlanArgs(['acme', 'platinum'])).toThrow(/unknown plan "platinum"/);
    expect(() => parseSetPlanArgs(['acme', 'enterprise', '--agents', '1e9'])).toThrow(/whole number/);
    expect(() => parseSetPlanArgs(['acme', 'pro', '--agents', '10'])).toThrow(/use them with enterprise/);
    expect(() => parseSetPlanArgs(['acme'])).toThrow(/org slug and the plan/);
    expect(() => parseSetPlanArgs(['acme', 'pro', '--minutes'])).toThrow(/needs a value/);
    expect(() => parseSetPlanArgs(['acme', 'pro', '--force'])).toThrow(/unknown option/);
  });
});
