import type { AgentStatus } from '../../core/db/schema';

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
  const tone = role === 'owner' ? 'bg-accent-soft text-accent-ink ring-brand-500/20' : 'bg-page-alt text-ink-muted ring-line-strong/60';
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium capitalize ring-1 ring-inset ${tone}`}>{role}</span>;
}
