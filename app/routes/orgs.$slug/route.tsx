import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { Outlet, useLoaderData } from '@remix-run/react';
import { getDb } from '../../../core/db/client';
import { listMemberships } from '../../../core/orgs';
import { AppShell } from '../../components/AppShell';
import { requireOrgMember } from '../../lib/session.server';

/** The dashboard shell of one org: the caller must be a member (else 404). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const memberships = await listMemberships(getDb(env), member.user.id);
  return {
    user: { name: member.user.name, email: member.user.email },
    org: {
      slug: member.organization.slug,
      name: member.organization.name,
      plan: member.organization.plan,
      role: member.role,
    },
    orgs: memberships.map((m) => ({
      slug: m.organization.slug,
      name: m.organization.name,
      plan: m.organization.plan,
      role: m.role,
    })),
  };
}

export default function OrgLayout() {
  const { user, org, orgs } = useLoaderData<typeof loader>();
  return (
    <AppShell user={user} org={org} orgs={orgs}>
      <Outlet />
    </AppShell>
  );
}
