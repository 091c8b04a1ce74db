import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData, useNavigate, useSearchParams } from '@remix-run/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { TASK_PRIORITIES, TASK_STATUSES } from '../../../core/vocabulary';
import { can, requirePermission } from '../../../core/permissions';
import type { TaskView } from '../../../core/tasks';
import { Button } from '../../components/Button';
import { FormAlert, inputClasses } from '../../components/Form';
import { Icon } from '../../components/Icon';
import { NewTaskDialog } from '../../components/NewTaskDialog';
import { EmptyState, PageHeader } from '../../components/PageHeader';
import { taskStatusLabel } from '../../components/StatusBadge';
import { type BoardTask, TaskKanban, TaskTable } from '../../components/TaskBoard';
import { failureFromError, formFailure, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { hubFor } from '../../lib/org.server';
import { requireOrgMember } from '../../lib/session.server';
import { parseNewTask } from '../../lib/task-form.server';
import { useLiveRevalidation } from '../../lib/use-live-data';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Tasks · Generic Corp', description: 'Your team’s tasks.', noIndex: true });

const PAGE_SIZE = 50;
const MAX_PAGES = 10;

/** Filters live in the URL; a value that makes no sense is ignored rather than an error page. */
const BoardParams = z.object({
  view: z.enum(['board', 'list']).catch('board'),
  status: z.enum(TASK_STATUSES).optional().catch(undefined),
  agent: z.string().trim().max(64).optional().catch(undefined),
  priority: z.enum(TASK_PRIORITIES).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  pages: z.coerce.number().int().min(1).max(MAX_PAGES).catch(1),
});

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  requirePermission(member.role, 'tasks:read');
  const hub = hubFor(env, member);
  const url = new URL(request.url);
  const filters = BoardParams.parse(Object.fromEntries([...url.searchParams].filter(([, value]) => value !== '')));
  const query = { status: filters.status, agent: filters.agent, priority: filters.priority, q: filters.q || undefined };

  // "Load more" asks for one more page; every page is re-read on each refresh so the board stays live.
  const views: TaskView[] = [];
  let cursor: string | undefined;
  let nextCursor: string | null = null;
  for (let page = 0; page < filters.pages; page++) {
    const result = await hub.read.tasks({ ...query, limit: PAGE_SIZE, cursor });
    views.push(...result.data);
    nextCursor = result.next_cursor;
    if (!nextCursor) break;
    cursor = nextCursor;
  }

  const [agentRows, simulated, openTasks] = await Promise.all([
    hub.read.agents({}),
    hub.read.simulatedTaskIds(views.map((task) => task.id)).then((ids) => new Set(ids)),
    hub.read.openTasks(100),
  ]);
  const colorOf = new Map(agentRows.map((agent) => [agent.id, agent.avatarColor]));
  const tasks: BoardTask[] = views.map((task) => ({
    id: task.id,
    title: task.title,
    status: task.status,
    priority: task.priority,
    progress: task.progress,
    agent: { slug: task.agent.slug, name: task.agent.name, color: colorOf.get(task.agent.id) ?? '#64748b' },
    createdAt: Date.parse(task.created_at!),
    simulated: simulated.has(task.id),
    dependsOn: task.depends_on.length,
    delegated: task.parent_id !== null,
    error: task.error,
    waitingReason: task.waiting_reason,
  }));

  return {
    slug: member.organization.slug,
    filters,
    tasks,
    hasMore: nextCursor !== null,
    agents: agentRows.map((agent) => ({
      slug: agent.slug,
      name: agent.name,
      role: agent.role,
      paused: agent.status === 'paused',
    })),
    openTasks: openTasks.map((task) => ({
      id: task.id,
      title: task.title,
      status: task.status,
      agentName: task.agent.name,
    })),
    canWrite: can(member.role, 'tasks:write'),
    now: Date.now(),
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
      const parsed = parseNewTask(form, intent);
      if (!parsed.ok) return parsed.failure;
      const { task } = await hub.createTask(parsed.data, null);
      return { ok: true as const, intent, task: { id: task.id, title: task.title } };
    }
    if (intent === 'priority') {
      const priority = z.enum(TASK_PRIORITIES).safeParse(text(form, 'priority'));
      if (!priority.success) return formFailure(intent, 'Choose a priority.');
      await hub.updateTask(text(form, 'taskId'), { priority: priority.data });
      return { ok: true as const, intent };
    }
    if (intent === 'cancel') {
      await hub.cancelTask(text(form, 'taskId'));
      return { ok: true as const, intent };
    }
    return formFailure(intent, 'Unknown action.');
  } catch (error) {
    return failureFromError(error, intent);
  }
}

function ViewToggle({ view }: { view: 'board' | 'list' }) {
  const [searchParams] = useSearchParams();
  const hrefFor = (next: 'board' | 'list') => {
    const params = new URLSearchParams(searchParams);
    params.set('view', next);
    return `?${params}`;
  };
  const item = (value: 'board' | 'list', label: string, icon: 'board' | 'list') => (
    <Link
      to={hrefFor(value)}
      aria-current={view === value ? 'page' : undefined}
      preventScrollReset
      className={`inline-flex h-8 items-center gap-1.5 rounded-md px-3 text-sm font-medium transition-colors ${
        view === value ? 'bg-card text-ink shadow-sm ring-1 ring-line' : 'text-ink-muted hover:text-ink'
      }`}
    >
      <Icon name={icon} className="size-4" />
      {label}
    </Link>
  );
  return (
    <nav
      aria-label="Task view"
      className="inline-flex self-start rounded-lg bg-page-alt p-1 ring-1 ring-line ring-inset"
    >
      {item('board', 'Board', 'board')}
      {item('list', 'List', 'list')}
    </nav>
  );
}

function Filters({
  action,
  filters,
  agents,
}: {
  action: string;
  filters: z.infer<typeof BoardParams>;
  agents: Array<{ slug: string; name: string }>;
}) {
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  const { q, status, agent, priority } = filters;
  const active = Boolean(status || agent || priority || q);
  // The fields are uncontrolled (typing stays local until Enter), so they follow the URL when it
  // changes under them (Clear filters, back): else they show, and Apply re-sends, filters no longer
  // applied. Setting values rather than remounting keeps focus on a select just changed.
  useEffect(() => {
    const fields = formRef.current?.elements;
    if (!fields) return;
    for (const [name, value] of Object.entries({ q, status, agent, priority })) {
      const field = fields.namedItem(name);
      if (!(field instanceof HTMLInputElement || field instanceof HTMLSelectElement)) continue;
      field.value = value ?? '';
      // A slug the list lacks would blank the select; show "Any agent" as the first render does.
      if (field instanceof HTMLSelectElement && field.selectedIndex === -1) field.value = '';
    }
  }, [q, status, agent, priority]);
  const select = `${inputClasses} h-9 w-full pr-8 sm:w-auto`;
  // With JavaScript, filters apply without the blank ones in the URL; without, the GET form works as is.
  const apply = (form: HTMLFormElement) => {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form))
      if (typeof value === 'string' && value.trim() !== '') params.set(name, value.trim());
    navigate(`${action}?${params}`, { replace: true, preventScrollReset: true });
  };
  return (
    <Form
      ref={formRef}
      method="get"
      action={action}
      role="search"
      aria-label="Filter tasks"
      className="flex flex-col gap-2 sm:flex-row sm:flex-wrap sm:items-center"
      onSubmit={(event) => {
        event.preventDefault();
        apply(event.currentTarget);
      }}
      onChange={(event) => {
        // Selects apply at once; the text box applies on Enter or with the button.
        if ((event.target as HTMLElement).tagName === 'SELECT') apply(event.currentTarget);
      }}
    >
      <input type="hidden" name="view" value={filters.view} />
      <div className="relative sm:w-64">
        <label htmlFor="task-search" className="sr-only">
          Search tasks
        </label>
        <Icon
          name="search"
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-ink-faint"
        />
        <input
          id="task-search"
          type="search"
          name="q"
          defaultValue={filters.q ?? ''}
          placeholder="Search title or description"
          className={`${inputClasses} h-9 pl-9`}
        />
      </div>
      <div className="grid grid-cols-2 gap-2 sm:flex">
        <label className="sr-only" htmlFor="filter-status">
          Filter by status
        </label>
        <select id="filter-status" name="status" defaultValue={filters.status ?? ''} className={select}>
          <option value="">Any status</option>
          {TASK_STATUSES.map((status) => (
            <option key={status} value={status}>
              {taskStatusLabel(status)}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="filter-agent">
          Filter by agent
        </label>
        <select id="filter-agent" name="agent" defaultValue={filters.agent ?? ''} className={select}>
          <option value="">Any agent</option>
          {agents.map((agent) => (
            <option key={agent.slug} value={agent.slug}>
              {agent.name}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor="filter-priority">
          Filter by priority
        </label>
        <select id="filter-priority" name="priority" defaultValue={filters.priority ?? ''} className={select}>
          <option value="">Any priority</option>
          {[...TASK_PRIORITIES].reverse().map((priority) => (
            <option key={priority} value={priority}>
              {priority.charAt(0).toUpperCase() + priority.slice(1)}
            </option>
          ))}
        </select>
        <Button type="submit" variant="secondary" size="sm">
          Apply
        </Button>
      </div>
      {active ? (
        <Link
          to={`?view=${filters.view}`}
          className="self-start rounded px-2 text-sm font-medium text-accent-ink hover:underline sm:self-center"
        >
          Clear filters
        </Link>
      ) : null}
    </Form>
  );
}

export default function Tasks() {
  const { slug, filters, tasks, hasMore, agents, openTasks, canWrite, now } = useLoaderData<typeof loader>();
  useLiveRevalidation();
  const [searchParams] = useSearchParams();
  const [dialogOpen, setDialogOpen] = useState(false);
  const [created, setCreated] = useState<{ id: string; title: string } | null>(null);
  const base = `/orgs/${slug}`;
  const filtered = Boolean(filters.status || filters.agent || filters.priority || filters.q);
  const moreParams = new URLSearchParams(searchParams);
  moreParams.set('pages', String(filters.pages + 1));
  const closeDialog = useCallback(() => setDialogOpen(false), []);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Tasks"
        description="Give work to your agents and follow it from queued to done. The board updates live."
        actions={
          canWrite ? (
            <Button onClick={() => setDialogOpen(true)} aria-haspopup="dialog">
              <Icon name="plus" className="size-4" />
              New task
            </Button>
          ) : null
        }
      />

      {created ? (
        <FormAlert
          tone="success"
          message={
            <>
              Created{' '}
              <Link to={`${base}/tasks/${created.id}`} className="font-medium underline">
                {created.title}
              </Link>
              . It appears on the board and moves as the agent works.
            </>
          }
        />
      ) : null}

      <div className="flex flex-col gap-3 lg:flex-row lg:items-center lg:justify-between">
        <Filters action={`${base}/tasks`} filters={filters} agents={agents} />
        <ViewToggle view={filters.view} />
      </div>

      {tasks.length === 0 ? (
        filtered ? (
          <EmptyState title="No tasks match these filters" icon={<Icon name="search" />}>
            <p>
              Try another status or agent, or{' '}
              <Link to={`?view=${filters.view}`} className="font-medium text-accent-ink hover:underline">
                clear the filters
              </Link>
              .
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No tasks yet" icon={<Icon name="tasks" />}>
            <p>Tasks you give your agents show up here, from pending to completed, with each run’s trace.</p>
            {canWrite ? (
              <Button className="mt-5" onClick={() => setDialogOpen(true)} aria-haspopup="dialog">
                <Icon name="plus" className="size-4" />
                Give your first task
              </Button>
            ) : (
              <p className="mt-2">Your role can follow tasks; a member can create them.</p>
            )}
          </EmptyState>
        )
      ) : filters.view === 'list' ? (
        <TaskTable tasks={tasks} base={base} canWrite={canWrite} now={now} />
      ) : (
        <TaskKanban tasks={tasks} base={base} canWrite={canWrite} now={now} />
      )}

      {hasMore ? (
        <div className="flex justify-center">
          <Link
            to={`?${moreParams}`}
            preventScrollReset
            replace
            className="inline-flex h-9 items-center rounded-lg border border-line-strong bg-card px-4 text-sm font-medium text-ink shadow-sm hover:bg-page-alt"
          >
            Load more
          </Link>
        </div>
      ) : null}

      {canWrite ? (
        <NewTaskDialog
          open={dialogOpen}
          onClose={closeDialog}
          agents={agents}
          openTasks={openTasks}
          onCreated={setCreated}
        />
      ) : null}
    </div>
  );
}
