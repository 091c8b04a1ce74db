import type { AgentStatus, TaskPriority, TaskStatus } from '../../core/db/schema';

const STYLES: Record<AgentStatus, { label: string; dot: string; text: string }> = {
  idle: { label: 'Idle', dot: 'bg-slate-400', text: 'text-ink-muted' },
  working: { label: 'Working', dot: 'bg-emerald-500', text: 'text-emerald-700 dark:text-emerald-400' },
  blocked: { label: 'Blocked', dot: 'bg-amber-500', text: 'text-amber-700 dark:text-amber-400' },
  offline: { label: 'Offline', dot: 'bg-slate-300 dark:bg-slate-600', text: 'text-ink-faint' },
  paused: { label: 'Paused', dot: 'bg-sky-500', text: 'text-sky-700 dark:text-sky-400' },
};

/** An agent's status as a coloured dot and a word (the word carries it; colour only helps). */
export function StatusBadge({ status }: { status: AgentStatus }) {
  const style = STYLES[status];
  return (
    <span className={`inline-flex items-center gap-1.5 text-xs font-medium ${style.text}`}>
      <span className={`size-2 rounded-full ${style.dot}`} aria-hidden="true" />
      {style.label}
    </span>
  );
}

export function RoleBadge({ role }: { role: string }) {
  const tone =
    role === 'owner'
      ? 'bg-accent-soft text-accent-ink ring-brand-500/20'
      : 'bg-page-alt text-ink-muted ring-line-strong/60';
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium capitalize ring-1 ring-inset ${tone}`}
    >
      {role}
    </span>
  );
}

const TASK_STYLES: Record<TaskStatus, { label: string; dot: string; text: string }> = {
  pending: { label: 'Pending', dot: 'bg-slate-400', text: 'text-ink-muted' },
  queued: { label: 'Queued', dot: 'bg-sky-500', text: 'text-sky-700 dark:text-sky-400' },
  // Running is what an agent shows as "Working": the same green, pulsing.
  running: { label: 'Running', dot: 'bg-emerald-500 animate-pulse', text: 'text-emerald-700 dark:text-emerald-400' },
  awaiting_approval: { label: 'Awaiting approval', dot: 'bg-violet-500', text: 'text-violet-700 dark:text-violet-400' },
  blocked: { label: 'Blocked', dot: 'bg-amber-500', text: 'text-amber-700 dark:text-amber-400' },
  completed: { label: 'Completed', dot: 'bg-emerald-600', text: 'text-emerald-800 dark:text-emerald-300' },
  failed: { label: 'Failed', dot: 'bg-red-500', text: 'text-red-700 dark:text-red-400' },
  cancelled: { label: 'Cancelled', dot: 'bg-slate-300 dark:bg-slate-600', text: 'text-ink-faint' },
};

export function taskStatusLabel(status: TaskStatus): string {
  return TASK_STYLES[status].label;
}

/** A task's status, in the same dot-and-word form as an agent's. */
export function TaskStatusBadge({ status }: { status: TaskStatus }) {
  const style = TASK_STYLES[status];
  return (
    <span className={`inline-flex items-center gap-1.5 text-xs font-medium whitespace-nowrap ${style.text}`}>
      <span className={`size-2 shrink-0 rounded-full ${style.dot}`} aria-hidden="true" />
      {style.label}
    </span>
  );
}

const PRIORITY_STYLES: Record<TaskPriority, string> = {
  urgent: 'bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-950/60 dark:text-red-300',
  high: 'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-950/60 dark:text-amber-300',
  normal: 'bg-page-alt text-ink-muted ring-line-strong/60',
  low: 'bg-page-alt text-ink-faint ring-line',
};

export function PriorityBadge({ priority }: { priority: TaskPriority }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-[11px] font-medium capitalize ring-1 ring-inset ${PRIORITY_STYLES[priority]}`}
    >
      {priority}
      <span className="sr-only"> priority</span>
    </span>
  );
}

/** Marks work done by the simulated model (labelled wherever it is shown). */
export function SimulatedBadge({ long = false }: { long?: boolean }) {
  return (
    <span
      title="Run by the simulated model: a deterministic local stand-in for Claude, used when no model key is set."
      className="inline-flex items-center gap-1 rounded-full bg-violet-50 px-2 py-0.5 text-[11px] font-medium text-violet-700 ring-1 ring-violet-600/20 ring-inset dark:bg-violet-950/60 dark:text-violet-300"
    >
      <svg
        viewBox="0 0 24 24"
        className="size-3"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinejoin="round"
        aria-hidden="true"
      >
        <path d="M12 3l1.8 4.7L18.5 9.5l-4.7 1.8L12 16l-1.8-4.7L5.5 9.5l4.7-1.8z" />
      </svg>
      {long ? 'Simulated model' : 'Simulated'}
    </span>
  );
}

/** A thin progress bar with its value for assistive tech. */
export function ProgressBar({ value, label, className = '' }: { value: number; label: string; className?: string }) {
  const clamped = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped}
      className={`h-1.5 w-full overflow-hidden rounded-full bg-page-alt ring-1 ring-line ring-inset ${className}`}
    >
      <div
        className="h-full rounded-full bg-brand-500 transition-[width] duration-500"
        style={{ width: `${clamped}%` }}
      />
    </div>
  );
}
