export interface SetPlanArgs {
  slug: string;
  plan: 'free' | 'starter' | 'pro' | 'enterprise';
  limits: { agents?: number; agentMinutesPerMonth?: number } | null;
  remote: boolean;
  pushOnly: boolean;
  persistTo?: string;
  url?: string;
  actor?: string;
  reason?: string;
}
export function parseSetPlanArgs(argv: readonly string[]): SetPlanArgs;
export const summary: string;
export function run(argv: readonly string[]): Promise<void>;
