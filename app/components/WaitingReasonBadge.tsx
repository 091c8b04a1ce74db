import type { TaskWaitingReason } from '../../core/vocabulary';

/** Why a pending task is held back for the org (the `waiting_reason` of the task API). */
export function WaitingReasonBadge({ reason, slug }: { reason: TaskWaitingReason | null; slug?: string }) {
  if (reason !== 'quota') return null;
  const title =
    'This period’s agent-minutes are used up. The task starts when the period rolls over or the plan grows.';
  const classes =
    'inline-flex items-center rounded-full bg-amber-50 px-2 py-0.5 text-[11px] font-medium text-amber-900 ring-1 ring-amber-200 ring-inset';
  return slug ? (
    <a href={`/orgs/${slug}/settings/usage`} title={title} className={classes} data-testid="waiting-reason">
      Waiting: quota
    </a>
  ) : (
    <span title={title} className={classes} data-testid="waiting-reason">
      Waiting: quota
    </span>
  );
}
