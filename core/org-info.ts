/**
 * What an OrgHub knows of its organization from the platform records: the plan that sets its
 * limits, the names its prompts and events use, and the default model. The Worker pushes it on
 * creation and on every change (core/org-hub-client.ts); the hub keeps it in its own storage,
 * so no transition reads D1.
 */
import { z } from 'zod';
import { PLAN_IDS } from './plans';

export const OrgInfo = z.object({
  id: z.string().min(1).max(64),
  slug: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  plan: z.enum(PLAN_IDS),
  defaultModel: z.string().max(100).nullable(),
});
export type OrgInfo = z.infer<typeof OrgInfo>;

/** The fields of an `organizations` row the hub needs. */
export function orgInfoOf(org: {
  id: string;
  slug: string;
  name: string;
  plan: OrgInfo['plan'];
  defaultModel: string | null;
}): OrgInfo {
  return { id: org.id, slug: org.slug, name: org.name, plan: org.plan, defaultModel: org.defaultModel };
}
