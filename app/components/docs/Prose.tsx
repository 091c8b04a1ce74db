import { Fragment, type ReactNode } from 'react';

/** Inline code: a field, a header, a command. */
export function Code({ children }: { children: ReactNode }) {
  return (
    <code className="rounded-md bg-page-alt px-1.5 py-0.5 font-mono text-[0.86em] break-words text-ink ring-1 ring-line ring-inset">
      {children}
    </code>
  );
}

/** Text from the OpenAPI document: `backticks` become inline code, nothing else is interpreted. */
export function InlineText({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/(`[^`]+`)/g)
        .map((part, index) =>
          part.startsWith('`') && part.endsWith('`') && part.length > 2 ? (
            <Code key={index}>{part.slice(1, -1)}</Code>
          ) : (
            <Fragment key={index}>{part}</Fragment>
          ),
        )}
    </>
  );
}

/**
 * A "#" link that appears next to a heading on hover, for copying a deep link. Hidden from
 * assistive technology and the tab order (the table of contents links every heading), so
 * headings keep clean names; 24 px square, the smallest target a pointer should have to hit.
 */
export function AnchorLink({ id }: { id: string }) {
  return (
    <span aria-hidden="true" className="ml-1 inline-flex shrink-0">
      <a
        href={`#${id}`}
        tabIndex={-1}
        className="inline-flex size-6 items-center justify-center rounded font-normal text-ink-faint no-underline opacity-0 transition-opacity group-hover:opacity-100 hover:text-accent-ink"
      >
        #
      </a>
    </span>
  );
}

/** A top-level docs section: a numbered or plain h2 with an anchor link. */
export function DocSection({
  id,
  title,
  step,
  children,
}: {
  id: string;
  title: string;
  step?: number;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-heading`} className="border-t border-line pt-10 pb-4 first:border-t-0 first:pt-0">
      <h2 id={id} className="group flex scroll-mt-24 items-center gap-3 text-2xl font-semibold tracking-tight text-ink">
        {step !== undefined ? (
          <span
            aria-hidden="true"
            className="flex size-8 shrink-0 items-center justify-center rounded-full bg-accent-soft text-sm font-semibold text-accent-ink ring-1 ring-brand-500/20 ring-inset"
          >
            {step}
          </span>
        ) : null}
        <span id={`${id}-heading`}>
          {step !== undefined ? <span className="sr-only">Step {step}: </span> : null}
          {title}
        </span>
        <AnchorLink id={id} />
      </h2>
      {children}
    </section>
  );
}

export function H3({ id, children }: { id: string; children: string }) {
  return (
    <h3 id={id} className="group mt-10 scroll-mt-24 text-lg font-semibold text-ink">
      {children}
      <AnchorLink id={id} />
    </h3>
  );
}

export function P({ children, className = '' }: { children: ReactNode; className?: string }) {
  return <p className={`mt-4 text-[15px] leading-7 text-ink-muted ${className}`}>{children}</p>;
}

export function List({ children, ordered = false }: { children: ReactNode; ordered?: boolean }) {
  const classes = `mt-4 space-y-2 pl-5 text-[15px] leading-7 text-ink-muted marker:text-ink-faint ${ordered ? 'list-decimal' : 'list-disc'}`;
  return ordered ? <ol className={classes}>{children}</ol> : <ul className={classes}>{children}</ul>;
}

export function TextLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a
      href={href}
      className="font-medium text-accent-ink underline decoration-brand-500/30 underline-offset-2 hover:decoration-brand-500"
    >
      {children}
    </a>
  );
}

/** A highlighted note; `tone="warning"` for things that cost money or data. */
export function Callout({
  title,
  children,
  tone = 'info',
}: {
  title: string;
  children: ReactNode;
  tone?: 'info' | 'warning';
}) {
  const tones = {
    info: 'border-brand-500/25 bg-accent-soft',
    warning: 'border-amber-500/30 bg-amber-50 dark:bg-amber-950/40',
  };
  return (
    <aside className={`mt-6 rounded-xl border px-4 py-3.5 text-[15px] leading-7 ${tones[tone]}`}>
      <p className="font-semibold text-ink">{title}</p>
      <div className="text-ink-muted">{children}</div>
    </aside>
  );
}

/** A simple responsive table: scrolls sideways on a phone instead of squeezing. */
export function DocTable({ caption, head, rows }: { caption: string; head: string[]; rows: ReactNode[][] }) {
  return (
    <div className="mt-5 overflow-x-auto rounded-xl border border-line" tabIndex={0} role="region" aria-label={caption}>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-page-alt text-ink">
          <tr>
            {head.map((cell) => (
              <th key={cell} scope="col" className="px-3 py-2.5 font-semibold sm:px-4">
                {cell}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-line text-ink-muted">
          {rows.map((row, index) => (
            <tr key={index}>
              {row.map((cell, cellIndex) => (
                <td key={cellIndex} className="px-3 py-2.5 align-top break-words sm:px-4">
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
