import { useCallback, useState } from 'react';
import { Badge } from './Badge';
import { ShowcaseOffice } from './ShowcaseOffice';

/**
 * The office framed as a dashboard panel, with a status legend: the static illustration, or,
 * once the shared showcase org answers, its live office (app/components/ShowcaseOffice.tsx).
 */
export function OfficeWindow() {
  const [live, setLive] = useState(false);
  const onLive = useCallback((value: boolean) => setLive(value), []);
  return (
    <div className="overflow-hidden rounded-2xl border border-line bg-card shadow-lift">
      <div className="flex items-center justify-between gap-3 border-b border-line px-4 py-3">
        <div className="flex min-w-0 items-center gap-3">
          <span className="flex gap-1.5" aria-hidden="true">
            <span className="size-2.5 rounded-full bg-line-strong" />
            <span className="size-2.5 rounded-full bg-line-strong" />
            <span className="size-2.5 rounded-full bg-line-strong" />
          </span>
          <p className="truncate text-sm font-medium text-ink">{live ? 'Generic Corp' : 'Acme Inc'} · Office</p>
        </div>
        <Badge tone={live ? 'success' : 'neutral'}>
          <span className={`size-1.5 rounded-full ${live ? 'bg-emerald-500' : 'bg-slate-400'}`} aria-hidden="true" />
          {live ? 'Live' : 'Preview'}
        </Badge>
      </div>
      <div className="bg-[radial-gradient(circle_at_50%_40%,var(--color-accent-soft),transparent_70%)]">
        <ShowcaseOffice onLive={onLive} />
      </div>
      <div className="flex flex-wrap items-center gap-x-5 gap-y-2 border-t border-line px-4 py-3 text-xs text-ink-muted">
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-full border-2 border-green-500" aria-hidden="true" />
          Working
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-full border border-dashed border-slate-400" aria-hidden="true" />
          Idle
        </span>
        <span className="ml-auto hidden sm:inline">
          {live ? 'Live: our own team at work, right now.' : 'Preview: in your dashboard this updates in real time.'}
        </span>
      </div>
    </div>
  );
}
