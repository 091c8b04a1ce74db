import { useLive } from '../lib/live';

const LABEL = { open: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', offline: 'Offline' } as const;
const DOT = {
  open: 'bg-emerald-500',
  connecting: 'bg-amber-400',
  reconnecting: 'bg-amber-400 animate-pulse motion-reduce:animate-none',
  offline: 'bg-slate-400',
} as const;

/** The connection indicator and who else is watching this org right now. */
export function LiveStatus({ selfName }: { selfName?: string }) {
  const live = useLive();
  if (!live) return null;
  const others = live.viewers.filter((viewer) => viewer.type === 'user' && viewer.name !== selfName);
  return (
    <div className="flex items-center gap-3">
      {others.length > 0 ? (
        <ul className="flex -space-x-1.5" aria-label={`Also watching: ${others.map((v) => v.name).join(', ')}`}>
          {others.slice(0, 4).map((viewer) => (
            <li
              key={viewer.id}
              title={`${viewer.name} is watching`}
              className="inline-flex size-6 items-center justify-center rounded-full bg-accent-soft text-[11px] font-semibold text-accent-ink ring-2 ring-card"
            >
              {viewer.name.trim().charAt(0).toUpperCase() || '?'}
            </li>
          ))}
        </ul>
      ) : null}
      <span
        role="status"
        aria-live="polite"
        className="inline-flex items-center gap-1.5 text-xs font-medium text-ink-muted"
        data-live-state={live.state}
      >
        <span aria-hidden="true" className={`size-2 rounded-full ${DOT[live.state]}`} />
        {LABEL[live.state]}
      </span>
    </div>
  );
}
