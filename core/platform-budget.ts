/**
 * The platform's model key (ANTHROPIC_API_KEY) is the platform's money: runs on it stop when
 * an org's share for the month (PLATFORM_KEY_ORG_MONTHLY_USD) or the platform's total
 * (PLATFORM_KEY_MONTHLY_USD) is spent. Runs on an org's own key are the org's money and are
 * never limited here. The OrgHub checks before a run starts (never inside a transition).
 */
import type { AppConfig } from './config';

export const PLATFORM_BUDGET_MESSAGES = {
  platform:
    "The platform's model budget for this month is used up; add your own Anthropic key in Settings → Model key.",
  org: (usd: number) =>
    `This organization has used its $${usd} of the platform's model budget for this month; add your own Anthropic key in Settings → Model key.`,
};

/** The UTC calendar month a moment falls in (the usage period). */
export function usagePeriodOf(now: number): { start: number; end: number } {
  const d = new Date(now);
  return {
    start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

/** Why a run on the platform key may not start, or null when it may. Amounts in micro-dollars. */
export function platformBudgetRefusal(
  config: Pick<AppConfig, 'PLATFORM_KEY_ORG_MONTHLY_USD' | 'PLATFORM_KEY_MONTHLY_USD'>,
  spent: { orgMicroUsd: number; platformMicroUsd: number },
): string | null {
  if (spent.platformMicroUsd >= config.PLATFORM_KEY_MONTHLY_USD * 1_000_000) return PLATFORM_BUDGET_MESSAGES.platform;
  if (spent.orgMicroUsd >= config.PLATFORM_KEY_ORG_MONTHLY_USD * 1_000_000)
    return PLATFORM_BUDGET_MESSAGES.org(config.PLATFORM_KEY_ORG_MONTHLY_USD);
  return null;
}
