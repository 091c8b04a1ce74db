import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData, useNavigate } from '@remix-run/react';
import { type ReactNode, useEffect, useRef } from 'react';
import { getDb } from '../../../core/db/client';
import { listMembers } from '../../../core/members';
import { can } from '../../../core/permissions';
import { ActivityFeed } from '../../components/ActivityFeed';
import { AgentAvatar } from '../../components/AgentAvatar';
import { Card } from '../../components/Card';
import {
  FormAlert,
  SelectField,
  SubmitButton,
  TextAreaField,
  focusFirstProblem,
  useIsSubmitting,
} from '../../components/Form';
import { Icon, type IconName } from '../../components/Icon';
import { Office, type OfficeSubscribe } from '../../components/office';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { describeActivity, type FeedItem, isFeedWorthy } from '../../lib/activity';
import { failureFromError, formFailure, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { hubFor } from '../../lib/org.server';
import { requireOrgMember } from '../../lib/session.server';
import { parseNewTask } from '../../lib/task-form.server';
import { useLive } from '../../lib/live';
import { useLiveActionData, useLiveRevalidation } from '../../lib/use-live-data';

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageMeta({
    title: `${data?.org.name ?? 'Overview'} · Generic Corp`,
    description: 'Your team of agents at a glance.',
    noIndex: true,
  });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const db = getDb(env);
  const hub = hubFor(env, member);
  const team = await hub.read.team();
  const [current, activity, everyone, members] = await Promise.all([
    hub.read.currentTasks(team.map((agent) => agent.id)).then((rows) => new Map(Object.entries(rows))),
    hub.read.recentActivity({ limit: 80 }),
    hub.read.agents({ includeArchived: true }),
    listMembers(db, member.ctx),
  ]);
  const names = {
    agents: new Map(
      everyone.map((agent) => [agent.id, { name: agent.name, slug: agent.slug, color: agent.avatarColor }]),
    ),
    users: new Map(members.map((m) => [m.user_id, m.name])),
    selfId: member.user.id,
  };
  const feed = activity.data
    .filter(isFeedWorthy)
    .map((entry) => describeActivity(entry, names))
    .filter((item): item is FeedItem => item !== null)
    .slice(0, 15);
  return {
    org: { slug: member.organization.slug, name: member.organization.name },
    firstName: member.user.name.split(/\s+/)[0] ?? member.user.name,
    team: team.map((agent) => ({ ...agent, currentTask: current.get(agent.id)?.title ?? null })),
    office: everyone
      .filter((agent) => agent.archivedAt === null)
      .map((agent) => ({
        id: agent.id,
        slug: agent.slug,
        name: agent.name,
        role: agent.role,
        status: agent.status,
        avatar_color: agent.avatarColor,
        desk: { x: agent.deskX, y: agent.deskY },
        current_task: current.get(agent.id) ?? null,
      })),
    feed,
    now: Date.now(),
    canWrite: can(member.role, 'tasks:write'),
    canManageKeys: can(member.role, 'keys:manage'),
    canManageMembers: can(member.role, 'members:manage'),
  };
}

/** "Give a task": the quick form (agent + description) creates the task through the OrgHub. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  try {
    const hub = hubFor(env, member, 'tasks:write');
    if (intent !== 'give-task') return formFailure(intent, 'Unknown action.');
    const parsed = parseNewTask(form, intent);
    if (!parsed.ok) return parsed.failure;
    const { task } = await hub.createTask(parsed.data, null);
    return { ok: true as const, intent, task: { id: task.id, title: task.title, agent: task.agent.name } };
  } catch (error) {
    return failureFromError(error, intent);
  }
}

function GiveTask({
  team,
  base,
}: {
  team: Array<{ slug: string; name: string; role: string; status: string }>;
  base: string;
}) {
  const result = useLiveActionData<typeof action>();
  const formRef = useRef<HTMLFormElement>(null);
  const sending = useIsSubmitting('give-task');
  const failure = result && !result.ok ? result : null;
  const created = result?.ok ? result.task : null;
  useEffect(() => {
    if (created) formRef.current?.reset();
    if (failure) focusFirstProblem(formRef.current);
  }, [created, failure]);
  return (
    <Form ref={formRef} method="post" noValidate className="space-y-4 px-5 py-4">
      <input type="hidden" name="intent" value="give-task" />
      <FormAlert message={failure?.formError} />
      {created ? (
        <FormAlert
          tone="success"
          message={
            <>
              {created.agent} has{' '}
              <Link to={`${base}/tasks/${created.id}`} className="font-medium underline">
                {created.title}
              </Link>
              .
            </>
          }
        />
      ) : null}
      <SelectField
        label="Agent"
        name="agent"
        defaultValue={team.find((agent) => agent.status !== 'paused')?.slug}
        error={failure?.fieldErrors.agent}
      >
        {team.map((agent) => (
          <option key={agent.slug} value={agent.slug}>
            {agent.name} · {agent.role}
          </option>
        ))}
      </SelectField>
      <TextAreaField
        label="What should they do?"
        name="description"
        rows={3}
        required
        placeholder="Review PR #42 and list the risks."
        error={failure?.fieldErrors.description}
      />
      <div className="flex items-center justify-between gap-3">
        <Link to={`${base}/tasks`} className="rounded text-sm font-medium text-accent-ink hover:underline">
          More options
        </Link>
        <SubmitButton pending={sending} pendingLabel="Sending…">
          <Icon name="send" className="size-4" />
          Give task
        </SubmitButton>
      </div>
    </Form>
  );
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
            <span className="rounded-full bg-page-alt px-2 py-0.5 text-[11px] font-medium text-ink-faint ring-1 ring-line ring-inset">
              {status}
            </span>
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
  const { org, firstName, team, office, feed, now, canWrite, canManageKeys, canManageMembers } =
    useLoaderData<typeof loader>();
  useLiveRevalidation();
  const live = useLive();
  const navigate = useNavigate();
  const working = team.filter((agent) => agent.status === 'working').length;
  const base = `/orgs/${org.slug}`;

  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow={org.name}
        title={`Welcome, ${firstName}`}
        description="Your team of agents and what to do next."
      />

      <Card as="section" aria-labelledby="office-heading" className="min-w-0 overflow-hidden">
        <div className="flex items-center justify-between gap-3 border-b border-line px-5 py-4 sm:px-6">
          <div>
            <h2 id="office-heading" className="text-base font-semibold text-ink">
              The office
            </h2>
            <p className="text-sm text-ink-muted">Your agents at their desks, live. Click one to open it.</p>
          </div>
        </div>
        <Office
          agents={office}
          subscribe={live ? (live.subscribe as unknown as OfficeSubscribe) : undefined}
          onSelectAgent={(agentId) => {
            const agent = office.find((a) => a.id === agentId);
            if (agent) navigate(`/orgs/${org.slug}/agents/${agent.slug}`);
          }}
        />
      </Card>

      <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_360px]">
        <div className="min-w-0 space-y-6">
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
                      <p className="truncate text-sm font-semibold text-ink">
                        <Link
                          to={`${base}/agents/${agent.slug}`}
                          className="rounded hover:text-accent-ink hover:underline"
                        >
                          {agent.name}
                        </Link>
                      </p>
                      <p className="truncate text-sm text-ink-muted">
                        {agent.currentTask ? `Working on “${agent.currentTask}”` : agent.role}
                      </p>
                    </div>
                    <StatusBadge status={agent.status} />
                  </li>
                ))}
              </ul>
            )}
          </Card>

          <Card as="section" className="min-w-0">
            <div className="flex items-center justify-between gap-3 border-b border-line px-5 py-4 sm:px-6">
              <div>
                <h2 className="text-base font-semibold text-ink">Activity</h2>
                <p className="text-sm text-ink-muted">What your team did, as it happens.</p>
              </div>
              <Link to={`${base}/tasks`} className="rounded text-sm font-medium text-accent-ink hover:underline">
                Task board
              </Link>
            </div>
            {feed.length === 0 ? (
              <div className="px-6 py-10 text-center">
                <p className="text-sm font-medium text-ink">Nothing has happened yet</p>
                <p className="mt-1 text-sm text-ink-muted">
                  {canWrite ? 'Give an agent a task and follow it here.' : 'When your team works, it shows up here.'}
                </p>
              </div>
            ) : (
              <ActivityFeed items={feed} base={base} now={now} />
            )}
          </Card>
        </div>

        <div className="space-y-6">
          {canWrite && team.length > 0 ? (
            <Card as="section" className="h-fit">
              <div className="border-b border-line px-5 py-4">
                <h2 className="text-base font-semibold text-ink">Give a task</h2>
                <p className="text-sm text-ink-muted">Hand work to an agent; it starts at once.</p>
              </div>
              <GiveTask team={team} base={base} />
            </Card>
          ) : null}
          <Card as="section" className="h-fit">
            <div className="border-b border-line px-5 py-4">
              <h2 className="text-base font-semibold text-ink">Your next steps</h2>
              <p className="text-sm text-ink-muted">Get your team to work.</p>
            </div>
            <ul className="p-2">
              <NextStep
                icon="key"
                title="Create an API key"
                description={
                  canManageKeys ? 'Call the API from your own code.' : 'Ask an admin of this organization for a key.'
                }
                to={canManageKeys ? `${base}/settings/keys` : undefined}
              />
              <NextStep
                icon="userPlus"
                title="Invite a teammate"
                description={
                  canManageMembers
                    ? 'Share an invitation link with a role.'
                    : 'See who is on the team; admins can invite.'
                }
                to={`${base}/settings/members`}
              />
            </ul>
          </Card>
        </div>
      </div>
    </div>
  );
}
