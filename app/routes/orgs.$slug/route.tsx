import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { Outlet, useLoaderData } from '@remix-run/react';
import { graceEndsAt } from '../../../core/billing/state';
import { loadConfig } from '../../../core/config';
import { getDb } from '../../../core/db/client';
import { SANDBOX_IDLE_MS } from '../../../core/demo';
import { listMemberships } from '../../../core/orgs';
import { can } from '../../../core/permissions';
import { AppShell } from '../../components/AppShell';
import { DemoBanner } from '../../components/DemoBanner';
import { OrgGoneNotice } from '../../components/OrgGoneNotice';
import { PastDueBanner } from '../../components/PastDueBanner';
import { requireOrgMember } from '../../lib/session.server';

/** The dashboard shell of one org: the caller must be a member (else 404). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const memberships = await listMemberships(getDb(env), member.user.id);
  const org = member.organization;
  const graceEnd = org.subscriptionStatus === 'past_due' ? graceEndsAt(loadConfig(env), org) : null;
  return {
    user: { name: member.user.name, email: member.user.email },
    org: {
      slug: member.organization.slug,
      name: member.organization.name,
      plan: member.organization.plan,
      role: member.role,
    },
    demo: member.organization.isDemo ? { idleHours: SANDBOX_IDLE_MS / 3_600_000 } : null,
    pastDue:
      org.subscriptionStatus === 'past_due'
        ? {
            graceEndsOn: graceEnd === null ? null : new Date(graceEnd).toISOString().slice(0, 10),
            downgraded: org.plan === 'free',
            canManage: can(member.role, 'billing:manage'),
          }
        : null,
    orgs: memberships.map((m) => ({
      slug: m.organization.slug,
      name: m.organization.name,
      plan: m.organization.plan,
      role: m.role,
    })),
  };
}

export default function OrgLayout() {
  const { user, org, orgs, demo, pastDue } = useLoaderData<typeof loader>();
  return (
    <AppShell user={user} org={org} orgs={orgs}>
      {demo ? <DemoBanner idleHours={demo.idleHours} /> : null}
      {pastDue ? <PastDueBanner slug={org.slug} {...pastDue} /> : null}
      <OrgGoneNotice className="mb-6" />
      <Outlet />
    </AppShell>
  );
}
