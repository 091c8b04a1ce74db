import type { ReactNode } from 'react';

/** The title block at the top of a dashboard page. */
export function PageHeader({
  title,
  description,
  actions,
  eyebrow,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  eyebrow?: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0">
        {eyebrow ? <p className="text-sm font-medium text-accent-ink">{eyebrow}</p> : null}
        <h1 className="mt-1 text-2xl font-semibold tracking-tight text-ink sm:text-[28px]">{title}</h1>
        {description ? <p className="mt-1.5 max-w-2xl text-sm leading-relaxed text-ink-muted">{description}</p> : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </div>
  );
}

/** A titled card section of a settings page. */
export function Panel({
  title,
  description,
  children,
  footer,
  tone = 'default',
  id,
}: {
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  tone?: 'default' | 'danger';
  id?: string;
}) {
  const border = tone === 'danger' ? 'border-red-300/80 dark:border-red-900' : 'border-line';
  return (
    <section aria-labelledby={id} className={`rounded-2xl border bg-card shadow-card ${border}`}>
      <div className="px-5 pt-5 sm:px-6 sm:pt-6">
        <h2
          id={id}
          className={`text-base font-semibold ${tone === 'danger' ? 'text-red-700 dark:text-red-400' : 'text-ink'}`}
        >
          {title}
        </h2>
        {description ? <p className="mt-1 text-sm leading-relaxed text-ink-muted">{description}</p> : null}
      </div>
      {children ? <div className="px-5 pt-5 pb-5 sm:px-6 sm:pb-6">{children}</div> : <div className="pb-5 sm:pb-6" />}
      {footer ? (
        <div className="flex flex-wrap items-center justify-end gap-3 rounded-b-2xl border-t border-line bg-page-alt px-5 py-3 sm:px-6">
          {footer}
        </div>
      ) : null}
    </section>
  );
}

/** A muted box for "nothing here yet" and "coming soon". */
export function EmptyState({ title, children, icon }: { title: ReactNode; children?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="rounded-2xl border border-dashed border-line-strong bg-card px-6 py-12 text-center">
      {icon ? (
        <div className="mx-auto mb-4 flex size-11 items-center justify-center rounded-xl bg-accent-soft text-accent-ink">
          {icon}
        </div>
      ) : null}
      <h2 className="text-base font-semibold text-ink">{title}</h2>
      {children ? <div className="mx-auto mt-2 max-w-md text-sm leading-relaxed text-ink-muted">{children}</div> : null}
    </div>
  );
}
