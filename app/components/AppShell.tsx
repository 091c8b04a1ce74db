import { Form, Link, NavLink, useLocation } from '@remix-run/react';
import { type ReactNode, useEffect, useRef } from 'react';
import type { Role } from '../../core/db/schema';
import { getPlan, type PlanId } from '../../core/plans';
import { Disclosure } from './Disclosure';
import { Icon, type IconName } from './Icon';
import { LiveProvider } from '../lib/live';
import { LiveEndedNotice } from './LiveEndedNotice';
import { LiveStatus } from './LiveStatus';
import { LogoMark } from './Logo';

export interface ShellOrg {
  slug: string;
  name: string;
  plan: string;
  role: Role;
}

export interface ShellUser {
  name: string;
  email: string;
}

interface NavItem {
  to: string;
  label: string;
  icon: IconName;
  end?: boolean;
  soon?: boolean;
}

function navItems(slug: string): NavItem[] {
  const base = `/orgs/${slug}`;
  return [
    { to: base, label: 'Overview', icon: 'overview', end: true },
    { to: `${base}/tasks`, label: 'Tasks', icon: 'tasks' },
    { to: `${base}/agents`, label: 'Agents', icon: 'agents' },
    { to: `${base}/messages`, label: 'Messages', icon: 'messages' },
    { to: `${base}/approvals`, label: 'Approvals', icon: 'check' },
    { to: `${base}/schedules`, label: 'Schedules', icon: 'clock' },
    { to: `${base}/settings`, label: 'Settings', icon: 'settings' },
  ];
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

function OrgMark({ name, className = 'size-8 text-sm' }: { name: string; className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={`inline-flex shrink-0 items-center justify-center rounded-lg bg-brand-600 font-semibold text-white ${className}`}
    >
      {name.trim().charAt(0).toUpperCase() || '?'}
    </span>
  );
}

function planName(plan: string): string {
  try {
    return getPlan(plan as PlanId).name;
  } catch {
    return plan;
  }
}

/** The org switcher: the current org, and a menu of the user's other orgs and "create". */
function OrgSwitcher({ current, orgs }: { current: ShellOrg; orgs: ShellOrg[] }) {
  return (
    <Disclosure
      summaryLabel={`${current.name}: switch organization`}
      summaryClassName="flex w-full cursor-pointer items-center gap-3 rounded-xl border border-line bg-card px-2.5 py-2 text-left shadow-sm transition-colors hover:bg-page-alt"
      summary={
        <>
          <OrgMark name={current.name} />
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-semibold text-ink">{current.name}</span>
            <span className="block truncate text-xs text-ink-faint">
              {planName(current.plan)} · <span className="capitalize">{current.role}</span>
            </span>
          </span>
          <Icon name="chevronUpDown" className="size-4 shrink-0 text-ink-faint" />
        </>
      }
      panelClassName="absolute inset-x-0 z-50 mt-1.5 rounded-xl border border-line bg-card p-1.5 shadow-lift"
    >
      <p className="px-2.5 pt-1.5 pb-1 text-xs font-medium text-ink-faint">Your organizations</p>
      <ul>
        {orgs.map((org) => {
          const isCurrent = org.slug === current.slug;
          return (
            <li key={org.slug}>
              <Link
                to={`/orgs/${org.slug}`}
                aria-current={isCurrent ? 'page' : undefined}
                className="flex items-center gap-2.5 rounded-lg px-2.5 py-2 text-sm text-ink hover:bg-page-alt"
              >
                <OrgMark name={org.name} className="size-6 text-xs" />
                <span className="min-w-0 flex-1 truncate">{org.name}</span>
                {isCurrent ? <Icon name="check" className="size-4 text-accent-ink" /> : null}
              </Link>
            </li>
          );
        })}
      </ul>
      <div className="my-1.5 border-t border-line" />
      <Link
        to="/orgs/new"
        className="flex items-center gap-2.5 rounded-lg px-2.5 py-2 text-sm text-ink-muted hover:bg-page-alt hover:text-ink"
      >
        <span className="inline-flex size-6 items-center justify-center rounded-md border border-dashed border-line-strong">
          <Icon name="plus" className="size-3.5" />
        </span>
        Create organization
      </Link>
    </Disclosure>
  );
}

function NavList({ slug }: { slug: string }) {
  return (
    <ul className="space-y-0.5">
      {navItems(slug).map((item) => (
        <li key={item.to}>
          <NavLink
            to={item.to}
            end={item.end}
            className={({ isActive }) =>
              `flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors ${
                isActive ? 'bg-accent-soft text-accent-ink' : 'text-ink-muted hover:bg-page-alt hover:text-ink'
              }`
            }
          >
            <Icon name={item.icon} className="size-[18px] shrink-0" />
            <span className="flex-1">{item.label}</span>
            {item.soon ? (
              <span className="rounded-full bg-page-alt px-2 py-0.5 text-[11px] font-medium text-ink-faint ring-1 ring-line ring-inset">
                Soon
              </span>
            ) : null}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

function SignOutButton({ className = '' }: { className?: string }) {
  return (
    <Form method="post" action="/logout">
      <button
        type="submit"
        className={`flex w-full items-center gap-2.5 rounded-lg px-2.5 py-2 text-left text-sm text-ink-muted hover:bg-page-alt hover:text-ink ${className}`}
      >
        <Icon name="signOut" className="size-4" />
        Sign out
      </button>
    </Form>
  );
}

function UserAvatar({ user }: { user: ShellUser }) {
  return (
    <span
      aria-hidden="true"
      className="inline-flex size-8 shrink-0 items-center justify-center rounded-full bg-slate-200 text-xs font-semibold text-slate-700 dark:bg-slate-700 dark:text-slate-100"
    >
      {initials(user.name)}
    </span>
  );
}

function UserMenu({ user, slug }: { user: ShellUser; slug: string }) {
  return (
    <Disclosure
      summaryLabel={`Account menu for ${user.name}`}
      summaryClassName="flex w-full cursor-pointer items-center gap-3 rounded-lg px-2 py-2 text-left hover:bg-page-alt"
      summary={
        <>
          <UserAvatar user={user} />
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-medium text-ink">{user.name}</span>
            <span className="block truncate text-xs text-ink-faint">{user.email}</span>
          </span>
          <Icon name="chevronUpDown" className="size-4 shrink-0 text-ink-faint" />
        </>
      }
      panelClassName="absolute inset-x-0 bottom-full z-50 mb-1.5 rounded-xl border border-line bg-card p-1.5 shadow-lift"
    >
      <Link
        to={`/orgs/${slug}/settings/sessions`}
        className="flex items-center gap-2.5 rounded-lg px-2.5 py-2 text-sm text-ink-muted hover:bg-page-alt hover:text-ink"
      >
        <Icon name="key" className="size-4" />
        Your sessions
      </Link>
      <Link
        to="/orgs"
        className="flex items-center gap-2.5 rounded-lg px-2.5 py-2 text-sm text-ink-muted hover:bg-page-alt hover:text-ink"
      >
        <Icon name="building" className="size-4" />
        All organizations
      </Link>
      <div className="my-1.5 border-t border-line" />
      <SignOutButton />
    </Disclosure>
  );
}

/**
 * After a client-side move to another page, focus goes to the page's main content, as a full
 * page load would put a screen reader there: otherwise focus stays on the link that was
 * followed, or falls to the body when that link went away (the phone menu). Not on the first
 * render, and not when something on the new page took focus itself (a field, a dialog).
 */
function useFocusMainOnNavigation() {
  const { pathname } = useLocation();
  const previous = useRef(pathname);
  useEffect(() => {
    if (previous.current === pathname) return;
    previous.current = pathname;
    const active = document.activeElement;
    if (active && active !== document.body && !(active instanceof HTMLAnchorElement)) return;
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [pathname]);
}

/**
 * The signed-in dashboard: a sidebar (org switcher, navigation, account) on large screens;
 * on phones a top bar whose menu button opens the same navigation.
 */
export function AppShell({
  user,
  org,
  orgs,
  children,
}: {
  user: ShellUser;
  org: ShellOrg;
  orgs: ShellOrg[];
  children: ReactNode;
}) {
  useFocusMainOnNavigation();
  return (
    <LiveProvider orgSlug={org.slug}>
      <div className="min-h-dvh bg-page-alt">
        <a
          href="#main"
          className="sr-only z-[60] rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
        >
          Skip to content
        </a>

        <aside className="hidden border-r border-line bg-card lg:fixed lg:inset-y-0 lg:flex lg:w-64 lg:flex-col">
          <div className="flex h-16 shrink-0 items-center px-5">
            <Link to={`/orgs/${org.slug}`} className="inline-flex items-center gap-2.5 rounded-md text-ink">
              <LogoMark />
              <span className="text-[15px] font-semibold tracking-tight">Generic Corp</span>
              <span className="sr-only">, dashboard</span>
            </Link>
          </div>
          <div className="px-3">
            <OrgSwitcher current={org} orgs={orgs} />
          </div>
          <nav aria-label="Dashboard" className="mt-5 flex-1 overflow-y-auto px-3">
            <NavList slug={org.slug} />
          </nav>
          <div className="border-t border-line px-5 py-3">
            <LiveStatus selfName={user.name} />
          </div>
          <div className="border-t border-line p-3">
            <UserMenu user={user} slug={org.slug} />
          </div>
        </aside>

        <header className="sticky top-0 z-40 flex h-14 items-center gap-3 border-b border-line bg-card px-4 lg:hidden">
          <Link to={`/orgs/${org.slug}`} className="rounded-md">
            <LogoMark />
            <span className="sr-only">Generic Corp dashboard</span>
          </Link>
          <div className="min-w-0 flex-1">
            <OrgSwitcher current={org} orgs={orgs} />
          </div>
          <LiveStatus selfName={user.name} />
          <Disclosure
            summaryLabel="Menu"
            summaryClassName="flex size-10 cursor-pointer items-center justify-center rounded-lg text-ink hover:bg-page-alt"
            summary={
              <>
                <span className="group-open:hidden">
                  <Icon name="menu" className="size-6" />
                </span>
                <span className="hidden group-open:inline">
                  <Icon name="close" className="size-6" />
                </span>
              </>
            }
            className=""
            panelClassName="fixed inset-x-0 top-14 bottom-0 z-40 overflow-y-auto border-t border-line bg-card px-4 py-4"
          >
            <nav aria-label="Dashboard">
              <NavList slug={org.slug} />
            </nav>
            <div className="mt-6 border-t border-line pt-4">
              <div className="flex items-center gap-3 px-2.5 py-2">
                <UserAvatar user={user} />
                <span className="min-w-0">
                  <span className="block truncate text-sm font-medium text-ink">{user.name}</span>
                  <span className="block truncate text-xs text-ink-faint">{user.email}</span>
                </span>
              </div>
              <Link
                to={`/orgs/${org.slug}/settings/sessions`}
                className="flex items-center gap-2.5 rounded-lg px-2.5 py-2 text-sm text-ink-muted hover:bg-page-alt hover:text-ink"
              >
                <Icon name="key" className="size-4" />
                Your sessions
              </Link>
              <SignOutButton />
            </div>
          </Disclosure>
        </header>

        <div className="lg:pl-64">
          <main
            id="main"
            tabIndex={-1}
            className="mx-auto w-full max-w-6xl px-4 py-8 focus:outline-none sm:px-6 lg:px-10 lg:py-10"
          >
            <LiveEndedNotice />
            {children}
          </main>
        </div>
      </div>
    </LiveProvider>
  );
}
