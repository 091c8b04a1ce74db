import { Markdown } from '../../components/Markdown';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import type { TaskChange } from '../../../core/events';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useRef } from 'react';
import type { ActivityEntry } from '../../../core/activity-feed';
import { getDb } from '../../../core/db/client';
import { TASK_PRIORITIES, type TaskStatus } from '../../../core/vocabulary';
import { FIELD_LIMITS } from '../../../core/field-limits';
import { listMembers } from '../../../core/members';
import { can, requirePermission } from '../../../core/permissions';
import type { TaskSummary } from '../../../core/task-reads';
import { AgentAvatar } from '../../components/AgentAvatar';
import { Announcer } from '../../components/Announcer';
import { Card } from '../../components/Card';
import {
  FormAlert,
  SelectField,
  SubmitButton,
  TextAreaField,
  TextField,
  useFocusFirstError,
  useIsSubmitting,
} from '../../components/Form';
import { Icon } from '../../components/Icon';
import { Panel } from '../../components/PageHeader';
import { RunCard, type RunSummary } from '../../components/RunTrace';
import {
  PriorityBadge,
  ProgressBar,
  SimulatedBadge,
  TaskStatusBadge,
  taskStatusLabel,
} from '../../components/StatusBadge';
import { formatDateTime, formatDuration, formatNumber, isoDateTime, relativeTime, toMs } from '../../lib/format';
import { failureFromError, formFailure, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { hubFor, orNotFound } from '../../lib/org.server';
import { requireOrgMember } from '../../lib/session.server';
import { parseTaskPatch } from '../../lib/task-form.server';
import { useLiveRunSteps } from '../../lib/live-steps';
import { useLiveActionData, useLiveRevalidation } from '../../lib/use-live-data';
import { WaitingReasonBadge } from '../../components/WaitingReasonBadge';

/** A missing task, agent or thread answers inside the dashboard. */
export { OrgPageError as ErrorBoundary } from '../../components/OrgPageError';

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageMeta({
    title: `${data?.task.title ?? 'Task'} · Generic Corp`,
    description: 'A task, its runs and their traces.',
    noIndex: true,
  });

type Tone = 'neutral' | 'start' | 'success' | 'danger' | 'warning';
interface TimelineItem {
  id: string;
  at: number;
  label: string;
  tone: Tone;
  note: string | null;
}

function describeStep(
  entry: ActivityEntry,
  who: (entry: ActivityEntry) => string,
  attemptOf: Map<string, number>,
): Omit<TimelineItem, 'id' | 'at'> {
  const task = (entry.data.task ?? {}) as {
    status?: TaskStatus;
    progress?: number;
    error?: string | null;
    parent_id?: string | null;
  };
  const runId = typeof entry.data.run_id === 'string' ? entry.data.run_id : null;
  if (entry.type === 'task.created') {
    return {
      label: entry.actor.type === 'agent' && task.parent_id ? `Delegated by ${who(entry)}` : `Created by ${who(entry)}`,
      tone: 'neutral',
      note: null,
    };
  }
  switch (entry.data.change as TaskChange) {
    case 'queued':
      return { label: 'Queued for an agent', tone: 'neutral', note: null };
    case 'started':
      return {
        label: `Started${runId && attemptOf.has(runId) ? ` (attempt ${attemptOf.get(runId)})` : ''}`,
        tone: 'start',
        note: null,
      };
    case 'progress':
      return {
        label: `Progress ${task.progress ?? 0}%`,
        tone: 'neutral',
        note: typeof entry.data.note === 'string' ? entry.data.note : null,
      };
    case 'finished':
      if (task.status === 'completed') return { label: 'Completed', tone: 'success', note: null };
      if (task.status === 'failed') return { label: 'Failed', tone: 'danger', note: task.error ?? null };
      if (task.status === 'blocked') return { label: 'Blocked', tone: 'warning', note: task.error ?? null };
      if (task.status === 'awaiting_approval') return { label: 'Awaiting approval', tone: 'warning', note: null };
      if (task.status === 'cancelled') return { label: 'Run stopped', tone: 'neutral', note: null };
      return { label: 'Run finished', tone: 'neutral', note: null };
    case 'waiting_on_delegation':
      return { label: 'Waiting on delegated work', tone: 'neutral', note: null };
    case 'retry_scheduled':
      return { label: 'Run failed; a retry is scheduled', tone: 'warning', note: task.error ?? null };
    case 'cancelled':
      return { label: `Cancelled by ${who(entry)}`, tone: 'neutral', note: null };
    case 'retried':
      return { label: `Retried by ${who(entry)}`, tone: 'start', note: null };
    case 'edited':
      return { label: `Edited by ${who(entry)}`, tone: 'neutral', note: null };
    case 'blocked':
      return { label: 'Blocked', tone: 'warning', note: task.error ?? null };
    case 'unblocked':
      return { label: 'Unblocked', tone: 'neutral', note: null };
    case 'waiting_on_quota':
      return { label: 'Waiting: the period’s agent-minutes are used up', tone: 'warning', note: null };
    case 'quota_released':
      return { label: 'Agent-minutes available again', tone: 'neutral', note: null };
    case 'dead_lettered':
      return { label: 'Failed: the run could not be delivered', tone: 'danger', note: null };
    default:
      return { label: 'Updated', tone: 'neutral', note: null };
  }
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  requirePermission(member.role, 'tasks:read');
  const hub = hubFor(env, member);
  const task = await orNotFound(hub.read.taskDetail(params.id ?? ''));
  const [dependents, parents, activity, traces, agentRows, members, openTasks] = await Promise.all([
    hub.read.taskSummaries(task.dependents),
    task.parent_id ? hub.read.taskSummaries([task.parent_id]) : Promise.resolve([] as TaskSummary[]),
    hub.read.taskActivity(task.id),
    hub.read.runTraces(task.runs.map((run) => run.id)),
    hub.read.agents({ includeArchived: true }),
    listMembers(getDb(env), member.ctx),
    hub.read.openTasks(100),
  ]);
  const agentById = new Map(agentRows.map((agent) => [agent.id, agent]));
  const userName = new Map(members.map((m) => [m.user_id, m.name]));
  const who = ({ actor }: { actor: { type: string; id: string | null } }) => {
    if (actor.type === 'user' && actor.id)
      return actor.id === member.user.id ? 'you' : (userName.get(actor.id) ?? 'a teammate');
    if (actor.type === 'agent' && actor.id) return agentById.get(actor.id)?.name ?? 'an agent';
    if (actor.type === 'api_key') return 'an API key';
    if (actor.type === 'schedule') return 'a schedule';
    return 'the system';
  };
  const attemptOf = new Map(task.runs.map((run) => [run.id, run.attempt]));
  let timeline: TimelineItem[] = activity.map((entry) => ({
    id: entry.id,
    at: entry.createdAt,
    ...describeStep(entry, who, attemptOf),
  }));
  if (timeline.length === 0) {
    // Tasks from before the activity log: the timestamps tell the same story, coarser.
    const stamps: Array<[string | null, string, Tone]> = [
      [task.created_at, 'Created', 'neutral'],
      [task.queued_at, 'Queued', 'neutral'],
      [task.started_at, 'Started', 'start'],
      [
        task.completed_at,
        task.status === 'completed' ? 'Completed' : `Ended (${task.status})`,
        task.status === 'completed' ? 'success' : 'neutral',
      ],
    ];
    timeline = stamps
      .filter(([at]) => at)
      .map(([at, label, tone]) => ({ id: label, at: Date.parse(at!), label, tone, note: null }));
  }

  const agent = agentById.get(task.agent.id);
  const runs: RunSummary[] = task.runs.map((run) => {
    const started = toMs(run.started_at);
    const ended = toMs(run.ended_at);
    return {
      id: run.id,
      attempt: run.attempt,
      provider: run.provider,
      simulated: run.simulated,
      model: run.model,
      outcome: run.outcome,
      turns: run.turns,
      inputTokens: run.usage.input_tokens,
      outputTokens: run.usage.output_tokens,
      durationMs: ended !== null && started !== null ? run.usage.agent_ms || ended - started : null,
      startedAt: started,
      error: run.error,
      steps: (traces[run.id] ?? []).map((step) => ({
        seq: step.seq,
        type: step.type,
        toolName: step.toolName,
        content: step.content,
      })),
    };
  });
  const colorOf = (id: string) => agentById.get(id)?.avatarColor ?? '#64748b';
  const summary = (t: {
    id: string;
    title: string;
    status: TaskStatus;
    agent: { id: string; slug: string; name: string };
  }) => ({
    id: t.id,
    title: t.title,
    status: t.status,
    agent: { slug: t.agent.slug, name: t.agent.name, color: colorOf(t.agent.id) },
  });
  const childIds = new Set(task.children.map((child) => child.id));
  // What the task may depend on when edited: its current dependencies, then other open tasks.
  const dependencyOptions = [
    ...task.dependencies.map((dep) => ({
      id: dep.id,
      title: dep.title,
      status: dep.status,
      agentName: dep.agent.name,
      checked: true,
    })),
    ...openTasks
      .filter((open) => open.id !== task.id && !task.depends_on.includes(open.id))
      .map((open) => ({
        id: open.id,
        title: open.title,
        status: open.status,
        agentName: open.agent.name,
        checked: false,
      })),
  ];

  return {
    slug: member.organization.slug,
    now: Date.now(),
    canWrite: can(member.role, 'tasks:write'),
    task: {
      id: task.id,
      title: task.title,
      description: task.description,
      status: task.status,
      waitingReason: task.waiting_reason,
      priority: task.priority,
      progress: task.progress,
      result: task.result,
      error: task.error,
      attempts: task.attempts,
      maxAttempts: task.max_attempts,
      createdAt: toMs(task.created_at)!,
      startedAt: toMs(task.started_at),
      completedAt: toMs(task.completed_at),
      scheduledFor: toMs(task.scheduled_for),
      createdBy: who({ actor: { type: task.creator.type, id: task.creator.id } }),
      agent: {
        slug: task.agent.slug,
        name: task.agent.name,
        color: agent?.avatarColor ?? '#64748b',
        role: agent?.role ?? '',
        archived: agent?.archivedAt != null,
      },
      usage: {
        agentMs: task.usage.agent_ms,
        inputTokens: task.usage.input_tokens,
        outputTokens: task.usage.output_tokens,
      },
      simulated: runs.some((run) => run.simulated),
    },
    dependsOn: task.dependencies.map((dep) => ({
      ...summary(dep),
      delegated: childIds.has(dep.id),
      result: dep.result,
    })),
    dependents: dependents.map(summary),
    parent: parents[0] ? summary(parents[0]) : null,
    children: task.children.map(summary),
    timeline,
    runs,
    dependencyOptions,
  };
}

/** An action that worked: its notice, and the status the task was left in (the notice shows while it lasts). */
const done = (intent: string, status: string, message: string) => ({ ok: true as const, intent, status, message });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  const id = params.id ?? '';
  try {
    const hub = hubFor(env, member, 'tasks:write');
    if (intent === 'cancel') {
      const { status } = await hub.cancelTask(id);
      return done(intent, status, 'Cancelled. Dependent tasks are blocked until you retry it.');
    }
    if (intent === 'retry') {
      const { status } = await hub.retryTask(id);
      return done(intent, status, 'Queued again: a new attempt starts when an agent is free.');
    }
    if (intent === 'edit' || intent === 'priority') {
      const parsed = parseTaskPatch(
        form,
        intent,
        intent === 'edit' ? ['title', 'description', 'priority', 'depends_on'] : ['priority'],
      );
      if (!parsed.ok) return parsed.failure;
      const { status } = await hub.updateTask(id, parsed.data);
      return done(intent, status, intent === 'edit' ? 'Saved.' : 'Priority changed.');
    }
    return formFailure(intent, 'Unknown action.');
  } catch (error) {
    return failureFromError(error, intent);
  }
}

const TONE_DOT: Record<Tone, string> = {
  neutral: 'bg-slate-300 dark:bg-slate-600',
  start: 'bg-sky-500',
  success: 'bg-emerald-500',
  danger: 'bg-red-500',
  warning: 'bg-amber-500',
};

type Summary = { id: string; title: string; status: TaskStatus; agent: { slug: string; name: string; color: string } };

function TaskLinkList({
  items,
  base,
  empty,
  label,
  delegatedIds,
}: {
  items: Summary[];
  base: string;
  empty: string;
  label: string;
  delegatedIds?: Set<string>;
}) {
  if (items.length === 0) return <p className="text-sm text-ink-faint">{empty}</p>;
  return (
    <ul aria-label={label} className="space-y-2">
      {items.map((item) => (
        <li key={item.id} className="flex items-start gap-2.5 rounded-lg border border-line px-3 py-2">
          <span
            aria-hidden="true"
            className="mt-1 size-4 shrink-0 rounded-full"
            style={{ backgroundColor: item.agent.color }}
          />
          <div className="min-w-0 flex-1">
            <Link
              to={`${base}/tasks/${item.id}`}
              className="block truncate text-sm font-medium text-ink hover:text-accent-ink hover:underline"
            >
              {item.title}
            </Link>
            <p className="mt-0.5 flex flex-wrap items-center gap-x-2 text-xs text-ink-muted">
              <span>{item.agent.name}</span>
              <TaskStatusBadge status={item.status} />
              {delegatedIds?.has(item.id) ? <span className="text-ink-faint">· delegated</span> : null}
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}

export default function TaskDetail() {
  const { slug, now, canWrite, task, dependsOn, dependents, parent, children, timeline, dependencyOptions, ...data } =
    useLoaderData<typeof loader>();
  const runs = useLiveRunSteps(task.id, data.runs);
  const result = useLiveActionData<typeof action>();
  useLiveRevalidation();
  const base = `/orgs/${slug}`;
  const editRef = useRef<HTMLFormElement>(null);
  const editFailure =
    result && !result.ok && (result.intent === 'edit' || result.intent === 'priority') ? result : null;
  useFocusFirstError(editRef, editFailure ? result : null);
  const cancelling = useIsSubmitting('cancel');
  const retrying = useIsSubmitting('retry');
  const savingEdit = useIsSubmitting('edit');
  const savingPriority = useIsSubmitting('priority');
  const saving = savingEdit || savingPriority;
  const final = task.status === 'completed' || task.status === 'failed' || task.status === 'cancelled';
  const editable = task.status === 'pending' || task.status === 'blocked';
  const canCancel = canWrite && !final;
  const canRetry = canWrite && (task.status === 'failed' || task.status === 'cancelled');
  const actionFailure =
    result && !result.ok && (result.intent === 'cancel' || result.intent === 'retry') ? result.formError : null;
  // A notice speaks of the status the action left: once the task moves on (the retried task
  // starts, say), it would be stale.
  const notice = result?.ok && result.status === task.status ? result.message : null;
  const delegatedIds = new Set(dependsOn.filter((dep) => dep.delegated).map((dep) => dep.id));

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb">
        <Link
          to={`${base}/tasks`}
          className="inline-flex items-center gap-1.5 rounded text-sm font-medium text-ink-muted hover:text-ink"
        >
          <Icon name="arrowLeft" className="size-4" />
          All tasks
        </Link>
      </nav>

      <header className="space-y-4">
        <Announcer
          value={task.status}
          message={(status) => `“${task.title}” is ${taskStatusLabel(status).toLowerCase()}.`}
        />
        <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <TaskStatusBadge status={task.status} />
              <WaitingReasonBadge reason={task.waitingReason} slug={slug} />
              <PriorityBadge priority={task.priority} />
              {task.simulated ? <SimulatedBadge long /> : null}
            </div>
            <h1 className="mt-2 text-2xl font-semibold tracking-tight break-words text-ink sm:text-[28px]">
              {task.title}
            </h1>
            <p className="mt-2 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-ink-muted">
              <Link
                to={`${base}/agents/${task.agent.slug}`}
                className="inline-flex items-center gap-2 rounded font-medium text-ink hover:text-accent-ink"
              >
                <AgentAvatar name={task.agent.name} color={task.agent.color} size="sm" />
                {task.agent.name}
              </Link>
              {task.agent.role ? <span className="text-ink-faint">{task.agent.role}</span> : null}
              <span aria-hidden="true">·</span>
              <span>
                Created by {task.createdBy}{' '}
                <time dateTime={isoDateTime(task.createdAt)} title={formatDateTime(task.createdAt)}>
                  {relativeTime(task.createdAt, now)}
                </time>
              </span>
            </p>
          </div>
          {canCancel || canRetry ? (
            <div className="flex shrink-0 gap-2">
              {canRetry ? (
                <Form method="post">
                  <SubmitButton name="intent" value="retry" pending={retrying} pendingLabel="Retrying…">
                    <Icon name="retry" className="size-4" />
                    Retry
                  </SubmitButton>
                </Form>
              ) : null}
              {canCancel ? (
                <Form method="post">
                  <SubmitButton
                    name="intent"
                    value="cancel"
                    variant="secondary"
                    pending={cancelling}
                    pendingLabel="Cancelling…"
                  >
                    <Icon name="close" className="size-4" />
                    Cancel task
                  </SubmitButton>
                </Form>
              ) : null}
            </div>
          ) : null}
        </div>
        <div className="flex items-center gap-3">
          <ProgressBar value={task.progress} label="Progress" className="max-w-md" />
          <span className="text-sm text-ink-muted tabular-nums">{task.progress}%</span>
        </div>
        {/* Cancel and Retry replace each other: focus moves to the answer, not to the page. */}
        <FormAlert message={actionFailure} focusFor={actionFailure ? result : null} />
        {notice ? (
          <FormAlert
            tone="success"
            message={notice}
            focusFor={result?.intent === 'cancel' || result?.intent === 'retry' ? result : null}
          />
        ) : null}
      </header>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_320px]">
        <div className="min-w-0 space-y-6">
          <Panel id="description-heading" title="Description">
            <Markdown className="text-sm leading-relaxed text-ink">{task.description}</Markdown>
          </Panel>

          {task.result || task.error ? (
            <section aria-labelledby="outcome-heading" className="space-y-3">
              <h2 id="outcome-heading" className="text-base font-semibold text-ink">
                Outcome
              </h2>
              {task.result ? (
                <div className="rounded-2xl border border-emerald-200 bg-emerald-50/60 px-5 py-4 dark:border-emerald-900 dark:bg-emerald-950/40">
                  <p className="text-xs font-semibold tracking-wide text-emerald-800 uppercase dark:text-emerald-300">
                    Result
                  </p>
                  <Markdown className="mt-1.5 text-sm leading-relaxed text-ink">{task.result}</Markdown>
                </div>
              ) : null}
              {task.error && task.status === 'cancelled' ? (
                <div className="rounded-2xl border border-line bg-page-alt px-5 py-4">
                  <p className="text-xs font-semibold tracking-wide text-ink-muted uppercase">Cancelled</p>
                  <p className="mt-1.5 text-sm leading-relaxed text-ink">{task.error}</p>
                </div>
              ) : task.error ? (
                <div className="rounded-2xl border border-red-200 bg-red-50/70 px-5 py-4 dark:border-red-900 dark:bg-red-950/40">
                  <p className="text-xs font-semibold tracking-wide text-red-800 uppercase dark:text-red-300">
                    {task.status === 'blocked' ? 'Why it is blocked' : 'Error'}
                  </p>
                  <p className="mt-1.5 text-sm leading-relaxed whitespace-pre-wrap text-ink">{task.error}</p>
                </div>
              ) : null}
            </section>
          ) : null}

          <section aria-labelledby="runs-heading" className="space-y-3">
            <div className="flex items-baseline justify-between gap-3">
              <h2 id="runs-heading" className="text-base font-semibold text-ink">
                Runs
              </h2>
              <p className="text-xs text-ink-faint">
                Attempt {task.attempts} of {task.maxAttempts}
              </p>
            </div>
            {runs.length === 0 ? (
              <p className="rounded-2xl border border-dashed border-line-strong bg-card px-5 py-6 text-center text-sm text-ink-muted">
                {final
                  ? 'This task ended before any run.'
                  : 'No run yet: the task starts when its dependencies are done and an agent is free.'}
              </p>
            ) : (
              <div className="space-y-3">
                {runs.map((run, index) => (
                  <RunCard key={run.id} run={run} open={index === runs.length - 1} />
                ))}
              </div>
            )}
          </section>

          {canWrite && !final ? (
            <Panel
              id="edit-heading"
              title={editable ? 'Edit task' : 'Priority'}
              description={
                editable
                  ? 'Title, description, dependencies and priority can change until the task starts.'
                  : 'The task has started: only its priority can change now.'
              }
            >
              <Form ref={editRef} method="post" noValidate className="space-y-4">
                <FormAlert message={editFailure?.formError} />
                {editable ? (
                  <>
                    <TextField
                      label="Title"
                      name="title"
                      maxLength={FIELD_LIMITS.task.title}
                      defaultValue={task.title}
                      error={editFailure?.fieldErrors.title}
                      key={`title-${task.title}`}
                    />
                    <TextAreaField
                      label="Description"
                      name="description"
                      rows={4}
                      defaultValue={task.description}
                      error={editFailure?.fieldErrors.description}
                      key={`description-${task.description}`}
                    />
                  </>
                ) : null}
                {editable ? (
                  <fieldset key={`deps-${dependsOn.map((dep) => dep.id).join(',')}`}>
                    <input type="hidden" name="depends_on_shown" value="1" />
                    <legend className="text-sm font-medium text-ink">Depends on</legend>
                    <p className="mt-1 text-xs text-ink-faint">
                      It starts only when all of these have completed. A task cannot end up waiting on itself.
                    </p>
                    {dependencyOptions.length === 0 ? (
                      <p className="mt-2 text-sm text-ink-faint">No other open tasks.</p>
                    ) : (
                      <ul className="mt-2 max-h-44 space-y-1 overflow-y-auto rounded-lg border border-line-strong p-2">
                        {dependencyOptions.map((option) => (
                          <li key={option.id}>
                            <label className="flex cursor-pointer items-start gap-2.5 rounded-md px-2 py-1.5 text-sm hover:bg-page-alt">
                              <input
                                type="checkbox"
                                name="depends_on"
                                value={option.id}
                                defaultChecked={option.checked}
                                className="mt-0.5 size-4 shrink-0 rounded border-line-strong accent-brand-600"
                              />
                              <span className="min-w-0">
                                <span className="block truncate text-ink">{option.title}</span>
                                <span className="block text-xs text-ink-faint">
                                  {option.agentName} · {taskStatusLabel(option.status)}
                                </span>
                              </span>
                            </label>
                          </li>
                        ))}
                      </ul>
                    )}
                    {editFailure?.fieldErrors.depends_on ? (
                      <p className="mt-1.5 text-sm text-red-600 dark:text-red-400">
                        {editFailure.fieldErrors.depends_on}
                      </p>
                    ) : null}
                  </fieldset>
                ) : null}
                <SelectField
                  label="Priority"
                  name="priority"
                  defaultValue={task.priority}
                  key={`priority-${task.priority}`}
                  error={editFailure?.fieldErrors.priority}
                  className="sm:max-w-xs"
                >
                  {[...TASK_PRIORITIES].reverse().map((priority) => (
                    <option key={priority} value={priority}>
                      {priority.charAt(0).toUpperCase() + priority.slice(1)}
                    </option>
                  ))}
                </SelectField>
                <div className="flex justify-end">
                  <SubmitButton
                    name="intent"
                    value={editable ? 'edit' : 'priority'}
                    pending={saving}
                    pendingLabel="Saving…"
                  >
                    Save changes
                  </SubmitButton>
                </div>
              </Form>
            </Panel>
          ) : null}
        </div>

        <aside className="space-y-6">
          <Card as="section" className="p-5">
            <h2 className="text-sm font-semibold text-ink">Details</h2>
            <dl className="mt-3 space-y-2.5 text-sm">
              {[
                ['Started', task.startedAt ? formatDateTime(task.startedAt) : '—'],
                ['Ended', task.completedAt ? formatDateTime(task.completedAt) : '—'],
                ...(task.scheduledFor && task.status === 'pending'
                  ? [[task.attempts > 0 ? 'Next attempt' : 'Starts at', formatDateTime(task.scheduledFor)]]
                  : []),
                ['Agent time', runs.length ? formatDuration(task.usage.agentMs) : '—'],
                [
                  'Tokens in / out',
                  runs.length
                    ? `${formatNumber(task.usage.inputTokens)} / ${formatNumber(task.usage.outputTokens)}`
                    : '—',
                ],
                ['Task id', task.id],
              ].map(([label, value]) => (
                <div key={label} className="flex justify-between gap-3">
                  <dt className="text-ink-faint">{label}</dt>
                  <dd
                    className={`text-right text-ink-muted ${label === 'Task id' ? 'font-mono text-xs break-all' : ''}`}
                  >
                    {value}
                  </dd>
                </div>
              ))}
            </dl>
          </Card>

          <Card as="section" className="p-5">
            <h2 id="timeline-heading" className="text-sm font-semibold text-ink">
              Timeline
            </h2>
            <ol aria-labelledby="timeline-heading" className="mt-4 space-y-3 border-l border-line">
              {timeline.map((item) => (
                <li key={item.id} className="relative -ml-[5px] pl-5">
                  <span
                    aria-hidden="true"
                    className={`absolute top-1.5 left-0 size-2.5 rounded-full ring-4 ring-card ${TONE_DOT[item.tone]}`}
                  />
                  <p className="text-sm text-ink">{item.label}</p>
                  {item.note ? <p className="text-xs text-ink-muted">{item.note}</p> : null}
                  <time
                    dateTime={isoDateTime(item.at)}
                    title={formatDateTime(item.at)}
                    className="text-xs text-ink-faint"
                  >
                    {relativeTime(item.at, now)}
                  </time>
                </li>
              ))}
            </ol>
          </Card>

          <Card as="section" className="space-y-4 p-5">
            <div>
              <h2 className="text-sm font-semibold text-ink">Depends on</h2>
              <div className="mt-2">
                <TaskLinkList
                  items={dependsOn}
                  base={base}
                  empty="No dependencies: it can start right away."
                  label="Depends on"
                  delegatedIds={delegatedIds}
                />
              </div>
            </div>
            <div>
              <h2 className="text-sm font-semibold text-ink">Needed by</h2>
              <div className="mt-2">
                <TaskLinkList items={dependents} base={base} empty="No task waits for this one." label="Needed by" />
              </div>
            </div>
          </Card>

          <Card as="section" className="space-y-4 p-5">
            <div>
              <h2 className="text-sm font-semibold text-ink">Delegated from</h2>
              <div className="mt-2">
                <TaskLinkList
                  items={parent ? [parent] : []}
                  base={base}
                  empty="Given directly, not delegated."
                  label="Delegated from"
                />
              </div>
            </div>
            <div>
              <h2 className="text-sm font-semibold text-ink">Delegated to</h2>
              <div className="mt-2">
                <TaskLinkList items={children} base={base} empty="No delegated tasks." label="Delegated tasks" />
              </div>
            </div>
          </Card>
        </aside>
      </div>
    </div>
  );
}
