import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../core/errors';
import { FIELD_LIMITS } from '../../../core/field-limits';
import { can } from '../../../core/permissions';
import { effectivePlan } from '../../../core/plans';
import type { TeamMember } from '../../../core/team';
import { AgentAvatar } from '../../components/AgentAvatar';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { Dialog } from '../../components/Dialog';
import {
  FormAlert,
  SelectField,
  SubmitButton,
  TextAreaField,
  TextField,
  focusFirstProblem,
} from '../../components/Form';
import { Icon } from '../../components/Icon';
import { EmptyState, PageHeader } from '../../components/PageHeader';
import { ProgressBar, StatusBadge } from '../../components/StatusBadge';
import { parseNewAgent } from '../../lib/agent-form.server';
import { failureFromError, formFailure, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { hubFor } from '../../lib/org.server';
import { useDialogFetcher } from '../../lib/use-dialog-fetcher';
import { requireOrgMember } from '../../lib/session.server';
import { useLiveRevalidation } from '../../lib/use-live-data';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Agents · Generic Corp', description: 'The agents of your organization.', noIndex: true });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const hub = hubFor(env, member, 'agents:read');
  const team = await hub.read.team();
  const current = new Map(Object.entries(await hub.read.currentTasks(team.map((agent) => agent.id))));
  // The plan's active-agent limit as the OrgHub enforces it (overrides included); none when unlimited.
  const plan = effectivePlan({ plan: member.organization.plan, limits: member.organization.planLimits });
  return {
    slug: member.organization.slug,
    team: team.map((agent) => ({ ...agent, currentTask: current.get(agent.id) ?? null })),
    canWrite: can(member.role, 'agents:write'),
    agentLimit: Number.isFinite(plan.limits.agents) ? { limit: plan.limits.agents, planName: plan.name } : null,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  try {
    const hub = hubFor(env, member, 'agents:write');
    if (intent === 'create') {
      const parsed = parseNewAgent(form, intent);
      if (!parsed.ok) return { ...parsed.failure, upgrade: false };
      const agent = await hub.createAgent(parsed.data);
      throw redirect(`/orgs/${member.organization.slug}/agents/${agent.slug}?created=1`);
    }
    return { ...formFailure(intent, 'Unknown action.'), upgrade: false };
  } catch (error) {
    if (error instanceof Response) throw error;
    // 402: the plan's agent count; the form says so and points at the upgrade.
    const upgrade = error instanceof ApiError && error.status === 402;
    return { ...failureFromError(error, intent), upgrade };
  }
}

type Agent = TeamMember & { currentTask: { id: string; title: string; progress: number } | null };

/** The org chart as nested lists: each manager, then the people who report to them. */
function OrgTree({ team, base }: { team: Agent[]; base: string }) {
  const ids = new Set(team.map((agent) => agent.id));
  const reportsOf = (managerId: string | null) =>
    team.filter((agent) => (agent.managerId && ids.has(agent.managerId) ? agent.managerId : null) === managerId);
  const render = (managerId: string | null, depth: number, seen: Set<string>) => {
    const reports = reportsOf(managerId).filter((agent) => !seen.has(agent.id));
    if (reports.length === 0) return null;
    return (
      <ul
        className={depth === 0 ? 'space-y-1' : 'mt-1 ml-4 space-y-1 border-l border-line pl-3'}
        aria-label={depth === 0 ? 'Org chart' : undefined}
      >
        {reports.map((agent) => {
          const next = new Set(seen).add(agent.id);
          return (
            <li key={agent.id}>
              <Link
                to={`${base}/agents/${agent.slug}`}
                className="flex items-center gap-2.5 rounded-lg px-2 py-1.5 hover:bg-page-alt"
              >
                <span
                  aria-hidden="true"
                  className="size-3 shrink-0 rounded-full"
                  style={{ backgroundColor: agent.avatarColor }}
                />
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-sm font-medium text-ink">{agent.name}</span>
                  <span className="block truncate text-xs text-ink-faint">{agent.role}</span>
                </span>
                <StatusBadge status={agent.status} />
              </Link>
              {render(agent.id, depth + 1, next)}
            </li>
          );
        })}
      </ul>
    );
  };
  return render(null, 0, new Set());
}

interface CreateResult {
  ok: boolean;
  intent?: string | null;
  formError?: string | null;
  fieldErrors?: Record<string, string>;
  upgrade?: boolean;
}

interface AgentLimit {
  limit: number;
  planName: string;
}

/** Agents that count against the plan: the OrgHub counts those not paused (archived ones are not listed). */
function activeCount(team: Agent[]): number {
  return team.filter((agent) => agent.status !== 'paused').length;
}

function NewAgentDialog({
  open,
  onClose,
  team,
  agentLimit,
  activeAgents,
}: {
  open: boolean;
  onClose: () => void;
  team: Agent[];
  agentLimit: AgentLimit | null;
  activeAgents: number;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const { fetcher, result, close } = useDialogFetcher<CreateResult>('new-agent', formRef, onClose);
  const failure = result && !result.ok ? result : null;
  useEffect(() => {
    if (failure) focusFirstProblem(formRef.current);
  }, [failure]);
  return (
    <Dialog
      open={open}
      onClose={close}
      title="New agent"
      description="Agents are data: a name, a role, a personality that shapes how they work, and a place in the org chart."
      size="lg"
    >
      {agentLimit && activeAgents >= agentLimit.limit ? (
        <div className="space-y-5">
          <FormAlert
            tone="info"
            message={
              <>
                You have {activeAgents} of {agentLimit.limit} active agents, all your {agentLimit.planName} plan
                includes. Pause or archive an agent, or{' '}
                <Link to="/pricing" className="font-medium underline">
                  compare plans
                </Link>
                , to add another.
              </>
            }
          />
          <div className="flex justify-end border-t border-line pt-4">
            <Button variant="secondary" onClick={close}>
              Close
            </Button>
          </div>
        </div>
      ) : (
        <fetcher.Form ref={formRef} method="post" noValidate className="space-y-5">
          <input type="hidden" name="intent" value="create" />
          <FormAlert
            message={
              failure?.formError ? (
                <>
                  {failure.formError}
                  {failure.upgrade ? (
                    <>
                      {' '}
                      <Link to="/pricing" className="font-medium underline">
                        Compare plans
                      </Link>{' '}
                      to add more agents.
                    </>
                  ) : null}
                </>
              ) : null
            }
          />
          <div className="grid gap-5 sm:grid-cols-2">
            <TextField
              label="Name"
              name="name"
              maxLength={FIELD_LIMITS.agent.name}
              required
              autoComplete="off"
              placeholder="Ines"
              error={failure?.fieldErrors?.name}
            />
            <TextField
              label="Role"
              name="role"
              maxLength={FIELD_LIMITS.agent.role}
              required
              autoComplete="off"
              placeholder="Security Engineer"
              error={failure?.fieldErrors?.role}
            />
            <TextField
              label="Department"
              name="department"
              maxLength={FIELD_LIMITS.agent.department}
              autoComplete="off"
              placeholder="Engineering"
              error={failure?.fieldErrors?.department}
            />
            <TextField
              label="Level"
              name="level"
              maxLength={FIELD_LIMITS.agent.level}
              autoComplete="off"
              placeholder="Senior"
              error={failure?.fieldErrors?.level}
            />
            <TextField
              label={
                <>
                  Slug <span className="font-normal text-ink-faint">(optional)</span>
                </>
              }
              name="slug"
              autoComplete="off"
              placeholder="ines"
              hint="How the API addresses the agent; made from the name if empty."
              error={failure?.fieldErrors?.slug}
            />
            <SelectField
              label="Reports to"
              name="manager"
              defaultValue={team[0]?.slug ?? ''}
              error={failure?.fieldErrors?.manager}
            >
              <option value="">Nobody (top of the chart)</option>
              {team.map((agent) => (
                <option key={agent.id} value={agent.slug}>
                  {agent.name} · {agent.role}
                </option>
              ))}
            </SelectField>
          </div>
          <TextAreaField
            label="Personality"
            name="personality"
            maxLength={FIELD_LIMITS.agent.personality}
            rows={4}
            required
            placeholder="Ines is meticulous and calm under pressure. She reads the threat model first…"
            hint="Written into the agent’s system prompt on every run."
            error={failure?.fieldErrors?.personality}
          />
          <div className="flex flex-col-reverse gap-2 border-t border-line pt-4 sm:flex-row sm:justify-end">
            <button
              type="button"
              onClick={close}
              className="h-10 rounded-lg px-4 text-sm font-medium text-ink-muted hover:bg-page-alt hover:text-ink"
            >
              Cancel
            </button>
            <SubmitButton pending={fetcher.state !== 'idle'} pendingLabel="Adding…">
              Add agent
            </SubmitButton>
          </div>
        </fetcher.Form>
      )}
    </Dialog>
  );
}

export default function Agents() {
  const { slug, team, canWrite, agentLimit } = useLoaderData<typeof loader>();
  const activeAgents = activeCount(team);
  useLiveRevalidation();
  const [searchParams] = useSearchParams();
  const [dialogOpen, setDialogOpen] = useState(false);
  const close = useCallback(() => setDialogOpen(false), []);
  const base = `/orgs/${slug}`;
  const removed = searchParams.get('removed');

  return (
    <div className="space-y-6">
      <PageHeader
        title="Agents"
        description={
          <>
            Who is on the team, what they are doing and whom they report to. API calls address an agent by its slug.
            {agentLimit ? (
              <span className="mt-1 block">
                {activeAgents} of {agentLimit.limit} active agents on your {agentLimit.planName} plan; paused agents do
                not count.
              </span>
            ) : null}
          </>
        }
        actions={
          canWrite ? (
            <Button onClick={() => setDialogOpen(true)} aria-haspopup="dialog">
              <Icon name="plus" className="size-4" />
              New agent
            </Button>
          ) : null
        }
      />
      {removed ? (
        <FormAlert
          tone="success"
          message={
            searchParams.get('archived') === '1'
              ? `${removed} was archived: their tasks and history stay, and they no longer take work.`
              : `${removed} was removed.`
          }
        />
      ) : null}

      {team.length === 0 ? (
        <EmptyState title="No agents yet" icon={<Icon name="agents" />}>
          <p>Add an agent to give it work.</p>
          {canWrite ? (
            <Button className="mt-5" onClick={() => setDialogOpen(true)}>
              <Icon name="plus" className="size-4" />
              New agent
            </Button>
          ) : null}
        </EmptyState>
      ) : (
        <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_300px]">
          <ul aria-label="Agents" className="grid grid-cols-1 gap-4 sm:grid-cols-2 2xl:grid-cols-3">
            {team.map((agent) => (
              <Card as="li" key={agent.id} className="flex min-w-0 flex-col p-5">
                <div className="flex items-start gap-3">
                  <AgentAvatar name={agent.name} color={agent.avatarColor} />
                  <div className="min-w-0 flex-1">
                    <h2 className="truncate text-base font-semibold text-ink">
                      <Link
                        to={`${base}/agents/${agent.slug}`}
                        className="rounded hover:text-accent-ink hover:underline"
                      >
                        {agent.name}
                      </Link>
                    </h2>
                    <p className="truncate text-sm text-ink-muted">{agent.role}</p>
                  </div>
                  <StatusBadge status={agent.status} />
                </div>
                <div className="mt-4 min-h-[3.25rem] flex-1">
                  {agent.currentTask ? (
                    <div>
                      <p className="text-xs text-ink-faint">Working on</p>
                      <Link
                        to={`${base}/tasks/${agent.currentTask.id}`}
                        className="mt-0.5 block truncate text-sm font-medium text-ink hover:text-accent-ink hover:underline"
                      >
                        {agent.currentTask.title}
                      </Link>
                      <ProgressBar
                        value={agent.currentTask.progress}
                        label={`Progress of ${agent.name}’s task`}
                        className="mt-2"
                      />
                    </div>
                  ) : (
                    <p className="text-sm text-ink-faint">
                      {agent.status === 'paused' ? 'Paused: takes no new work.' : 'No task running.'}
                    </p>
                  )}
                </div>
                <p className="mt-4 flex items-center justify-between gap-2 border-t border-line pt-3 text-xs text-ink-faint">
                  <span className="truncate">
                    {agent.department} · {agent.level}
                  </span>
                  <span className="font-mono">{agent.slug}</span>
                </p>
              </Card>
            ))}
          </ul>
          <Card as="section" className="h-fit p-4">
            <h2 className="px-2 text-sm font-semibold text-ink">Org chart</h2>
            <p className="px-2 text-xs text-ink-faint">Who reports to whom; managers delegate down the chart.</p>
            <div className="mt-3">
              <OrgTree team={team} base={base} />
            </div>
          </Card>
        </div>
      )}

      {canWrite ? (
        <NewAgentDialog
          open={dialogOpen}
          onClose={close}
          team={team}
          agentLimit={agentLimit}
          activeAgents={activeAgents}
        />
      ) : null}
    </div>
  );
}
