import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { NavLink, Outlet, useLoaderData, useLocation } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { loadConfig } from '../../../core/config';
import { can } from '../../../core/permissions';
import { PageHeader } from '../../components/PageHeader';
import { requireOrgMember } from '../../lib/session.server';
import { edgeFadeMask, useScrollEdges } from '../../lib/use-scroll-edges';

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const member = await requireOrgMember(request, context.cloudflare.env, params.slug);
  return {
    slug: member.organization.slug,
    // Tabs a role cannot use are hidden; the pages and core still refuse them.
    showKeys: can(member.role, 'keys:manage'),
    showModel: can(member.role, 'credentials:manage'),
    showConnections: can(member.role, 'connections:read'),
    showAudit: can(member.role, 'audit:read'),
    showBilling: loadConfig(context.cloudflare.env).billingEnabled,
  };
}

export default function SettingsLayout() {
  const { slug, showKeys, showModel, showConnections, showAudit, showBilling } = useLoaderData<typeof loader>();
  const base = `/orgs/${slug}/settings`;
  const tabs = [
    { to: `${base}/general`, label: 'General' },
    { to: `${base}/members`, label: 'Members' },
    ...(showKeys ? [{ to: `${base}/keys`, label: 'API keys' }] : []),
    ...(showModel ? [{ to: `${base}/model`, label: 'Model key' }] : []),
    ...(showConnections ? [{ to: `${base}/connections`, label: 'Connections' }] : []),
    { to: `${base}/sessions`, label: 'Sessions' },
    ...(showAudit ? [{ to: `${base}/audit`, label: 'Audit log' }] : []),
    { to: `${base}/usage`, label: 'Usage' },
    ...(showBilling ? [{ to: `${base}/billing`, label: 'Billing' }] : []),
  ];
  const nav = useRef<HTMLElement>(null);
  // On a phone the tabs scroll sideways: a faded edge shows there are more past it.
  const mask = edgeFadeMask(useScrollEdges(nav));
  const { pathname } = useLocation();
  const current = tabs.find((tab) => tab.to === pathname);
  // On a phone the tabs scroll sideways: keep the current one in the middle, its neighbours peeking in.
  useEffect(() => {
    const current = nav.current?.querySelector(`a[href="${CSS.escape(pathname)}"]`);
    current?.scrollIntoView({ block: 'nearest', inline: 'center' });
  }, [pathname]);
  return (
    <div className="space-y-6">
      <PageHeader
        // The tab's name is part of the page's heading for screen readers (each tab is a page).
        title={
          <>
            Settings
            {current ? <span className="sr-only">: {current.label}</span> : null}
          </>
        }
        description="Your organization, its members and keys, the model your agents use, and your own sessions."
      />
      <nav
        ref={nav}
        aria-label="Settings"
        className="-mx-4 overflow-x-auto border-b border-line px-4 sm:mx-0 sm:px-0"
        style={{ maskImage: mask, WebkitMaskImage: mask }}
      >
        <ul className="flex gap-1">
          {tabs.map((tab) => (
            <li key={tab.to}>
              <NavLink
                to={tab.to}
                className={({ isActive }) =>
                  `-mb-px inline-flex h-10 items-center border-b-2 px-3 text-sm font-medium whitespace-nowrap transition-colors ${
                    isActive
                      ? 'border-brand-600 text-ink'
                      : 'border-transparent text-ink-muted hover:border-line-strong hover:text-ink'
                  }`
                }
              >
                {tab.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
