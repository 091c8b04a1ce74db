import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, useFetcher, useLoaderData } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { TASK_PRIORITIES } from '../../../core/vocabulary';
import { fieldIssues } from '../../../core/errors';
import { FIELD_LIMITS } from '../../../core/field-limits';
import { can, requirePermission } from '../../../core/permissions';
import { ScheduleInput } from '../../../core/schedules';
import { ConfirmAction } from '../../components/ConfirmAction';
import {
  FormAlert,
  SelectField,
  SubmitButton,
  TextAreaField,
  TextField,
  focusFirstProblem,
  useIsSubmitting,
} from '../../components/Form';
import { Icon } from '../../components/Icon';
import { EmptyState, PageHeader, Panel } from '../../components/PageHeader';
import { PriorityBadge } from '../../components/StatusBadge';
import { formatDateTime, isoDateTime, relativeTime } from '../../lib/format';
import { failureFromError, formFailure, optionalText, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { hubFor } from '../../lib/org.server';
import { requireOrgMember } from '../../lib/session.server';
import { useLiveActionData, useLiveRevalidation } from '../../lib/use-live-data';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Schedules · Generic Corp', description: 'Recurring tasks for your agents.', noIndex: true });

/** IANA zones from the runtime's ICU, UTC first; computed on the server so both renders agree. */
function timeZones(): string[] {
  let zones: string[] = [];
  try {
    zones =
      (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  if (zones.length === 0)
    zones = [
      'America/New_York',
      'America/Los_Angeles',
      'Europe/London',
      'Europe/Paris',
      'Asia/Tokyo',
      'Australia/Sydney',
    ];
  return ['UTC', ...zones.filter((zone) => zone !== 'UTC')];
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  requirePermission(member.role, 'tasks:read');
  const hub = hubFor(env, member);
  const [rows, agents] = await Promise.all([hub.read.schedules(), hub.read.agents({ includeArchived: true })]);
  const agentById = new Map(agents.map((agent) => [agent.id, agent]));
  return {
    now: Date.now(),
    canWrite: can(member.role, 'tasks:write'),
    timeZones: timeZones(),
    agents: agents
      .filter((agent) => agent.archivedAt === null)
      .map((agent) => ({ slug: agent.slug, name: agent.name, role: agent.role })),
    schedules: rows.map((row) => {
      const agent = agentById.get(row.taskTemplate.agentId);
      return {
        id: row.id,
        name: row.name,
        cron: row.cron,
        timezone: row.timezone,
        enabled: row.enabled,
        nextRunAt: row.nextRunAt,
        lastRunAt: row.lastRunAt,
        failureCount: row.failureCount,
        lastError: row.lastError,
        task: {
          title: row.taskTemplate.title,
          description: row.taskTemplate.description,
          priority: row.taskTemplate.priority,
        },
        agent: agent ? { name: agent.name, color: agent.avatarColor } : { name: 'Unknown agent', color: '#64748b' },
      };
    }),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  try {
    const hub = hubFor(env, member, 'tasks:write');
    if (intent === 'create') {
      const values = {
        name: text(form, 'name'),
        cron: text(form, 'cron'),
        timezone: text(form, 'timezone') || 'UTC',
        task: {
          agent: text(form, 'agent'),
          description: text(form, 'description'),
          ...(optionalText(form, 'title') ? { title: text(form, 'title') } : {}),
          priority: text(form, 'priority') || 'normal',
        },
      };
      const parsed = ScheduleInput.safeParse(values);
      if (!parsed.success) {
        // The template's fields are nested (`task.description`); the form shows them flat.
        const fieldErrors: Record<string, string> = {};
        for (const issue of fieldIssues(parsed.error.issues))
          fieldErrors[issue.field.replace(/^task\./, '')] ??= issue.message;
        return { ...formFailure(intent, 'Please correct the highlighted fields.', fieldErrors), values };
      }
      const schedule = await hub.createSchedule(parsed.data);
      return {
        ok: true as const,
        intent,
        created: schedule.id,
        message: `“${schedule.name}” is scheduled. Its next run is listed below.`,
      };
    }
    if (intent === 'toggle') {
      const enabled = text(form, 'enabled') === 'true';
      await hub.updateSchedule(text(form, 'scheduleId'), { enabled });
      return { ok: true as const, intent, message: null };
    }
    if (intent === 'delete') {
      await hub.deleteSchedule(text(form, 'scheduleId'));
      return { ok: true as const, intent, message: 'Schedule deleted. Tasks it already created are kept.' };
    }
    return formFailure(intent, 'Unknown action.');
  } catch (error) {
    const failure = failureFromError(error, intent);
    // A core error about the template names `task.agent`; show it on the agent field.
    if (failure.fieldErrors.task && !failure.fieldErrors.agent) failure.fieldErrors.agent = failure.fieldErrors.task;
    return failure;
  }
}

function EnabledSwitch({ id, name, enabled }: { id: string; name: string; enabled: boolean }) {
  const fetcher = useFetcher<{ ok: boolean; formError?: string | null }>({ key: `schedule-${id}` });
  const pending = fetcher.formData?.get('enabled');
  const on = typeof pending === 'string' ? pending === 'true' : enabled;
  return (
    <fetcher.Form method="post" className="flex items-center gap-2">
      <input type="hidden" name="intent" value="toggle" />
      <input type="hidden" name="scheduleId" value={id} />
      <input type="hidden" name="enabled" value={on ? 'false' : 'true'} />
      <button
        type="submit"
        role="switch"
        aria-checked={on}
        aria-label={`${name} enabled`}
        className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors ${on ? 'bg-brand-600' : 'bg-slate-300 dark:bg-slate-600'}`}
      >
        <span
          aria-hidden="true"
          className={`inline-block size-5 rounded-full bg-white shadow transition-transform ${on ? 'translate-x-5' : 'translate-x-0.5'}`}
        />
      </button>
      <span className="text-xs text-ink-muted">{on ? 'On' : 'Off'}</span>
      {fetcher.data && !fetcher.data.ok && fetcher.state === 'idle' ? (
        <span role="alert" className="text-xs text-red-600 dark:text-red-400">
          {fetcher.data.formError}
        </span>
      ) : null}
    </fetcher.Form>
  );
}

export default function Schedules() {
  const { now, canWrite, timeZones, agents, schedules } = useLoaderData<typeof loader>();
  const result = useLiveActionData<typeof action>();
  useLiveRevalidation();
  const formRef = useRef<HTMLFormElement>(null);
  const creating = useIsSubmitting('create');
  const deleting = useIsSubmitting('delete');
  const createFailure = result && !result.ok && result.intent === 'create' ? result : null;
  const previous = createFailure && 'values' in createFailure ? createFailure.values : null;
  const notice = result?.ok ? result.message : null;
  const deleteFailure = result && !result.ok && result.intent === 'delete' ? result.formError : null;

  // A new form after each schedule created: a reset would bring back what a failed attempt had
  // put in the fields (React leaves a textarea's default as it first rendered it).
  const formKey = result?.ok && 'created' in result ? result.created : 'new';

  useEffect(() => {
    if (createFailure) focusFirstProblem(formRef.current);
  }, [createFailure]);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Schedules"
        description="Recurring work: on each tick of the cron expression, the agent gets a new task from the template."
      />
      {notice ? <FormAlert tone="success" message={notice} /> : null}
      <FormAlert message={deleteFailure} />

      {schedules.length === 0 ? (
        <EmptyState title="No schedules yet" icon={<Icon name="clock" />}>
          <p>
            Have an agent do something every morning, every Monday or every hour
            {canWrite ? ': create a schedule below.' : '. A member of the organization can create one.'}
          </p>
        </EmptyState>
      ) : (
        <section aria-labelledby="schedules-heading" className="rounded-2xl border border-line bg-card shadow-card">
          <h2 id="schedules-heading" className="sr-only">
            Your schedules
          </h2>
          <ul className="divide-y divide-line">
            {schedules.map((schedule) => (
              <li key={schedule.id} className="px-5 py-4 sm:px-6">
                <div className="flex flex-wrap items-start gap-3">
                  <div className="min-w-0 flex-1">
                    <p className="text-sm font-semibold text-ink">{schedule.name}</p>
                    <p className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-ink-muted">
                      <code className="rounded bg-page-alt px-1.5 py-0.5 font-mono text-xs text-ink ring-1 ring-line ring-inset">
                        {schedule.cron}
                      </code>
                      <span className="text-xs">{schedule.timezone}</span>
                      <span aria-hidden="true">·</span>
                      <span className="inline-flex items-center gap-1.5 text-xs">
                        <span
                          aria-hidden="true"
                          className="size-2.5 rounded-full"
                          style={{ backgroundColor: schedule.agent.color }}
                        />
                        {schedule.agent.name}
                      </span>
                      <PriorityBadge priority={schedule.task.priority} />
                    </p>
                    <p className="mt-1.5 line-clamp-2 text-sm text-ink-muted">{schedule.task.description}</p>
                  </div>
                  <div className="flex items-center gap-3">
                    {canWrite ? (
                      <>
                        <EnabledSwitch id={schedule.id} name={schedule.name} enabled={schedule.enabled} />
                        <ConfirmAction
                          label="Delete"
                          accessibleLabel={`Delete ${schedule.name}`}
                          title={`Delete “${schedule.name}”?`}
                          description="No more tasks are created from it. Tasks it already created are kept."
                          confirmLabel="Delete schedule"
                          intent="delete"
                          fields={{ scheduleId: schedule.id }}
                          pending={deleting}
                        />
                      </>
                    ) : (
                      <span className="text-xs text-ink-muted">{schedule.enabled ? 'On' : 'Off'}</span>
                    )}
                  </div>
                </div>
                <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-xs sm:grid-cols-3">
                  <div>
                    <dt className="text-ink-faint">Next run</dt>
                    <dd className="text-ink-muted">
                      {schedule.enabled && schedule.nextRunAt ? (
                        <time dateTime={isoDateTime(schedule.nextRunAt)} title={formatDateTime(schedule.nextRunAt)}>
                          {relativeTime(schedule.nextRunAt, now)}
                        </time>
                      ) : schedule.enabled ? (
                        'Never again'
                      ) : (
                        'Paused'
                      )}
                    </dd>
                  </div>
                  <div>
                    <dt className="text-ink-faint">Last run</dt>
                    <dd className="text-ink-muted">
                      {schedule.lastRunAt ? (
                        <time dateTime={isoDateTime(schedule.lastRunAt)} title={formatDateTime(schedule.lastRunAt)}>
                          {relativeTime(schedule.lastRunAt, now)}
                        </time>
                      ) : (
                        'Not yet'
                      )}
                    </dd>
                  </div>
                  <div>
                    <dt className="text-ink-faint">Failures in a row</dt>
                    <dd
                      className={schedule.failureCount > 0 ? 'text-red-700 dark:text-red-400' : 'text-ink-muted'}
                      title={schedule.lastError ?? undefined}
                    >
                      {schedule.failureCount}
                      {schedule.failureCount > 0 && schedule.lastError ? ` · ${schedule.lastError}` : ''}
                    </dd>
                  </div>
                </dl>
              </li>
            ))}
          </ul>
        </section>
      )}

      {canWrite ? (
        <Panel
          id="new-schedule"
          title="New schedule"
          description="A name, when to run, and the task the agent gets each time."
        >
          <Form key={formKey} ref={formRef} method="post" noValidate className="space-y-5">
            <FormAlert message={createFailure?.formError} />
            <div className="grid gap-5 sm:grid-cols-2">
              <TextField
                label="Name"
                name="name"
                maxLength={FIELD_LIMITS.schedule.name}
                required
                autoComplete="off"
                placeholder="Morning standup notes"
                defaultValue={previous?.name}
                error={createFailure?.fieldErrors.name}
              />
              <SelectField
                label="Agent"
                name="agent"
                defaultValue={previous?.task.agent ?? agents[0]?.slug}
                error={createFailure?.fieldErrors.agent}
              >
                {agents.map((agent) => (
                  <option key={agent.slug} value={agent.slug}>
                    {agent.name} · {agent.role}
                  </option>
                ))}
              </SelectField>
              <TextField
                label="Cron expression"
                name="cron"
                maxLength={FIELD_LIMITS.schedule.cron}
                required
                autoComplete="off"
                spellCheck={false}
                placeholder="0 9 * * 1-5"
                defaultValue={previous?.cron}
                hint={
                  <>
                    Five fields: minute, hour, day of month, month, day of week.{' '}
                    <code className="font-mono">0 9 * * 1-5</code> is 09:00 on weekdays,{' '}
                    <code className="font-mono">*/30 * * * *</code> every half hour.
                  </>
                }
                error={createFailure?.fieldErrors.cron}
              />
              <SelectField
                label="Time zone"
                name="timezone"
                defaultValue={previous?.timezone ?? 'UTC'}
                error={createFailure?.fieldErrors.timezone}
                hint="The cron expression is read in this zone."
              >
                {timeZones.map((zone) => (
                  <option key={zone} value={zone}>
                    {zone.replace(/_/g, ' ')}
                  </option>
                ))}
              </SelectField>
            </div>
            <TextAreaField
              label="Task description"
              name="description"
              rows={3}
              required
              placeholder="Summarise yesterday’s merged PRs and open incidents for the team."
              defaultValue={previous?.task.description}
              error={createFailure?.fieldErrors.description}
            />
            <div className="grid gap-5 sm:grid-cols-2">
              <TextField
                label={
                  <>
                    Task title <span className="font-normal text-ink-faint">(optional)</span>
                  </>
                }
                name="title"
                maxLength={FIELD_LIMITS.task.title}
                autoComplete="off"
                defaultValue={previous?.task.title}
                error={createFailure?.fieldErrors.title}
              />
              <SelectField
                label="Priority"
                name="priority"
                defaultValue={previous?.task.priority ?? 'normal'}
                error={createFailure?.fieldErrors.priority}
              >
                {[...TASK_PRIORITIES].reverse().map((priority) => (
                  <option key={priority} value={priority}>
                    {priority.charAt(0).toUpperCase() + priority.slice(1)}
                  </option>
                ))}
              </SelectField>
            </div>
            <div className="flex justify-end">
              <SubmitButton name="intent" value="create" pending={creating} pendingLabel="Creating…">
                Create schedule
              </SubmitButton>
            </div>
          </Form>
        </Panel>
      ) : null}
    </div>
  );
}
