import { Link, NavLink } from '@remix-run/react';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Container } from '../Container';
import { SiteLayout } from '../SiteLayout';
import { Chevron } from './MethodBadge';

export interface TocItem {
  id: string;
  label: ReactNode;
  /** Plain text for filtering and accessible names when `label` is not a string. */
  text?: string;
  children?: TocItem[];
}

const pageLinks = [
  { to: '/docs', label: 'Quickstart' },
  { to: '/docs/api', label: 'API reference' },
] as const;

/** Quickstart / API reference / raw OpenAPI: the docs' own navigation. */
function DocsNav() {
  return (
    <nav aria-label="Documentation">
      <ul className="flex gap-1 lg:flex-col">
        {pageLinks.map((link) => (
          <li key={link.to}>
            <NavLink
              to={link.to}
              end
              className={({ isActive }) =>
                `block rounded-lg px-3 py-1.5 text-sm font-medium transition-colors ${isActive ? 'bg-accent-soft text-accent-ink' : 'text-ink-muted hover:bg-page-alt hover:text-ink'}`
              }
            >
              {link.label}
            </NavLink>
          </li>
        ))}
        <li>
          <Link
            to="/v1/openapi.json"
            reloadDocument
            className="block rounded-lg px-3 py-1.5 text-sm font-medium text-ink-muted transition-colors hover:bg-page-alt hover:text-ink"
          >
            OpenAPI JSON
          </Link>
        </li>
      </ul>
    </nav>
  );
}

/**
 * The section being read: the last of `ids` whose top has scrolled above a line a little below
 * the sticky header (the first section before any has), for highlighting the table of contents.
 */
export function useActiveSection(ids: string[], offset = 180): string | null {
  const [active, setActive] = useState<string | null>(null);
  const key = ids.join(' ');
  useEffect(() => {
    const list = key.split(' ').filter(Boolean);
    let frame = 0;
    const update = () => {
      frame = 0;
      let current: string | null = null;
      for (const id of list) {
        const element = document.getElementById(id);
        if (!element) continue;
        if (element.getBoundingClientRect().top <= offset) current = id;
        else if (current !== null) break;
      }
      setActive(current ?? list[0] ?? null);
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(update);
    };
    update();
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    return () => {
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [key, offset]);
  return active;
}

function flatten(items: TocItem[]): string[] {
  return items.flatMap((item) => [item.id, ...flatten(item.children ?? [])]);
}

/** "On this page": nested anchor links, the current section marked. */
export function TableOfContents({
  items,
  label = 'On this page',
  offset,
}: {
  items: TocItem[];
  label?: string;
  offset?: number;
}) {
  const active = useActiveSection(flatten(items), offset);
  const nav = useRef<HTMLElement>(null);

  // Keep the current entry visible in a long sidebar, scrolling only the sidebar itself.
  useEffect(() => {
    const link = active ? nav.current?.querySelector<HTMLElement>(`a[href="#${CSS.escape(active)}"]`) : null;
    const box = link?.closest<HTMLElement>('[data-toc-scroll]');
    if (!link || !box) return;
    const linkRect = link.getBoundingClientRect();
    const boxRect = box.getBoundingClientRect();
    if (linkRect.top < boxRect.top + 40) box.scrollTop -= boxRect.top + 40 - linkRect.top;
    else if (linkRect.bottom > boxRect.bottom - 40) box.scrollTop += linkRect.bottom - boxRect.bottom + 40;
  }, [active]);
  const renderItems = (list: TocItem[], depth: number) => (
    <ul className={depth === 0 ? 'space-y-0.5' : 'mt-0.5 space-y-0.5 border-l border-line pl-2.5'}>
      {list.map((item) => (
        <li key={item.id}>
          <a
            href={`#${item.id}`}
            aria-current={active === item.id ? 'location' : undefined}
            className={`flex items-center gap-2 rounded-md px-2 py-1 text-sm leading-5 transition-colors ${
              active === item.id ? 'bg-page-alt font-medium text-accent-ink' : 'text-ink-muted hover:text-ink'
            }`}
          >
            {item.label}
          </a>
          {item.children?.length ? renderItems(item.children, depth + 1) : null}
        </li>
      ))}
    </ul>
  );
  return (
    <nav ref={nav} aria-label={label}>
      <p className="px-2 text-xs font-semibold tracking-wide text-ink-faint uppercase">{label}</p>
      <div className="mt-2">{renderItems(items, 0)}</div>
    </nav>
  );
}

/**
 * The docs frame inside the public site: on large screens a sticky sidebar (docs navigation,
 * then `sidebar`, usually a table of contents); on small screens the navigation as tabs and the
 * sidebar folded into an "On this page" disclosure above the content.
 */
export function DocsLayout({ sidebar, children }: { sidebar: ReactNode; children: ReactNode }) {
  return (
    <SiteLayout>
      <Container className="pt-8 pb-20 lg:pt-12">
        <div className="lg:grid lg:grid-cols-[16rem_minmax(0,1fr)] lg:gap-12">
          <aside className="hidden lg:block">
            <div
              data-toc-scroll
              className="sticky top-24 max-h-[calc(100dvh-7rem)] space-y-8 overflow-y-auto overscroll-contain pr-2 pb-10"
            >
              <DocsNav />
              {sidebar}
            </div>
          </aside>
          <div className="min-w-0">
            <div className="mb-8 space-y-3 lg:hidden">
              <DocsNav />
              <details className="group rounded-xl border border-line bg-card">
                <summary className="flex items-center justify-between rounded-xl px-4 py-3 text-sm font-medium text-ink">
                  On this page
                  <Chevron />
                </summary>
                <div className="max-h-[60dvh] overflow-y-auto border-t border-line px-2 py-3">{sidebar}</div>
              </details>
            </div>
            {children}
          </div>
        </div>
      </Container>
    </SiteLayout>
  );
}
