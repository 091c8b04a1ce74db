import { Badge } from './Badge';
import { OfficePreview } from './OfficePreview';

/** The office illustration framed as a dashboard panel, with a status legend. */
export function OfficeWindow() {
  return (
    <div className="overflow-hidden rounded-2xl border border-line bg-card shadow-lift">
      <div className="flex items-center justify-between gap-3 border-b border-line px-4 py-3">
        <div className="flex min-w-0 items-center gap-3">
          <span className="flex gap-1.5" aria-hidden="true">
            <span className="size-2.5 rounded-full bg-line-strong" />
            <span className="size-2.5 rounded-full bg-line-strong" />
            <span className="size-2.5 rounded-full bg-line-strong" />
          </span>
          <p className="truncate text-sm font-medium text-ink">Acme Inc · Office</p>
        </div>
        <Badge tone="success">
          <span className="size-1.5 rounded-full bg-emerald-500" aria-hidden="true" />
          Live
        </Badge>
      </div>
      <div className="bg-[radial-gradient(circle_at_50%_40%,var(--color-accent-soft),transparent_70%)] px-2 py-4 sm:px-6 sm:py-6">
        <OfficePreview />
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
        <span className="ml-auto hidden sm:inline">Preview: in your dashboard this updates in real time.</span>
      </div>
    </div>
  );
}
