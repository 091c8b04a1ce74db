import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useFetcher, useLoaderData, useNavigate } from '@remix-run/react';
import { type ReactNode, useEffect, useRef } from 'react';
import { getDb } from '../../../core/db/client';
import { SUGGESTED_FIRST_TASK } from '../../../core/demo';
import { listMembers } from '../../../core/members';
import { officeAgentView } from '../../../core/office';
import { type Onboarding, onboardingState } from '../../../core/onboarding';
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
import { Icon } from '../../components/Icon';
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
  const [current, activity, everyone, members, recentTasks, completedTasks] = await Promise.all([
    hub.read.currentTasks(team.map((agent) => agent.id)).then((rows) => new Map(Object.entries(rows))),
    hub.read.recentActivity({ limit: 80 }),
    hub.read.agents({ includeArchived: true }),
    listMembers(db, member.ctx),
    hub.read.tasks({ limit: 100 }),
    hub.read.tasks({ status: 'completed', limit: 100 }),
  ]);
  const onboarding = await onboardingState(
    db,
    member.organization.id,
    { recent: recentTasks.data, completed: completedTasks.data },
    members.length,
  );
  // The one-click first task goes to Sable, or the first agent who can take it.
  const suggestedAgent =
    team.find((agent) => agent.slug === SUGGESTED_FIRST_TASK.agent && agent.status !== 'paused') ??
    team.find((agent) => agent.status !== 'paused');
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
    office: everyone.filter((agent) => agent.archivedAt === null).map((agent) => officeAgentView(agent, current)),
    feed,
    now: Date.now(),
    canWrite: can(member.role, 'tasks:write'),
    canManageKeys: can(member.role, 'keys:manage'),
    canManageMembers: can(member.role, 'members:manage'),
    canManageCredentials: can(member.role, 'credentials:manage'),
    isDemo: member.organization.isDemo,
    onboarding,
    suggestion: suggestedAgent
      ? { agent: suggestedAgent.slug, agentName: suggestedAgent.name, description: SUGGESTED_FIRST_TASK.description }
      : null,
  };
}

/**
 * "Give a task": the quick form (agent + description) creates the task through the OrgHub.
 * `first-task` is the checklist's one-click suggestion: the same task, answered where it was
 * asked (the checklist), not in the quick form.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  try {
    const hub = hubFor(env, member, 'tasks:write');
    if (intent !== 'give-task' && intent !== 'first-task') return formFailure(intent, 'Unknown action.');
    const parsed = parseNewTask(form, intent);
    if (!parsed.ok) return parsed.failure;
    const { task } = await hub.createTask(parsed.data, null);
    return { ok: true as const, intent, task: { id: task.id, title: task.title, agent: task.agent.name } };
  } catch (error) {
    return failureFromError(error, intent);
  }
}

/** "Sable has a new task: …", linking to it: the answer to giving a task from this page. */
function TaskGiven({
  task,
  base,
  className,
}: {
  task: { id: string; title: string; agent: string };
  base: string;
  className?: string;
}) {
  return (
    <FormAlert
      tone="success"
      className={className}
      message={
        <>
          {task.agent} has a new task:{' '}
          <Link to={`${base}/tasks/${task.id}`} className="font-medium underline">
            {task.title}
          </Link>
        </>
      }
    />
  );
}

function GiveTask({
  team,
  base,
}: {
  team: Array<{ slug: string; name: string; role: string; status: string }>;
  base: string;
}) {
  const actionData = useLiveActionData<typeof action>();
  const result = actionData?.intent === 'give-task' ? actionData : undefined;
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
      {created ? <TaskGiven task={created} base={base} /> : null}
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

const ACCOUNT_ONLY = (
  <>
    Comes with an account:{' '}
    <Link to="/demo/keep" className="font-medium text-accent-ink hover:underline">
      sign up to keep this team
    </Link>
    .
  </>
);

function checklistSteps(args: {
  onboarding: Onboarding;
  base: string;
  isDemo: boolean;
  canWrite: boolean;
  canManageKeys: boolean;
  canManageMembers: boolean;
  canManageCredentials: boolean;
  suggestion: { agent: string; agentName: string; description: string } | null;
}): ChecklistStep[] {
  const { onboarding, base, isDemo, suggestion } = args;
  return [
    {
      title: 'Give your first task',
      done: onboarding.gaveTask,
      description: suggestion
        ? `“${suggestion.description}”`
        : 'Hand work to an agent from the form or the task board.',
      action: args.canWrite && suggestion ? <FirstTaskButton {...suggestion} /> : undefined,
    },
    {
      title: 'Watch it in the office',
      done: onboarding.watchedTask,
      description: 'The agent walks to its desk, works, reports progress and finishes, live.',
      to: '#office-heading',
    },
    {
      title: 'Create an API key',
      done: onboarding.createdKey,
      description: isDemo
        ? ACCOUNT_ONLY
        : args.canManageKeys
          ? 'Give tasks from your own code with POST /v1/tasks.'
          : 'Ask an admin of this organization for a key.',
      to: isDemo ? undefined : args.canManageKeys ? `${base}/settings/keys` : undefined,
    },
    {
      title: 'Invite someone',
      done: onboarding.invited,
      description: isDemo
        ? ACCOUNT_ONLY
        : args.canManageMembers
          ? 'Share an invitation link with a role.'
          : 'See who is on the team; admins can invite.',
      to: isDemo ? undefined : `${base}/settings/members`,
    },
    {
      title: 'Add a model key',
      done: onboarding.addedModelKey,
      description: isDemo
        ? ACCOUNT_ONLY
        : args.canManageCredentials
          ? 'Your Anthropic key turns the simulated agents into real ones.'
          : 'An admin can give the org its own Anthropic key.',
      to: isDemo ? undefined : args.canManageCredentials ? `${base}/settings/model` : undefined,
    },
  ];
}

interface ChecklistStep {
  title: string;
  done: boolean;
  description: ReactNode;
  to?: string;
  action?: ReactNode;
}

/**
 * The first minute, for every org: five steps ticked from real state (core/onboarding.ts). The
 * first task takes one click, with a suggested description.
 */
function Checklist({ steps, base }: { steps: ChecklistStep[]; base: string }) {
  const done = steps.filter((step) => step.done).length;
  const { result } = useFirstTask();
  const given = result?.ok ? result.task : null;
  return (
    <Card as="section" aria-labelledby="checklist-heading" className="h-fit">
      <div className="border-b border-line px-5 py-4">
        <h2 id="checklist-heading" className="text-base font-semibold text-ink">
          Get started
        </h2>
        <p className="text-sm text-ink-muted">
          {done} of {steps.length} done
        </p>
      </div>
      {given ? <TaskGiven task={given} base={base} className="mx-4 mt-4" /> : null}
      <ol aria-labelledby="checklist-heading" className="p-2">
        {steps.map((step) => (
          <li key={step.title} className="flex items-start gap-3 px-3 py-3">
            <span
              className={`mt-0.5 inline-flex size-6 shrink-0 items-center justify-center rounded-full ring-1 ring-inset ${
                step.done ? 'bg-emerald-600 text-white ring-emerald-600' : 'bg-card text-ink-faint ring-line-strong'
              }`}
            >
              {step.done ? <Icon name="check" className="size-3.5" /> : null}
            </span>
            <span className="min-w-0 flex-1">
              <span className="block text-sm font-medium text-ink">
                {step.to && !step.done ? (
                  <Link to={step.to} className="rounded hover:text-accent-ink hover:underline">
                    {step.title}
                  </Link>
                ) : (
                  step.title
                )}
                <span className="sr-only">{step.done ? ' (done)' : ' (to do)'}</span>
              </span>
              <span className="mt-0.5 block text-sm text-ink-muted">{step.description}</span>
              {step.action && !step.done ? <span className="mt-2 block">{step.action}</span> : null}
            </span>
          </li>
        ))}
      </ol>
    </Card>
  );
}

/** "Give a first task" in one click: the suggested task, sent like the quick form. */
function FirstTaskButton({ agent, agentName, description }: { agent: string; agentName: string; description: string }) {
  const { fetcher, result } = useFirstTask();
  const failure = result && !result.ok ? result : null;
  const sending = fetcher.state !== 'idle';
  return (
    <fetcher.Form method="post" className="space-y-2">
      <FormAlert message={failure?.formError ?? Object.values(failure?.fieldErrors ?? {})[0]} />
      <input type="hidden" name="intent" value="first-task" />
      <input type="hidden" name="agent" value={agent} />
      <input type="hidden" name="description" value={description} />
      <SubmitButton pending={sending} pendingLabel="Sending…" size="sm">
        <Icon name="send" className="size-4" />
        Give {agentName} a first task
      </SubmitButton>
    </fetcher.Form>
  );
}

/**
 * The first task is given in place (a fetcher: no navigation, and the answer shows in the
 * checklist, whose next step links to the office). Without JavaScript it is a plain form post,
 * answered as the page's action data.
 */
function useFirstTask() {
  const fetcher = useFetcher<typeof action>({ key: 'first-task' });
  const actionData = useLiveActionData<typeof action>();
  const result = fetcher.data ?? (actionData?.intent === 'first-task' ? actionData : undefined);
  return { fetcher, result };
}

export default function Overview() {
  const {
    org,
    firstName,
    team,
    office,
    feed,
    now,
    canWrite,
    canManageKeys,
    canManageMembers,
    canManageCredentials,
    isDemo,
    onboarding,
    suggestion,
  } = useLoaderData<typeof loader>();
  useLiveRevalidation();
  const live = useLive();
  const navigate = useNavigate();

  const working = team.filter((agent) => agent.status === 'working').length;
  const base = `/orgs/${org.slug}`;
  const steps = checklistSteps({
    onboarding,
    base,
    isDemo,
    canWrite,
    canManageKeys,
    canManageMembers,
    canManageCredentials,
    suggestion,
  });

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
          {steps.every((step) => step.done) ? null : <Checklist steps={steps} base={base} />}
        </div>
      </div>
    </div>
  );
}
