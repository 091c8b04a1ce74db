import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import { getDb } from '../../../core/db/client';
import { can } from '../../../core/permissions';
import { listTeam } from '../../../core/team';
import { AgentAvatar } from '../../components/AgentAvatar';
import { Card } from '../../components/Card';
import { Icon, type IconName } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { pageMeta } from '../../lib/meta';
import { requireOrgMember } from '../../lib/session.server';

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageMeta({ title: `${data?.org.name ?? 'Overview'} · Generic Corp`, description: 'Your team of agents at a glance.', noIndex: true });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const team = await listTeam(getDb(env), member.ctx);
  return {
    org: { slug: member.organization.slug, name: member.organization.name },
    firstName: member.user.name.split(/\s+/)[0] ?? member.user.name,
    team,
    canManageKeys: can(member.role, 'keys:manage'),
    canManageMembers: can(member.role, 'members:manage'),
  };
}

function NextStep({
  icon,
  title,
  description,
  to,
  status,
}: {
  icon: IconName;
  title: string;
  description: ReactNode;
  to?: string;
  status?: string;
}) {
  const body = (
    <>
      <span className="inline-flex size-9 shrink-0 items-center justify-center rounded-lg bg-accent-soft text-accent-ink">
        <Icon name={icon} className="size-[18px]" />
      </span>
      <span className="min-w-0 flex-1">
        <span className="flex flex-wrap items-center gap-2 text-sm font-medium text-ink">
          {title}
          {status ? (
            <span className="rounded-full bg-page-alt px-2 py-0.5 text-[11px] font-medium text-ink-faint ring-1 ring-line ring-inset">{status}</span>
          ) : null}
        </span>
        <span className="mt-0.5 block text-sm text-ink-muted">{description}</span>
      </span>
      {to ? <Icon name="chevronRight" className="mt-2 size-4 shrink-0 text-ink-faint" /> : null}
    </>
  );
  return (
    <li>
      {to ? (
        <Link to={to} className="flex items-start gap-3 rounded-xl px-3 py-3 transition-colors hover:bg-page-alt">
          {body}
        </Link>
      ) : (
        <div className="flex items-start gap-3 px-3 py-3 opacity-80">{body}</div>
      )}
    </li>
  );
}

export default function Overview() {
  const { org, firstName, team, canManageKeys, canManageMembers } = useLoaderData<typeof loader>();
  const working = team.filter((agent) => agent.status === 'working').length;
  const base = `/orgs/${org.slug}`;

  return (
    <div className="space-y-8">
      <PageHeader eyebrow={org.name} title={`Welcome, ${firstName}`} description="Your team of agents and what to do next." />

      <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_360px]">
        <Card as="section" className="min-w-0">
          <div className="flex items-center justify-between gap-3 border-b border-line px-5 py-4 sm:px-6">
            <div>
              <h2 id="team-heading" className="text-base font-semibold text-ink">
                Your team
              </h2>
              <p className="text-sm text-ink-muted">
                {team.length} {team.length === 1 ? 'agent' : 'agents'} · {working} working
              </p>
            </div>
            <Link to={`${base}/agents`} className="rounded text-sm font-medium text-accent-ink hover:underline">
              View all
            </Link>
          </div>
          {team.length === 0 ? (
            <p className="px-6 py-10 text-center text-sm text-ink-muted">This organization has no agents yet.</p>
          ) : (
            <ul aria-labelledby="team-heading" className="divide-y divide-line">
              {team.map((agent) => (
                <li key={agent.id} className="flex items-center gap-4 px-5 py-3.5 sm:px-6">
                  <AgentAvatar name={agent.name} color={agent.avatarColor} size="sm" />
                  <div className="min-w-0 flex-1">
                    <p className="truncate text-sm font-semibold text-ink">{agent.name}</p>
                    <p className="truncate text-sm text-ink-muted">{agent.role}</p>
                  </div>
                  <StatusBadge status={agent.status} />
                </li>
              ))}
            </ul>
          )}
          <p className="border-t border-line px-5 py-3 text-xs text-ink-faint sm:px-6">
            The live office view, with agents at their desks in real time, is coming soon.
          </p>
        </Card>

        <Card as="section" className="h-fit">
          <div className="border-b border-line px-5 py-4">
            <h2 className="text-base font-semibold text-ink">Your next steps</h2>
            <p className="text-sm text-ink-muted">Get your team to work.</p>
          </div>
          <ul className="p-2">
            <NextStep icon="send" title="Give a task" status="Coming soon" description="Hand work to an agent from the dashboard." />
            <NextStep
              icon="key"
              title="Create an API key"
              description={canManageKeys ? 'Call the API from your own code.' : 'Ask an admin of this organization for a key.'}
              to={canManageKeys ? `${base}/settings/keys` : undefined}
            />
            <NextStep
              icon="userPlus"
              title="Invite a teammate"
              description={canManageMembers ? 'Share an invitation link with a role.' : 'See who is on the team; admins can invite.'}
              to={`${base}/settings/members`}
            />
          </ul>
        </Card>
      </div>
    </div>
  );
}
