import { Link } from '@remix-run/react';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { Button } from '../Button';
import { CopyButton } from '../CopyButton';
import { DocsLayout, TableOfContents, type TocItem } from './DocsLayout';
import { Chevron, MethodBadge } from './MethodBadge';
import { groupOperations, matchesQuery, type OpenApiDocument } from './openapi';
import { OperationCard, PathText } from './OperationCard';
import { Code, InlineText, P, TextLink } from './Prose';
import { SchemaView } from './SchemaView';

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function PageIntro() {
  return (
    <header>
      <p className="text-sm font-semibold text-accent-ink">Documentation</p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight text-ink sm:text-4xl">API reference</h1>
    </header>
  );
}

/** The search box: "/" focuses it from anywhere on the page, Escape clears it. */
function SearchBox({
  value,
  onChange,
  count,
  total,
}: {
  value: string;
  onChange: (value: string) => void;
  count: number;
  total: number;
}) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
      if (event.key === '/' && !typing && !event.metaKey && !event.ctrlKey && !event.altKey) {
        event.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
  return (
    <div className="z-10 -mx-1 mt-6 border-b border-line bg-page px-1 py-3 sm:sticky sm:top-16">
      <label htmlFor="api-search" className="sr-only">
        Filter operations
      </label>
      <div className="relative">
        <svg
          viewBox="0 0 20 20"
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-ink-faint"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.75"
          aria-hidden="true"
        >
          <circle cx="9" cy="9" r="5.5" />
          <path d="M13.5 13.5L17 17" strokeLinecap="round" />
        </svg>
        <input
          ref={input}
          id="api-search"
          type="search"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && value) {
              event.preventDefault();
              onChange('');
            }
          }}
          placeholder="Filter by path, method, tag or words…"
          autoComplete="off"
          spellCheck={false}
          aria-describedby="api-search-count"
          className="h-11 w-full rounded-xl border border-line-strong bg-card pr-12 pl-9 text-[15px] text-ink shadow-sm placeholder:text-ink-faint focus:border-brand-500 focus:outline-none focus-visible:outline-2 focus-visible:outline-brand-500"
        />
        <kbd className="absolute top-1/2 right-3 hidden -translate-y-1/2 rounded border border-line px-1.5 font-mono text-xs text-ink-faint sm:block">
          /
        </kbd>
      </div>
      <p id="api-search-count" aria-live="polite" className="mt-2 text-xs text-ink-faint">
        {value.trim() ? `${count} of ${total} operations match “${value.trim()}”` : `${total} operations`}
      </p>
    </div>
  );
}

/** The rendered OpenAPI document: introduction, a filter, then every operation grouped by tag. */
export function ApiReference({ doc }: { doc: OpenApiDocument }) {
  const groups = useMemo(() => groupOperations(doc), [doc]);
  const total = groups.reduce((sum, group) => sum + group.operations.length, 0);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const visible = useMemo(
    () =>
      groups
        .map((group) => ({ ...group, operations: group.operations.filter((op) => matchesQuery(op, deferredQuery)) }))
        .filter((group) => group.operations.length > 0),
    [groups, deferredQuery],
  );
  const count = visible.reduce((sum, group) => sum + group.operations.length, 0);
  const [baseUrl, setBaseUrl] = useState(doc.servers?.[0]?.url ?? '');

  // The document is fetched after the page loads, so the browser's own jump to #anchor found nothing: redo it.
  useEffect(() => {
    setBaseUrl(window.location.origin);
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (id) document.getElementById(id)?.scrollIntoView();
  }, []);

  const toc: TocItem[] = [
    { id: 'introduction', label: 'Introduction' },
    ...visible.map((group) => ({
      id: group.anchor,
      label: capitalize(group.name),
      children: group.operations.map((op) => ({
        id: op.anchor,
        text: `${op.method.toUpperCase()} ${op.path}`,
        label: (
          <>
            <MethodBadge method={op.method} size="sm" />
            <span className="min-w-0 font-mono text-xs break-all" title={op.summary}>
              {op.path}
            </span>
          </>
        ),
      })),
    })),
  ];

  const bearer = doc.components?.securitySchemes?.bearer;
  const errorSchema = doc.components?.schemas?.Error;

  return (
    <DocsLayout sidebar={<TableOfContents items={toc} label="Operations" offset={200} />}>
      <PageIntro />
      <section id="introduction" aria-labelledby="introduction-heading" className="scroll-mt-24">
        <h2 id="introduction-heading" className="sr-only">
          Introduction
        </h2>
        <P className="text-base">
          {doc.info.description ? <InlineText text={doc.info.description} /> : doc.info.title}{' '}
          <span className="text-ink-faint">
            {doc.info.title} · version {doc.info.version} · OpenAPI {doc.openapi}
          </span>
        </P>
        <div className="mt-5 flex flex-wrap items-center gap-3 rounded-xl border border-line bg-page-alt px-4 py-3">
          <span className="text-sm font-medium text-ink">Base URL</span>
          <code className="min-w-0 flex-1 font-mono text-sm break-all text-ink-muted">{baseUrl || '…'}</code>
          {baseUrl ? <CopyButton text={baseUrl} tone="light" label="Copy" className="h-8" /> : null}
        </div>
        <P>
          {bearer?.description ? <InlineText text={bearer.description} /> : 'Authenticate with an API key.'} Create keys
          in Settings → API keys; the <TextLink href="/docs#api-key">quickstart</TextLink> explains scopes. The examples
          read the key from <Code>$GC_API_KEY</Code>. Live updates over a WebSocket, <Code>GET /v1/live</Code>, are
          described in the <TextLink href="/docs#live">quickstart</TextLink>.
        </P>
        {errorSchema ? (
          <details className="group mt-5 rounded-xl border border-line">
            <summary className="flex items-center justify-between gap-3 rounded-xl px-4 py-3 text-sm font-medium text-ink hover:bg-page-alt">
              The error envelope, on every 4xx and 5xx
              <Chevron />
            </summary>
            <div className="border-t border-line px-4 py-3">
              <SchemaView doc={doc} schema={{ $ref: '#/components/schemas/Error' }} mode="response" />
            </div>
          </details>
        ) : null}
      </section>

      <SearchBox value={query} onChange={setQuery} count={count} total={total} />

      {visible.length === 0 ? (
        <div className="mt-6 rounded-xl border border-dashed border-line-strong px-6 py-12 text-center">
          <p className="font-medium text-ink">No operations match “{query.trim()}”.</p>
          <Button variant="secondary" size="sm" className="mt-4" onClick={() => setQuery('')}>
            Clear the filter
          </Button>
        </div>
      ) : null}

      {visible.map((group) => (
        <section key={group.name} aria-labelledby={group.anchor} className="mt-10">
          <div className="rounded-xl bg-page-alt px-5 py-4">
            <h2
              id={group.anchor}
              className="scroll-mt-24 text-2xl sm:scroll-mt-44 font-semibold tracking-tight text-ink"
            >
              {capitalize(group.name)}
            </h2>
            {group.description ? (
              <p className="mt-1 text-[15px] leading-7 text-ink-muted">
                <InlineText text={group.description} />
              </p>
            ) : null}
            <ul className="mt-3 space-y-1" aria-label={`${capitalize(group.name)} operations`}>
              {group.operations.map((op) => (
                <li key={op.anchor}>
                  <a
                    href={`#${op.anchor}`}
                    className="group flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md py-1 text-sm"
                  >
                    <MethodBadge method={op.method} size="sm" />
                    <PathText path={op.path} className="text-[13px] text-ink group-hover:text-accent-ink" />
                    <span className="text-ink-muted">{op.summary}</span>
                  </a>
                </li>
              ))}
            </ul>
          </div>
          {group.operations.map((op) => (
            <OperationCard key={op.anchor} doc={doc} operation={op} baseUrl={baseUrl} />
          ))}
        </section>
      ))}
    </DocsLayout>
  );
}

/** Shown while the document loads: the page's shape, pulsing (still under reduced motion). */
export function ApiReferenceSkeleton() {
  const bar = 'rounded-md bg-line/70 motion-safe:animate-pulse';
  return (
    <DocsLayout
      sidebar={
        <div aria-hidden="true" className="space-y-2 px-2">
          {Array.from({ length: 10 }, (_, i) => (
            <div key={i} className={`h-4 ${bar}`} style={{ width: `${60 + ((i * 37) % 35)}%` }} />
          ))}
        </div>
      }
    >
      <PageIntro />
      <div role="status" aria-live="polite" className="mt-6">
        <span className="sr-only">Loading the API reference…</span>
        <div aria-hidden="true" className="space-y-3">
          <div className={`h-4 w-3/4 ${bar}`} />
          <div className={`h-4 w-1/2 ${bar}`} />
          <div className={`mt-6 h-11 w-full rounded-xl ${bar}`} />
          {Array.from({ length: 3 }, (_, i) => (
            <div key={i} className="space-y-3 border-t border-line pt-8 pb-4">
              <div className="flex gap-3">
                <div className={`h-6 w-16 ${bar}`} />
                <div className={`h-6 w-48 ${bar}`} />
              </div>
              <div className={`h-6 w-2/3 ${bar}`} />
              <div className={`h-24 w-full ${bar}`} />
            </div>
          ))}
        </div>
      </div>
    </DocsLayout>
  );
}

/** Shown when the document cannot be fetched or read: what happened, a retry, and the raw link. */
export function ApiReferenceError({
  message,
  onRetry,
  retrying,
}: {
  message: string;
  onRetry: () => void;
  retrying: boolean;
}) {
  return (
    <DocsLayout sidebar={null}>
      <PageIntro />
      <div role="alert" className="mt-8 rounded-2xl border border-line bg-card p-6 shadow-card sm:p-8">
        <h2 className="text-lg font-semibold text-ink">We could not load the API description</h2>
        <p className="mt-2 text-[15px] leading-7 text-ink-muted">
          {message} The reference is built from <Code>/v1/openapi.json</Code> in your browser; check your connection and
          try again.
        </p>
        <div className="mt-5 flex flex-wrap gap-3">
          <Button onClick={onRetry} disabled={retrying}>
            {retrying ? 'Trying again…' : 'Try again'}
          </Button>
          <Link
            to="/docs"
            className="inline-flex h-10 items-center rounded-lg px-4 text-sm font-medium text-ink-muted hover:bg-page-alt hover:text-ink"
          >
            Read the quickstart
          </Link>
        </div>
      </div>
    </DocsLayout>
  );
}
