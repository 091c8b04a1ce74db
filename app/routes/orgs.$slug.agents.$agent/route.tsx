import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useRef } from 'react';
import { AgentPatch, ALL_TOOLS } from '../../../core/agents';
import { SERVER_TOOLS, type ToolPolicy } from '../../../core/vocabulary';
import { ApiError } from '../../../core/errors';
import { FIELD_LIMITS } from '../../../core/field-limits';
import { can, requirePermission } from '../../../core/permissions';
import { AgentAvatar } from '../../components/AgentAvatar';
import { Card } from '../../components/Card';
import { ConfirmAction } from '../../components/ConfirmAction';
import {
  Checkbox,
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
import { PriorityBadge, ProgressBar, SimulatedBadge, StatusBadge, TaskStatusBadge } from '../../components/StatusBadge';
import { parseAgentConfig } from '../../lib/agent-form.server';
import { formatDateTime, formatDuration, formatNumber, isoDateTime, relativeTime } from '../../lib/format';
import { failureFromError, formFailure, parseForm, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { hubFor, orNotFound } from '../../lib/org.server';
import { requireOrgMember } from '../../lib/session.server';
import { useLiveActionData, useLiveRevalidation } from '../../lib/use-live-data';

/** A missing task, agent or thread answers inside the dashboard. */
export { OrgPageError as ErrorBoundary } from '../../components/OrgPageError';

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageMeta({
    title: `${data?.agent.name ?? 'Agent'} · Generic Corp`,
    description: 'An agent: status, work and configuration.',
    noIndex: true,
  });

const TOOL_HINTS: Record<string, string> = {
  update_progress: 'Report progress while working',
  finish_task: 'Always on: every run must end',
  delegate_task: 'Hand part of a task to a teammate',
  send_message: 'Message teammates or people',
  read_messages: 'Read its unread messages',
  list_tasks: 'See the org’s tasks',
  get_task: 'Read a task in full',
  list_agents: 'See the roster',
  remember: 'Keep notes between runs',
  recall: 'Read its notes',
  draft_external: 'Draft outside messages (a person approves)',
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  requirePermission(member.role, 'agents:read');
  const hub = hubFor(env, member);
  const agent = await orNotFound(hub.read.agent(params.agent ?? ''));
  const canManageTools = can(member.role, 'connections:manage');
  const [current, history, usage, roster, catalog] = await Promise.all([
    hub.read.currentTasks([agent.id]).then((rows) => new Map(Object.entries(rows))),
    hub.read.tasks({ agent: agent.id, limit: 15 }),
    hub.read.agentUsage(agent.id),
    hub.read.agents({}),
    hub.toolCatalog(),
  ]);
  const simulated = await hub.read.simulatedTaskIds(history.data.map((task) => task.id)).then((ids) => new Set(ids));
  const manager = agent.managerId ? roster.find((a) => a.id === agent.managerId) : undefined;
  return {
    slug: member.organization.slug,
    now: Date.now(),
    canWrite: can(member.role, 'agents:write'),
    canGiveTasks: can(member.role, 'tasks:write'),
    agent: {
      id: agent.id,
      slug: agent.slug,
      name: agent.name,
      role: agent.role,
      department: agent.department,
      level: agent.level,
      personality: agent.personality,
      model: agent.model,
      status: agent.status,
      managerSlug: manager?.slug ?? null,
      managerName: manager?.name ?? null,
      toolPermissions: agent.toolPermissions,
      toolPolicies: agent.toolPolicies,
      serverTools: agent.serverTools,
      avatarColor: agent.avatarColor,
      desk: { x: agent.deskX, y: agent.deskY },
    },
    currentTask: current.get(agent.id) ?? null,
    reports: roster
      .filter((a) => a.managerId === agent.id)
      .map((a) => ({ slug: a.slug, name: a.name, color: a.avatarColor })),
    history: history.data.map((task) => ({
      id: task.id,
      title: task.title,
      status: task.status,
      priority: task.priority,
      createdAt: Date.parse(task.created_at!),
      agentMs: task.usage.agent_ms,
      simulated: simulated.has(task.id),
    })),
    usage,
    managers: roster.filter((a) => a.id !== agent.id).map((a) => ({ slug: a.slug, name: a.name, role: a.role })),
    tools: [...ALL_TOOLS] as string[],
    canManageTools,
    policyRows: [
      ...ALL_TOOLS.filter((tool) => tool !== 'finish_task').map((tool) => ({
        name: tool,
        kind: 'built-in' as const,
        hint: TOOL_HINTS[tool] ?? '',
        defaultPolicy: 'auto' as ToolPolicy,
      })),
      ...catalog.mcp.map((tool) => ({
        name: tool.name,
        kind: 'mcp' as const,
        hint: `${tool.read_only ? 'Read-only' : 'May write'} · ${tool.description}`,
        defaultPolicy: tool.default_policy as ToolPolicy,
      })),
      ...SERVER_TOOLS.map((tool) => ({
        name: tool,
        kind: 'server' as const,
        hint: tool === 'web_search' ? 'Anthropic web search (billed per search)' : 'Anthropic web fetch',
        defaultPolicy: 'auto' as ToolPolicy,
      })),
    ],
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  const ref = params.agent ?? '';
  try {
    const hub = hubFor(env, member, 'agents:write');
    if (intent === 'update') {
      const parsed = parseAgentConfig(form, intent);
      if (!parsed.ok) return { ...parsed.failure, upgrade: false };
      const agent = await hub.updateAgent(ref, parsed.data);
      // The slug never changes here, but stay on the canonical address.
      return { ok: true as const, intent, message: `Saved ${agent.name}’s configuration.`, upgrade: false };
    }
    if (intent === 'tools') {
      requirePermission(member.role, 'connections:manage');
      const policies: Record<string, ToolPolicy | null> = {};
      for (const [field, value] of form.entries()) {
        if (!field.startsWith('policy:')) continue;
        policies[field.slice('policy:'.length)] = value === '' ? null : (String(value) as ToolPolicy);
      }
      const parsed = parseForm(
        AgentPatch,
        { tool_policies: policies, server_tools: form.getAll('server_tools').map(String) },
        intent,
      );
      if (!parsed.ok) return { ...parsed.failure, upgrade: false };
      const agent = await hub.updateAgent(ref, parsed.data);
      return { ok: true as const, intent, message: `Saved ${agent.name}’s tool policies.`, upgrade: false };
    }
    if (intent === 'pause' || intent === 'resume') {
      const agent = await hub.updateAgent(ref, { status: intent === 'pause' ? 'paused' : 'idle' });
      return {
        ok: true as const,
        intent,
        message:
          intent === 'pause'
            ? `${agent.name} is paused: queued work waits and no new run starts.`
            : `${agent.name} is back at work.`,
        upgrade: false,
      };
    }
    if (intent === 'delete') {
      const agent = await hub.read.agent(ref);
      const { archived } = await hub.deleteAgent(ref);
      throw redirect(
        `/orgs/${member.organization.slug}/agents?${new URLSearchParams({ removed: agent.name, archived: archived ? '1' : '0' })}`,
      );
    }
    return { ...formFailure(intent, 'Unknown action.'), upgrade: false };
  } catch (error) {
    if (error instanceof Response) throw error;
    const upgrade = error instanceof ApiError && error.status === 402;
    return { ...failureFromError(error, intent), upgrade };
  }
}

export default function AgentDetail() {
  const {
    slug,
    now,
    canWrite,
    canGiveTasks,
    agent,
    currentTask,
    reports,
    history,
    usage,
    managers,
    tools,
    canManageTools,
    policyRows,
  } = useLoaderData<typeof loader>();
  const result = useLiveActionData<typeof action>();
  const savingTools = useIsSubmitting('tools');
  const toolsFailure = result && !result.ok && result.intent === 'tools' ? result : null;
  useLiveRevalidation();
  const [searchParams] = useSearchParams();
  const base = `/orgs/${slug}`;
  const configRef = useRef<HTMLFormElement>(null);
  const configFailure = result && !result.ok && result.intent === 'update' ? result : null;
  useFocusFirstError(configRef, configFailure ? result : null);
  const saving = useIsSubmitting('update');
  const toggling = useIsSubmitting(agent.status === 'paused' ? 'resume' : 'pause');
  const deleting = useIsSubmitting('delete');
  const otherFailure = result && !result.ok && result.intent !== 'update' && result.intent !== 'tools' ? result : null;
  // The tool policies' save answers beside its button, far below the page's top.
  const toolsNotice = result?.ok && result.intent === 'tools' ? result.message : null;
  const notice = result?.ok
    ? result.intent === 'tools'
      ? null
      : result.message
    : searchParams.get('created')
      ? `${agent.name} joined the team. Give them a first task from the task board.`
      : null;
  const hasHistory = usage.tasks > 0;
  // Re-mount the form when the saved configuration changes (not on status changes, which
  // happen with every run), so its fields show what is stored without losing typing.
  const { status: _status, ...config } = agent;
  const formKey = JSON.stringify(config);

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb">
        <Link
          to={`${base}/agents`}
          className="inline-flex items-center gap-1.5 rounded text-sm font-medium text-ink-muted hover:text-ink"
        >
          <Icon name="arrowLeft" className="size-4" />
          All agents
        </Link>
      </nav>

      <header className="flex flex-col gap-4 sm:flex-row sm:items-center sm:justify-between">
        <div className="flex min-w-0 items-center gap-4">
          <AgentAvatar name={agent.name} color={agent.avatarColor} size="lg" />
          <div className="min-w-0">
            <h1 className="truncate text-2xl font-semibold tracking-tight text-ink sm:text-[28px]">{agent.name}</h1>
            <p className="mt-0.5 flex flex-wrap items-center gap-x-2 text-sm text-ink-muted">
              <span>{agent.role}</span>
              <span aria-hidden="true">·</span>
              <StatusBadge status={agent.status} />
              <span aria-hidden="true">·</span>
              <span className="font-mono text-xs text-ink-faint">{agent.slug}</span>
            </p>
          </div>
        </div>
        {canWrite ? (
          <div className="flex shrink-0 flex-wrap gap-2">
            <Form method="post">
              <SubmitButton
                name="intent"
                value={agent.status === 'paused' ? 'resume' : 'pause'}
                variant="secondary"
                size="sm"
                pending={toggling}
                pendingLabel="Saving…"
              >
                <Icon name={agent.status === 'paused' ? 'play' : 'pause'} className="size-4" />
                {agent.status === 'paused' ? 'Resume' : 'Pause'}
              </SubmitButton>
            </Form>
            <ConfirmAction
              label={hasHistory ? 'Archive' : 'Delete'}
              accessibleLabel={`${hasHistory ? 'Archive' : 'Delete'} ${agent.name}`}
              title={hasHistory ? `Archive ${agent.name}?` : `Delete ${agent.name}?`}
              description={
                hasHistory
                  ? `${agent.name} has ${usage.tasks} task${
                      usage.tasks === 1 ? '' : 's'
                    } in the history, so they are archived rather than deleted: past tasks, runs and messages stay readable, and ${
                      agent.name
                    } leaves the team and takes no new work. Their reports move up to ${agent.managerName ?? 'the top of the chart'}.`
                  : `${agent.name} has no history, so they are deleted for good. Their reports move up to ${agent.managerName ?? 'the top of the chart'}.`
              }
              confirmLabel={hasHistory ? 'Archive agent' : 'Delete agent'}
              intent="delete"
              fields={{}}
              pending={deleting}
            />
          </div>
        ) : null}
      </header>

      <FormAlert message={otherFailure?.formError} />
      {notice ? <FormAlert tone="success" message={notice} /> : null}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_320px]">
        <div className="min-w-0 space-y-6">
          <Card as="section" className="p-5 sm:p-6">
            <h2 className="text-base font-semibold text-ink">Now</h2>
            {currentTask ? (
              <div className="mt-3">
                <p className="text-sm text-ink-muted">Working on</p>
                <Link
                  to={`${base}/tasks/${currentTask.id}`}
                  className="mt-0.5 block text-base font-medium text-ink hover:text-accent-ink hover:underline"
                >
                  {currentTask.title}
                </Link>
                <div className="mt-3 flex items-center gap-3">
                  <ProgressBar
                    value={currentTask.progress}
                    label={`Progress of ${agent.name}’s task`}
                    className="max-w-sm"
                  />
                  <span className="text-sm text-ink-muted tabular-nums">{currentTask.progress}%</span>
                </div>
              </div>
            ) : (
              <p className="mt-2 text-sm text-ink-muted">
                {agent.status === 'paused'
                  ? `${agent.name} is paused and takes no new work. Resume to pick up queued tasks.`
                  : `${agent.name} is free.`}
                {/* A viewer follows work but gives none: no link to a form it cannot send. */}
                {canGiveTasks ? (
                  <>
                    {' '}
                    <Link to={`${base}/tasks`} className="font-medium text-accent-ink hover:underline">
                      Give a task
                    </Link>
                  </>
                ) : null}
              </p>
            )}
          </Card>

          <section aria-labelledby="history-heading" className="rounded-2xl border border-line bg-card shadow-card">
            <div className="flex items-center justify-between gap-3 border-b border-line px-5 py-4 sm:px-6">
              <h2 id="history-heading" className="text-base font-semibold text-ink">
                Recent tasks
              </h2>
              <Link
                to={`${base}/tasks?view=list&agent=${agent.slug}`}
                className="rounded text-sm font-medium text-accent-ink hover:underline"
              >
                All of {agent.name}’s tasks
              </Link>
            </div>
            {history.length === 0 ? (
              <p className="px-6 py-8 text-center text-sm text-ink-muted">
                No tasks yet. Tasks given to {agent.name} show up here.
              </p>
            ) : (
              <ul className="divide-y divide-line">
                {history.map((task) => (
                  <li key={task.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-5 py-3 sm:px-6">
                    <Link
                      to={`${base}/tasks/${task.id}`}
                      className="min-w-0 flex-1 basis-48 truncate text-sm font-medium text-ink hover:text-accent-ink hover:underline"
                    >
                      {task.title}
                    </Link>
                    {task.simulated ? <SimulatedBadge /> : null}
                    <PriorityBadge priority={task.priority} />
                    <TaskStatusBadge status={task.status} />
                    <time
                      dateTime={isoDateTime(task.createdAt)}
                      title={formatDateTime(task.createdAt)}
                      className="w-20 text-right text-xs text-ink-faint"
                    >
                      {relativeTime(task.createdAt, now)}
                    </time>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <Panel
            id="tools-heading"
            title="Tools and approvals"
            description="Per tool: auto (the agent calls it), ask (the exact call waits for a person on the Approvals page) or never (not offered). MCP tools that may write ask by default; connections are in Settings → Connections."
          >
            <Form key={`tools-${formKey}`} method="post" noValidate className="space-y-5">
              <FormAlert message={toolsFailure?.formError} />
              <fieldset>
                <legend className="text-sm font-medium text-ink">Anthropic server tools</legend>
                <p className="mt-1 text-xs text-ink-faint">
                  Run by the model provider with its own limits (5 uses per turn); only with a model key.
                </p>
                <div className="mt-3 flex flex-wrap gap-6">
                  {(['web_search', 'web_fetch'] as const).map((tool) => (
                    <Checkbox
                      key={tool}
                      name="server_tools"
                      value={tool}
                      disabled={!canManageTools}
                      defaultChecked={agent.serverTools.includes(tool)}
                      label={<span className="font-mono text-[13px]">{tool}</span>}
                    />
                  ))}
                </div>
              </fieldset>
              <table className="w-full text-left text-sm" aria-label={`Tool policies of ${agent.name}`}>
                <thead>
                  <tr className="text-xs text-ink-faint">
                    <th className="py-1 font-medium">Tool</th>
                    <th className="w-48 py-1 font-medium">Policy</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-line">
                  {policyRows.map((row) => {
                    const current = agent.toolPolicies[row.name] ?? '';
                    return (
                      <tr key={row.name} data-testid={`policy-${row.name}`}>
                        <td className="py-2 pr-3 align-top">
                          <span className="font-mono text-[13px] text-ink">{row.name}</span>{' '}
                          <span className="text-xs text-ink-faint">{row.kind}</span>
                          <span className="block text-xs text-ink-muted">{row.hint}</span>
                        </td>
                        <td className="py-2 align-top">
                          {row.kind === 'built-in' && !agent.toolPermissions.includes(row.name) ? (
                            // One switch per tool: a built-in tool the agent does not have is off here too.
                            <span className="text-ink-muted">
                              Off: not among its{' '}
                              {canWrite ? (
                                <a href="#config-heading" className="underline underline-offset-2 hover:text-ink">
                                  tools
                                </a>
                              ) : (
                                'tools'
                              )}
                            </span>
                          ) : canManageTools ? (
                            <SelectField
                              label={`Policy for ${row.name}`}
                              hideLabel
                              name={`policy:${row.name}`}
                              defaultValue={current}
                            >
                              <option value="">Default ({row.defaultPolicy})</option>
                              <option value="auto">auto</option>
                              {row.kind === 'server' ? null : <option value="ask">ask</option>}
                              <option value="never">never</option>
                            </SelectField>
                          ) : (
                            <span className="text-ink">{current || `${row.defaultPolicy} (default)`}</span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              {canManageTools ? (
                <div className="flex flex-wrap items-center justify-end gap-3">
                  <FormAlert
                    tone="success"
                    message={toolsNotice}
                    focusFor={toolsNotice ? result : null}
                    className="flex-1"
                  />
                  <SubmitButton name="intent" value="tools" pending={savingTools} pendingLabel="Saving…">
                    Save tool policies
                  </SubmitButton>
                </div>
              ) : (
                <p className="text-xs text-ink-faint">Admins change tool policies.</p>
              )}
            </Form>
          </Panel>

          {canWrite ? (
            <Panel
              id="config-heading"
              title="Configuration"
              description="How the agent appears and works. The personality is written into its system prompt on every run."
            >
              <Form key={formKey} ref={configRef} method="post" noValidate className="space-y-5">
                <FormAlert message={configFailure?.formError} />
                <div className="grid gap-5 sm:grid-cols-2">
                  <TextField
                    label="Name"
                    name="name"
                    maxLength={FIELD_LIMITS.agent.name}
                    defaultValue={agent.name}
                    required
                    error={configFailure?.fieldErrors.name}
                  />
                  <TextField
                    label="Role"
                    name="role"
                    maxLength={FIELD_LIMITS.agent.role}
                    defaultValue={agent.role}
                    required
                    error={configFailure?.fieldErrors.role}
                  />
                  <TextField
                    label="Department"
                    name="department"
                    maxLength={FIELD_LIMITS.agent.department}
                    defaultValue={agent.department}
                    error={configFailure?.fieldErrors.department}
                  />
                  <TextField
                    label="Level"
                    name="level"
                    maxLength={FIELD_LIMITS.agent.level}
                    defaultValue={agent.level}
                    error={configFailure?.fieldErrors.level}
                  />
                  <TextField
                    label="Model"
                    name="model"
                    defaultValue={agent.model ?? ''}
                    placeholder="Organization default"
                    hint="Blank uses the organization’s default; without a model key, runs use the simulated model."
                    error={configFailure?.fieldErrors.model}
                  />
                  <SelectField
                    label="Reports to"
                    name="manager"
                    defaultValue={agent.managerSlug ?? ''}
                    error={configFailure?.fieldErrors.manager}
                  >
                    <option value="">Nobody (top of the chart)</option>
                    {managers.map((m) => (
                      <option key={m.slug} value={m.slug}>
                        {m.name} · {m.role}
                      </option>
                    ))}
                  </SelectField>
                </div>
                <TextAreaField
                  label="Personality"
                  name="personality"
                  maxLength={FIELD_LIMITS.agent.personality}
                  rows={5}
                  defaultValue={agent.personality}
                  required
                  error={configFailure?.fieldErrors.personality}
                />
                <fieldset>
                  <legend className="text-sm font-medium text-ink">Tools</legend>
                  <p className="mt-1 text-xs text-ink-faint">
                    What the agent may do during a run, inside this organization only. Whether a person approves each
                    use is set under Tool policies.
                  </p>
                  <div className="mt-3 grid gap-x-6 gap-y-2.5 sm:grid-cols-2">
                    {tools.map((tool) => (
                      <Checkbox
                        key={tool}
                        name="tool_permissions"
                        value={tool}
                        defaultChecked={agent.toolPermissions.includes(tool)}
                        label={<span className="font-mono text-[13px]">{tool}</span>}
                        hint={TOOL_HINTS[tool]}
                      />
                    ))}
                  </div>
                  {configFailure?.fieldErrors.tool_permissions ? (
                    <p className="mt-2 text-sm text-red-600 dark:text-red-400">
                      {configFailure.fieldErrors.tool_permissions}
                    </p>
                  ) : null}
                </fieldset>
                <div className="grid gap-5 sm:grid-cols-3">
                  <div>
                    <label htmlFor="avatar-color" className="block text-sm font-medium text-ink">
                      Avatar colour
                    </label>
                    <input
                      id="avatar-color"
                      type="color"
                      name="avatar_color"
                      defaultValue={agent.avatarColor}
                      aria-invalid={configFailure?.fieldErrors.avatar_color ? true : undefined}
                      className="mt-1.5 h-10 w-full cursor-pointer rounded-lg border border-line-strong bg-card p-1"
                    />
                    {configFailure?.fieldErrors.avatar_color ? (
                      <p className="mt-1.5 text-sm text-red-600 dark:text-red-400">
                        {configFailure.fieldErrors.avatar_color}
                      </p>
                    ) : null}
                  </div>
                  <TextField
                    label="Desk column (x)"
                    name="desk_x"
                    type="number"
                    min={0}
                    max={50}
                    defaultValue={agent.desk.x}
                    error={configFailure?.fieldErrors.desk}
                    hint="Where they sit in the office, 0–50."
                  />
                  <TextField
                    label="Desk row (y)"
                    name="desk_y"
                    type="number"
                    min={0}
                    max={50}
                    defaultValue={agent.desk.y}
                  />
                </div>
                <div className="flex justify-end">
                  <SubmitButton name="intent" value="update" pending={saving} pendingLabel="Saving…">
                    Save configuration
                  </SubmitButton>
                </div>
              </Form>
            </Panel>
          ) : (
            <Panel id="config-heading" title="Configuration">
              <dl className="grid gap-4 text-sm sm:grid-cols-2">
                {[
                  ['Department', agent.department],
                  ['Level', agent.level],
                  ['Model', agent.model ?? 'Organization default'],
                  ['Reports to', agent.managerName ?? 'Nobody'],
                ].map(([label, value]) => (
                  <div key={label}>
                    <dt className="text-ink-faint">{label}</dt>
                    <dd className="text-ink">{value}</dd>
                  </div>
                ))}
                <div className="sm:col-span-2">
                  <dt className="text-ink-faint">Personality</dt>
                  <dd className="mt-1 leading-relaxed text-ink-muted">{agent.personality}</dd>
                </div>
              </dl>
            </Panel>
          )}
        </div>

        <aside className="space-y-6">
          <Card as="section" className="p-5">
            <h2 className="text-sm font-semibold text-ink">Usage</h2>
            <p className="text-xs text-ink-faint">All tasks given to {agent.name}.</p>
            <dl className="mt-4 grid grid-cols-2 gap-4">
              {[
                ['Tasks', formatNumber(usage.tasks)],
                ['Completed', formatNumber(usage.completed)],
                ['Agent time', formatDuration(usage.agentMs)],
                ['Tokens', formatNumber(usage.inputTokens + usage.outputTokens)],
              ].map(([label, value]) => (
                <div key={label}>
                  <dt className="text-xs text-ink-faint">{label}</dt>
                  <dd className="mt-0.5 text-lg font-semibold text-ink tabular-nums">{value}</dd>
                </div>
              ))}
            </dl>
            <p className="mt-3 text-xs text-ink-faint">
              {formatNumber(usage.inputTokens)} tokens in, {formatNumber(usage.outputTokens)} out.
            </p>
          </Card>
          <Card as="section" className="p-5">
            <h2 className="text-sm font-semibold text-ink">In the org chart</h2>
            <dl className="mt-3 space-y-3 text-sm">
              <div>
                <dt className="text-xs text-ink-faint">Department</dt>
                <dd className="text-ink">
                  {agent.department} · {agent.level}
                </dd>
              </div>
              <div>
                <dt className="text-xs text-ink-faint">Reports to</dt>
                <dd>
                  {agent.managerSlug ? (
                    <Link
                      to={`${base}/agents/${agent.managerSlug}`}
                      className="font-medium text-accent-ink hover:underline"
                    >
                      {agent.managerName}
                    </Link>
                  ) : (
                    <span className="text-ink-muted">Nobody: top of the chart</span>
                  )}
                </dd>
              </div>
              <div>
                <dt className="text-xs text-ink-faint">Reports</dt>
                <dd>
                  {reports.length === 0 ? (
                    <span className="text-ink-muted">None</span>
                  ) : (
                    <ul className="mt-1 flex flex-wrap gap-2">
                      {reports.map((r) => (
                        <li key={r.slug}>
                          <Link
                            to={`${base}/agents/${r.slug}`}
                            className="inline-flex items-center gap-1.5 rounded-full bg-page-alt px-2 py-0.5 text-xs font-medium text-ink ring-1 ring-line ring-inset hover:bg-card"
                          >
                            <span
                              aria-hidden="true"
                              className="size-2.5 rounded-full"
                              style={{ backgroundColor: r.color }}
                            />
                            {r.name}
                          </Link>
                        </li>
                      ))}
                    </ul>
                  )}
                </dd>
              </div>
            </dl>
          </Card>
        </aside>
      </div>
    </div>
  );
}
