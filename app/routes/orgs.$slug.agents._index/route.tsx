import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { getDb } from '../../../core/db/client';
import { listTeam } from '../../../core/team';
import { AgentAvatar } from '../../components/AgentAvatar';
import { Card } from '../../components/Card';
import { FormAlert } from '../../components/Form';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { pageMeta } from '../../lib/meta';
import { requireOrgMember } from '../../lib/session.server';

export const meta: MetaFunction = () => pageMeta({ title: 'Agents · Generic Corp', description: 'The agents of your organization.', noIndex: true });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const team = await listTeam(getDb(env), member.ctx);
  const names = new Map(team.map((agent) => [agent.id, agent.name]));
  return { team: team.map((agent) => ({ ...agent, managerName: agent.managerId ? (names.get(agent.managerId) ?? null) : null })) };
}

export default function Agents() {
  const { team } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <PageHeader title="Agents" description="Who is on the team, what they do and whom they report to. API calls address an agent by its slug." />
      <FormAlert tone="info" message="Agent pages with live activity, and editing or adding agents, are coming soon." />
      <Card className="overflow-hidden">
        <div role="region" aria-label="Agents" tabIndex={0} className="overflow-x-auto">
          <table className="w-full min-w-[640px] text-left text-sm">
            <thead className="border-b border-line bg-page-alt text-xs font-medium text-ink-faint">
              <tr>
                <th scope="col" className="px-5 py-3 font-medium">Agent</th>
                <th scope="col" className="px-5 py-3 font-medium">Department</th>
                <th scope="col" className="px-5 py-3 font-medium">Reports to</th>
                <th scope="col" className="px-5 py-3 font-medium">Slug</th>
                <th scope="col" className="px-5 py-3 font-medium">Status</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {team.map((agent) => (
                <tr key={agent.id}>
                  <td className="px-5 py-3.5">
                    <div className="flex items-center gap-3">
                      <AgentAvatar name={agent.name} color={agent.avatarColor} size="sm" />
                      <div className="min-w-0">
                        <p className="font-semibold text-ink">{agent.name}</p>
                        <p className="text-ink-muted">{agent.role}</p>
                      </div>
                    </div>
                  </td>
                  <td className="px-5 py-3.5 text-ink-muted">
                    {agent.department}
                    <span className="block text-xs text-ink-faint">{agent.level}</span>
                  </td>
                  <td className="px-5 py-3.5 text-ink-muted">{agent.managerName ?? '—'}</td>
                  <td className="px-5 py-3.5 font-mono text-xs text-ink-muted">{agent.slug}</td>
                  <td className="px-5 py-3.5">
                    <StatusBadge status={agent.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
