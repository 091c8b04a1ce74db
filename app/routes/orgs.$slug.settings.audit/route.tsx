import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useFetcher, useLoaderData, useLocation } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { getDb } from '../../../core/db/client';
import { ApiError } from '../../../core/errors';
import { listMembers } from '../../../core/members';
import { listAuditPage } from '../../../core/org-admin';
import { buttonClasses } from '../../components/Button';
import { Card } from '../../components/Card';
import { Spinner } from '../../components/Form';
import { Icon } from '../../components/Icon';
import { EmptyState } from '../../components/PageHeader';
import { formatDateTime, isoDateTime } from '../../lib/format';
import { pageMeta } from '../../lib/meta';
import { requireOrgMember } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Audit log · Generic Corp', description: 'Who did what, and when.', noIndex: true });

const PAGE_SIZE = 25;

const ACTIONS: Record<string, string> = {
  'auth.signed_up': 'Signed up',
  'auth.signed_in': 'Signed in',
  'auth.sign_in_failed': 'Failed sign-in',
  'auth.signed_out': 'Signed out',
  'auth.other_sessions_revoked': 'Signed out other sessions',
  'org.created': 'Created the organization',
  'org.updated': 'Updated the organization',
  'org.deleted': 'Deleted the organization',
  'member.invited': 'Invited a member',
  'member.invitation_revoked': 'Revoked an invitation',
  'member.joined': 'Joined',
  'member.role_changed': 'Changed a role',
  'member.removed': 'Removed a member',
  'member.left': 'Left the organization',
  'api_key.created': 'Created an API key',
  'api_key.revoked': 'Revoked an API key',
  'credentials.updated': 'Updated credentials',
  'billing.checkout_started': 'Opened Checkout',
  'billing.plan_changed': 'Plan changed',
  'billing.subscription_changed': 'Subscription changed',
  'billing.trial_will_end': 'Trial ends soon',
  'billing.plan_set_by_operator': 'Plan set by an operator',
  'demo.created': 'Started the demo',
  'demo.claimed': 'Kept the demo organization',
  'connection.created': 'Added a connection',
  'connection.deleted': 'Removed a connection',
  'mcp.tool_called': 'An agent used a connection’s tool',
  'agent.created': 'Created an agent',
  'agent.updated': 'Changed an agent',
  'agent.deleted': 'Deleted an agent',
  'schedule.created': 'Created a schedule',
  'schedule.updated': 'Changed a schedule',
  'schedule.deleted': 'Deleted a schedule',
};

const list = (value: unknown) => (Array.isArray(value) ? value.filter((item) => typeof item === 'string') : []);

/** "web_search: auto, tracker__create_issue: ask" from a policy patch (null: back to its default). */
function policiesOf(value: unknown): string | null {
  if (!value || typeof value !== 'object') return null;
  const parts = Object.entries(value).map(([tool, policy]) => `${tool}: ${policy ?? 'default'}`);
  return parts.length ? `policies ${parts.join(', ')}` : null;
}

/** What an entry was done to, by the target's type (people and keys are named in the loader). */
const TARGETS: Record<string, string> = {
  invitation: 'Invitation',
  organization: 'Organization',
  agent: 'Agent',
  schedule: 'Schedule',
  mcp_connection: 'Connection',
};

const str = (value: unknown) => (typeof value === 'string' ? value : null);

/** A short human note from an entry's metadata ("viewer → admin", "ana@example.com as viewer"). */
function detailOf(action: string, metadata: Record<string, unknown> | null): string | null {
  if (!metadata) return null;
  switch (action) {
    case 'member.role_changed':
      return `${str(metadata.from) ?? '?'} → ${str(metadata.to) ?? '?'}`;
    case 'member.invited':
      return `${str(metadata.email) ?? ''} as ${str(metadata.role) ?? '?'}`;
    case 'member.joined':
      return str(metadata.role) ? `as ${str(metadata.role)}` : null;
    case 'api_key.created':
      return str(metadata.name);
    case 'org.updated':
      return (
        [str(metadata.name) && `name “${str(metadata.name)}”`, str(metadata.slug) && `slug ${str(metadata.slug)}`]
          .filter(Boolean)
          .join(', ') || null
      );
    case 'auth.other_sessions_revoked':
      return typeof metadata.ended === 'number' ? `${metadata.ended} ended` : null;
    case 'agent.created':
    case 'agent.deleted':
      return [str(metadata.name), metadata.archived === true && '(archived: it has history)'].filter(Boolean).join(' ');
    case 'agent.updated':
      return (
        [str(metadata.slug), list(metadata.fields).join(', '), policiesOf(metadata.tool_policies)]
          .filter(Boolean)
          .join(' · ') || null
      );
    case 'schedule.created':
      return [str(metadata.name), str(metadata.cron) && `(${str(metadata.cron)})`].filter(Boolean).join(' ');
    case 'schedule.updated':
      return [str(metadata.name), list(metadata.fields).join(', ')].filter(Boolean).join(' · ') || null;
    case 'schedule.deleted':
      return str(metadata.name);
    case 'connection.created':
    case 'connection.deleted':
      return str(metadata.slug);
    case 'mcp.tool_called':
      return str(metadata.mcp_tool);
    default:
      return null;
  }
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const db = getDb(env);
  const member = await requireOrgMember(request, env, params.slug);
  const cursor = new URL(request.url).searchParams.get('cursor')?.slice(0, 64) || undefined;
  try {
    const [page, members] = await Promise.all([
      listAuditPage(db, member.ctx, { limit: PAGE_SIZE, cursor }),
      listMembers(db, member.ctx),
    ]);
    const names = new Map(members.map((m) => [m.user_id, m.name]));
    const person = (id: string | null) => (id ? (names.get(id) ?? 'Former member') : 'Unknown');
    const entries = page.entries.map((entry) => ({
      id: entry.id,
      createdAt: entry.createdAt,
      action: entry.action,
      label: ACTIONS[entry.action] ?? entry.action,
      detail: detailOf(entry.action, entry.metadata),
      actor: entry.actorType === 'user' ? person(entry.actorId) : entry.actorType === 'api_key' ? 'API key' : 'System',
      target:
        entry.targetType === 'user'
          ? person(entry.targetId)
          : entry.targetType === 'api_key'
            ? `API key ${entry.targetId?.slice(-6) ?? ''}`
            : (TARGETS[entry.targetType ?? ''] ?? null),
      ip: entry.ip,
    }));
    return { forbidden: null, entries, nextCursor: page.nextCursor, cursor: cursor ?? null };
  } catch (error) {
    if (error instanceof ApiError && error.status === 403)
      return { forbidden: error.message, entries: [], nextCursor: null, cursor: null };
    throw error;
  }
}

type Entry = ReturnType<typeof useLoaderData<typeof loader>>['entries'][number];

function AuditRows({ entries }: { entries: Entry[] }) {
  return (
    <>
      {entries.map((entry) => (
        <tr key={entry.id} className="align-top">
          <td className="hidden px-5 py-3 whitespace-nowrap text-ink-muted sm:table-cell">
            <time dateTime={isoDateTime(entry.createdAt)}>{formatDateTime(entry.createdAt)}</time>
          </td>
          <td className="hidden px-5 py-3 font-medium whitespace-nowrap text-ink sm:table-cell">{entry.actor}</td>
          <td className="px-4 py-3 sm:px-5">
            <span className="text-ink">{entry.label}</span>
            <span className="block font-mono text-[11px] text-ink-faint">{entry.action}</span>
            {entry.detail ? <span className="block text-xs text-ink-muted">{entry.detail}</span> : null}
            <span className="mt-1 block text-xs text-ink-muted sm:hidden">
              <span className="font-medium text-ink">{entry.actor}</span>
              {entry.target ? ` · ${entry.target}` : null}
              <span className="block">
                <time dateTime={isoDateTime(entry.createdAt)}>{formatDateTime(entry.createdAt)}</time>
              </span>
            </span>
          </td>
          <td className="hidden px-5 py-3 text-ink-muted sm:table-cell">{entry.target ?? '—'}</td>
          <td className="hidden px-5 py-3 font-mono text-xs text-ink-muted sm:table-cell">{entry.ip ?? '—'}</td>
        </tr>
      ))}
    </>
  );
}

export default function AuditLog() {
  const data = useLoaderData<typeof loader>();
  const location = useLocation();
  const fetcher = useFetcher<typeof loader>();
  const [more, setMore] = useState<Entry[]>([]);
  const [nextCursor, setNextCursor] = useState(data.nextCursor);

  // Fresh loader data (navigation, revalidation) starts the list over.
  useEffect(() => {
    setMore([]);
    setNextCursor(data.nextCursor);
  }, [data]);

  useEffect(() => {
    if (fetcher.state !== 'idle' || !fetcher.data) return;
    const page = fetcher.data;
    setMore((previous) => [...previous, ...page.entries]);
    setNextCursor(page.nextCursor);
  }, [fetcher.state, fetcher.data]);

  if (data.forbidden) {
    return (
      <EmptyState title="The audit log is for admins" icon={<Icon name="info" />}>
        {data.forbidden}
      </EmptyState>
    );
  }

  const loadMoreHref = nextCursor ? `${location.pathname}?${new URLSearchParams({ cursor: nextCursor })}` : null;
  const loading = fetcher.state !== 'idle';

  return (
    <div className="space-y-4">
      <p className="text-sm text-ink-muted">
        Changes to this organization, its members, keys and settings. Newest first; times in UTC.
        {data.cursor ? (
          <>
            {' '}
            <Link to={location.pathname} className="font-medium text-accent-ink hover:underline">
              Back to newest
            </Link>
          </>
        ) : null}
      </p>
      <Card className="overflow-hidden">
        <div role="region" aria-label="Audit log" tabIndex={0} className="overflow-x-auto">
          {/* On a phone: what happened, with who, to what and when beneath it; the IP from sm up. */}
          <table className="w-full text-left text-sm sm:min-w-[760px]">
            <thead className="border-b border-line bg-page-alt text-xs text-ink-faint">
              <tr>
                <th scope="col" className="hidden px-5 py-3 font-medium sm:table-cell">
                  Time
                </th>
                <th scope="col" className="hidden px-5 py-3 font-medium sm:table-cell">
                  Actor
                </th>
                <th scope="col" className="px-4 py-3 font-medium sm:px-5">
                  Action
                </th>
                <th scope="col" className="hidden px-5 py-3 font-medium sm:table-cell">
                  Target
                </th>
                <th scope="col" className="hidden px-5 py-3 font-medium sm:table-cell">
                  IP
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {data.entries.length === 0 ? (
                <tr>
                  <td colSpan={5} className="px-5 py-10 text-center text-ink-muted">
                    Nothing recorded yet.
                  </td>
                </tr>
              ) : (
                <AuditRows entries={[...data.entries, ...more]} />
              )}
            </tbody>
          </table>
        </div>
      </Card>
      {loadMoreHref ? (
        <div className="flex justify-center">
          <Link
            to={loadMoreHref}
            className={buttonClasses({ variant: 'secondary' })}
            aria-disabled={loading || undefined}
            onClick={(event) => {
              event.preventDefault();
              if (!loading && nextCursor) fetcher.load(loadMoreHref);
            }}
          >
            {loading ? <Spinner /> : null}
            {loading ? 'Loading…' : 'Load more'}
          </Link>
        </div>
      ) : data.entries.length > 0 ? (
        <p className="text-center text-xs text-ink-faint">That is everything.</p>
      ) : null}
    </div>
  );
}
