/**
 * The task board: a kanban by status and a list (table), sharing one card model and the same
 * keyboard-operable actions (change priority, cancel). The actions post to the tasks route
 * through fetchers, so the board never navigates away.
 */
import { Link, useFetcher } from '@remix-run/react';
import { createContext, type ReactNode, useContext, useEffect, useRef } from 'react';
import { TASK_PRIORITIES, type TaskPriority, type TaskStatus, type TaskWaitingReason } from '../../core/vocabulary';
import { formatDateTime, isoDateTime, relativeTime } from '../lib/format';
import { AgentAvatar } from './AgentAvatar';
import { inputClasses } from './Form';
import { WaitingReasonBadge } from './WaitingReasonBadge';
import { PriorityBadge, ProgressBar, SimulatedBadge, TaskStatusBadge, taskStatusLabel } from './StatusBadge';

export interface BoardTask {
  id: string;
  title: string;
  status: TaskStatus;
  priority: TaskPriority;
  progress: number;
  agent: { slug: string; name: string; color: string };
  createdAt: number;
  simulated: boolean;
  dependsOn: number;
  delegated: boolean;
  error: string | null;
  /** Why a pending task waits for the org (`quota`), or null. */
  waitingReason?: TaskWaitingReason | null;
}

export const BOARD_COLUMNS: TaskStatus[] = [
  'pending',
  'queued',
  'running',
  'awaiting_approval',
  'blocked',
  'completed',
  'failed',
  'cancelled',
];
/** The column that stays open on a board with no tasks at all, so the board still reads as one. */
const OPEN_WHEN_ALL_EMPTY: TaskStatus = 'pending';
const FINAL: TaskStatus[] = ['completed', 'failed', 'cancelled'];

export const isFinalStatus = (status: TaskStatus) => FINAL.includes(status);

interface ActionResult {
  ok: boolean;
  formError?: string | null;
}

/** Priority as a select that saves on change (optimistic); a badge when it cannot change. */
function PrioritySelect({
  task,
  canWrite,
  compact = false,
}: {
  task: BoardTask;
  canWrite: boolean;
  compact?: boolean;
}) {
  const fetcher = useFetcher<ActionResult>({ key: `priority-${task.id}` });
  if (!canWrite || isFinalStatus(task.status)) return <PriorityBadge priority={task.priority} />;
  const pending = fetcher.formData?.get('priority');
  const value = (typeof pending === 'string' ? pending : task.priority) as TaskPriority;
  const id = `priority-${task.id}${compact ? '-list' : ''}`;
  return (
    <fetcher.Form method="post" className="inline-flex items-center">
      <input type="hidden" name="intent" value="priority" />
      <input type="hidden" name="taskId" value={task.id} />
      <label htmlFor={id} className="sr-only">
        Priority of “{task.title}”
      </label>
      <select
        id={id}
        name="priority"
        value={value}
        onChange={(event) => fetcher.submit(event.currentTarget.form)}
        // As wide as its longest option: a plain w-auto loses to inputClasses' w-full in the
        // stylesheet's order, which squeezed the select to its arrow in the list and cut "Normal".
        // The native arrow brings its own room, so little padding is needed beside it.
        className={`${inputClasses} h-7 w-auto! py-0 pr-2 pl-2 text-xs capitalize`}
      >
        {[...TASK_PRIORITIES].reverse().map((priority) => (
          <option key={priority} value={priority}>
            {priority}
          </option>
        ))}
      </select>
      {fetcher.data && !fetcher.data.ok && fetcher.state === 'idle' ? (
        <span role="alert" className="ml-2 text-xs text-red-600 dark:text-red-400">
          {fetcher.data.formError}
        </span>
      ) : null}
    </fetcher.Form>
  );
}

/**
 * The task whose Cancel was just pressed. Its button goes once the task ends (and on the board
 * its card moves to another column), so its title link takes focus then, rather than focus
 * falling back to the page.
 */
const CancelFocus = createContext<{ current: string | null }>({ current: null });

function CancelFocusScope({ children }: { children: ReactNode }) {
  const cancelled = useRef<string | null>(null);
  return <CancelFocus.Provider value={cancelled}>{children}</CancelFocus.Provider>;
}

function TaskTitleLink({ task, base, className }: { task: BoardTask; base: string; className: string }) {
  const link = useRef<HTMLAnchorElement>(null);
  const cancelled = useContext(CancelFocus);
  const final = isFinalStatus(task.status);
  useEffect(() => {
    if (!final || cancelled.current !== task.id) return;
    cancelled.current = null;
    link.current?.focus();
  }, [final, task.id, cancelled]);
  return (
    <Link ref={link} to={`${base}/tasks/${task.id}`} className={className}>
      {task.title}
    </Link>
  );
}

function CancelButton({ task }: { task: BoardTask }) {
  const fetcher = useFetcher<ActionResult>({ key: `cancel-${task.id}` });
  const busy = fetcher.state !== 'idle';
  const cancelled = useContext(CancelFocus);
  return (
    <fetcher.Form method="post" onSubmit={() => void (cancelled.current = task.id)}>
      <input type="hidden" name="intent" value="cancel" />
      <input type="hidden" name="taskId" value={task.id} />
      <button
        type="submit"
        disabled={busy}
        aria-label={`Cancel “${task.title}”`}
        className="rounded-md px-2 py-1 text-xs font-medium text-ink-muted hover:bg-page-alt hover:text-red-700 dark:hover:text-red-400"
      >
        {busy ? 'Cancelling…' : 'Cancel'}
      </button>
      {fetcher.data && !fetcher.data.ok && fetcher.state === 'idle' ? (
        <span role="alert" className="block text-xs text-red-600 dark:text-red-400">
          {fetcher.data.formError}
        </span>
      ) : null}
    </fetcher.Form>
  );
}

function TaskCard({ task, base, canWrite, now }: { task: BoardTask; base: string; canWrite: boolean; now: number }) {
  const showProgress = task.status === 'running' || (task.progress > 0 && !isFinalStatus(task.status));
  return (
    <article
      aria-label={task.title}
      className="rounded-xl border border-line bg-card p-3 shadow-card transition-shadow hover:shadow-lift"
    >
      <div className="flex items-start gap-2">
        <h3 className="min-w-0 flex-1 text-sm leading-snug font-medium text-ink">
          <TaskTitleLink task={task} base={base} className="rounded hover:text-accent-ink hover:underline" />
        </h3>
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-1.5">
        <span className="inline-flex min-w-0 items-center gap-1.5 text-xs text-ink-muted">
          <span
            aria-hidden="true"
            className="size-4 shrink-0 rounded-full"
            style={{ backgroundColor: task.agent.color }}
          />
          <span className="truncate">{task.agent.name}</span>
        </span>
        {task.simulated ? <SimulatedBadge /> : null}
        <WaitingReasonBadge reason={task.waitingReason ?? null} />
        {task.delegated ? (
          <span className="rounded-full bg-page-alt px-2 py-0.5 text-[11px] text-ink-faint ring-1 ring-line ring-inset">
            Delegated
          </span>
        ) : null}
        {task.dependsOn > 0 ? (
          <span className="rounded-full bg-page-alt px-2 py-0.5 text-[11px] text-ink-faint ring-1 ring-line ring-inset">
            {task.dependsOn} {task.dependsOn === 1 ? 'dependency' : 'dependencies'}
          </span>
        ) : null}
      </div>
      {showProgress ? (
        <ProgressBar value={task.progress} label={`Progress of “${task.title}”`} className="mt-3" />
      ) : null}
      {task.error && (task.status === 'failed' || task.status === 'blocked') ? (
        <p className="mt-2 line-clamp-2 text-xs text-ink-muted">{task.error}</p>
      ) : null}
      {/* Wraps rather than overflowing the card when the date is long (older tasks show one). */}
      <div className="mt-3 flex flex-wrap items-center justify-between gap-2">
        <PrioritySelect task={task} canWrite={canWrite} />
        <div className="flex items-center gap-1">
          <time
            dateTime={isoDateTime(task.createdAt)}
            title={formatDateTime(task.createdAt)}
            className="text-[11px] whitespace-nowrap text-ink-faint"
          >
            {relativeTime(task.createdAt, now)}
          </time>
          {canWrite && !isFinalStatus(task.status) ? <CancelButton task={task} /> : null}
        </div>
      </div>
    </article>
  );
}

type BoardProps = { tasks: BoardTask[]; base: string; canWrite: boolean; now: number };

/** The kanban by status. */
export function TaskKanban(props: BoardProps) {
  return (
    <CancelFocusScope>
      <KanbanColumns {...props} />
    </CancelFocusScope>
  );
}

/** The list: one row per task. */
export function TaskTable(props: BoardProps) {
  return (
    <CancelFocusScope>
      <TaskRows {...props} />
    </CancelFocusScope>
  );
}

function KanbanColumns({ tasks, base, canWrite, now }: BoardProps) {
  const byStatus = new Map<TaskStatus, BoardTask[]>(BOARD_COLUMNS.map((status) => [status, []]));
  for (const task of tasks) byStatus.get(task.status)?.push(task);
  const empty = BOARD_COLUMNS.filter((status) => byStatus.get(status)!.length === 0).map(taskStatusLabel);
  return (
    <div>
      {empty.length > 0 ? (
        <p className="mb-3 text-xs text-ink-faint sm:hidden">No tasks {empty.join(', ').toLowerCase()}.</p>
      ) : null}
      <div
        role="region"
        aria-label="Task board"
        tabIndex={0}
        className="relative -mx-4 overflow-x-auto px-4 pb-4 sm:mx-0 sm:px-0"
      >
        <div className="flex min-w-max items-start gap-3">
          {BOARD_COLUMNS.map((status) => {
            const items = byStatus.get(status)!;
            const headingId = `column-${status}`;
            const rail = (
              <section
                key={`${status}-rail`}
                aria-label={`${taskStatusLabel(status)}: no tasks`}
                className="hidden w-11 shrink-0 flex-col items-center gap-2 self-stretch rounded-2xl border border-dashed border-line bg-page-alt/60 py-3 sm:flex"
              >
                <span className="text-[11px] font-semibold text-ink-faint tabular-nums" aria-hidden="true">
                  0
                </span>
                <span
                  aria-hidden="true"
                  className="text-xs font-medium whitespace-nowrap text-ink-faint [writing-mode:vertical-rl]"
                >
                  {taskStatusLabel(status)}
                </span>
              </section>
            );
            // Empty columns fold to a slim rail (on phones they are only named above the board), so
            // the columns that hold tasks fit on screen instead of being pushed off it by empty ones.
            const open = items.length > 0 || (tasks.length === 0 && status === OPEN_WHEN_ALL_EMPTY);
            if (!open) return rail;
            const column = (
              <section
                key={status}
                aria-labelledby={headingId}
                className={`w-[17rem] shrink-0 flex-col rounded-2xl border border-line bg-page-alt/60 sm:w-64 ${items.length === 0 ? 'hidden sm:flex' : 'flex'}`}
              >
                <header className="flex items-center justify-between gap-2 px-3 pt-3 pb-2">
                  <h2 id={headingId} className="text-sm font-semibold text-ink">
                    <TaskStatusBadge status={status} />
                  </h2>
                  <span className="rounded-full bg-card px-2 py-0.5 text-xs font-medium text-ink-muted tabular-nums ring-1 ring-line ring-inset">
                    {items.length}
                    <span className="sr-only"> tasks</span>
                  </span>
                </header>
                {items.length === 0 ? (
                  <p className="mx-3 mb-3 rounded-xl border border-dashed border-line-strong px-3 py-6 text-center text-xs text-ink-faint">
                    Nothing {taskStatusLabel(status).toLowerCase()}
                  </p>
                ) : (
                  <ul className="space-y-2 px-2 pb-2">
                    {items.map((task) => (
                      <li key={task.id}>
                        <TaskCard task={task} base={base} canWrite={canWrite} now={now} />
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            );
            return column;
          })}
        </div>
      </div>
    </div>
  );
}

function TaskRows({ tasks, base, canWrite, now }: BoardProps) {
  return (
    <div className="overflow-hidden rounded-2xl border border-line bg-card shadow-card">
      <div role="region" aria-label="Tasks" tabIndex={0} className="relative overflow-x-auto">
        {/* On a phone: the task (with its agent and age) and its status; the rest from sm up (cancel is on the task's page). */}
        <table className="w-full text-left text-sm sm:min-w-[760px]">
          <thead className="border-b border-line bg-page-alt text-xs font-medium text-ink-faint">
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">
                Task
              </th>
              <th scope="col" className="hidden px-4 py-3 font-medium sm:table-cell">
                Agent
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Status
              </th>
              <th scope="col" className="hidden px-4 py-3 font-medium sm:table-cell">
                Priority
              </th>
              <th scope="col" className="hidden px-4 py-3 font-medium sm:table-cell">
                Progress
              </th>
              <th scope="col" className="hidden px-4 py-3 font-medium sm:table-cell">
                Created
              </th>
              {canWrite ? (
                <th scope="col" className="hidden px-4 py-3 font-medium sm:table-cell">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {tasks.map((task) => (
              <tr key={task.id} className="align-middle">
                <td className="max-w-[22rem] px-4 py-3 [overflow-wrap:anywhere]">
                  <TaskTitleLink
                    task={task}
                    base={base}
                    className="font-medium text-ink hover:text-accent-ink hover:underline"
                  />
                  {task.simulated ? (
                    <span className="ml-2 align-middle">
                      <SimulatedBadge />
                    </span>
                  ) : null}
                  <p className="mt-0.5 text-xs text-ink-faint sm:hidden">
                    {task.agent.name} ·{' '}
                    <time dateTime={isoDateTime(task.createdAt)} title={formatDateTime(task.createdAt)}>
                      {relativeTime(task.createdAt, now)}
                    </time>
                  </p>
                </td>
                <td className="hidden px-4 py-3 sm:table-cell">
                  <Link
                    to={`${base}/agents/${task.agent.slug}`}
                    className="inline-flex items-center gap-2 text-ink-muted hover:text-ink"
                  >
                    <AgentAvatar name={task.agent.name} color={task.agent.color} size="sm" />
                    {task.agent.name}
                  </Link>
                </td>
                <td className="px-4 py-3">
                  <span className="inline-flex flex-wrap items-center gap-1.5">
                    <TaskStatusBadge status={task.status} />
                    <WaitingReasonBadge reason={task.waitingReason ?? null} />
                  </span>
                </td>
                <td className="hidden px-4 py-3 sm:table-cell">
                  <PrioritySelect task={task} canWrite={canWrite} compact />
                </td>
                <td className="hidden w-36 px-4 py-3 sm:table-cell">
                  <div className="flex items-center gap-2">
                    <ProgressBar value={task.progress} label={`Progress of “${task.title}”`} className="w-20" />
                    <span className="text-xs text-ink-faint tabular-nums">{task.progress}%</span>
                  </div>
                </td>
                <td className="hidden px-4 py-3 whitespace-nowrap text-ink-muted sm:table-cell">
                  <time dateTime={isoDateTime(task.createdAt)} title={formatDateTime(task.createdAt)}>
                    {relativeTime(task.createdAt, now)}
                  </time>
                </td>
                {canWrite ? (
                  <td className="hidden px-4 py-3 text-right sm:table-cell">
                    {!isFinalStatus(task.status) ? <CancelButton task={task} /> : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
