/**
 * What an OrgHub knows of its organization from the platform records: the plan that sets its
 * limits, the names its prompts and events use, and the default model. The Worker pushes it on
 * creation and on every change (core/org-hub-client.ts); the hub keeps it in its own storage,
 * so no transition reads D1.
 */
import { z } from 'zod';
import { PLAN_IDS, type PlanLimitOverrides } from './plans';

export const OrgInfo = z.object({
  id: z.string().min(1).max(64),
  slug: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  plan: z.enum(PLAN_IDS),
  defaultModel: z.string().max(100).nullable(),
  /** Per-org limits over the plan's (Enterprise); absent for most orgs and in older saved copies. */
  limits: z
    .object({
      agents: z.number().int().min(0).optional(),
      agentMinutesPerMonth: z.number().int().min(0).optional(),
    })
    .nullable()
    .optional(),
  /** The org's Stripe customer: Pro overage is reported against it (durable-objects/meter-reports.ts). */
  stripeCustomerId: z.string().max(255).nullable().optional(),
});
export type OrgInfo = z.infer<typeof OrgInfo>;

/** The fields of an `organizations` row the hub needs. */
export function orgInfoOf(org: {
  id: string;
  slug: string;
  name: string;
  plan: OrgInfo['plan'];
  defaultModel: string | null;
  planLimits?: PlanLimitOverrides | null;
  stripeCustomerId?: string | null;
}): OrgInfo {
  return {
    id: org.id,
    slug: org.slug,
    name: org.name,
    plan: org.plan,
    defaultModel: org.defaultModel,
    limits: org.planLimits ?? null,
    stripeCustomerId: org.stripeCustomerId ?? null,
  };
}
