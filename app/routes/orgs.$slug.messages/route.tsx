import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, NavLink, Outlet, useLoaderData, useParams } from '@remix-run/react';
import { requirePermission } from '../../../core/permissions';
import type { ThreadSummary } from '../../../core/threads';
import { AgentAvatar } from '../../components/AgentAvatar';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, isoDateTime, relativeTime } from '../../lib/format';
import { pageMeta } from '../../lib/meta';
import { markdownToPlainText } from '../../lib/plain-text';
import { hubFor } from '../../lib/org.server';
import { requireOrgMember } from '../../lib/session.server';
import { useLiveRevalidation } from '../../lib/use-live-data';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Messages · Generic Corp', description: 'Conversations with your agents.', noIndex: true });

// More than a list line shows; the cut also keeps the Markdown patterns' work small.
const PREVIEW_SOURCE_CHARS = 300;

/**
 * The list's line for a thread's latest message, as plain text. The thread's own agent is named
 * just above it (and its replies start with its name: "Yuki completed…"), so only another
 * author is named.
 */
function previewOf(thread: ThreadSummary, agentName: (id: string | null) => string): string {
  const last = thread.lastMessage;
  if (!last) return '';
  const body = markdownToPlainText(last.body.slice(0, PREVIEW_SOURCE_CHARS));
  if (last.sender.type !== 'agent') return `You: ${body}`;
  if (last.sender.id === thread.agentId) return body;
  return `${agentName(last.sender.id)}: ${body}`;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  requirePermission(member.role, 'tasks:read');
  const hub = hubFor(env, member);
  const [threads, agents] = await Promise.all([
    hub.read.threads({ limit: 50 }),
    hub.read.agents({ includeArchived: true }),
  ]);
  const agentById = new Map(agents.map((agent) => [agent.id, agent]));
  return {
    slug: member.organization.slug,
    now: Date.now(),
    threads: threads.map((thread) => {
      const agent = thread.agentId ? agentById.get(thread.agentId) : undefined;
      const last = thread.lastMessage;
      return {
        id: thread.id,
        subject: markdownToPlainText(thread.subject),
        updatedAt: thread.updatedAt,
        agent: agent ? { name: agent.name, color: agent.avatarColor } : { name: 'Team', color: '#64748b' },
        preview: previewOf(thread, (id) => agentById.get(id ?? '')?.name ?? 'Agent'),
        awaitingReply: last !== null && last.sender.type !== 'agent',
      };
    }),
  };
}

/**
 * Messages: the thread list beside the open thread on large screens; on a phone, the list
 * and a thread are separate screens.
 */
export default function MessagesLayout() {
  const { slug, now, threads } = useLoaderData<typeof loader>();
  // One live refresh for the list and the open thread (the child's loader re-runs with it).
  useLiveRevalidation();
  const { threadId } = useParams();
  const base = `/orgs/${slug}/messages`;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Messages"
        description="Talk to your agents. A message becomes a task for the agent; the reply lands in the thread when it is done."
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[320px_minmax(0,1fr)]">
        <section
          aria-labelledby="threads-heading"
          className={`h-fit rounded-2xl border border-line bg-card shadow-card ${threadId ? 'hidden lg:block' : ''}`}
        >
          <div className="flex items-center justify-between gap-2 border-b border-line px-4 py-3">
            <h2 id="threads-heading" className="text-sm font-semibold text-ink">
              Threads
            </h2>
            {threadId ? (
              <Link
                to={base}
                className="inline-flex items-center gap-1 rounded text-sm font-medium text-accent-ink hover:underline"
              >
                <Icon name="plus" className="size-4" />
                New message
              </Link>
            ) : null}
          </div>
          {threads.length === 0 ? (
            <p className="px-4 py-8 text-center text-sm text-ink-muted">
              No conversations yet. Write to an agent to start one.
            </p>
          ) : (
            <ul className="max-h-[70vh] divide-y divide-line overflow-y-auto">
              {threads.map((thread) => (
                <li key={thread.id}>
                  <NavLink
                    to={`${base}/${thread.id}`}
                    className={({ isActive }) =>
                      `flex items-start gap-3 px-4 py-3 transition-colors ${isActive ? 'bg-accent-soft' : 'hover:bg-page-alt'}`
                    }
                  >
                    <AgentAvatar name={thread.agent.name} color={thread.agent.color} size="sm" />
                    <span className="min-w-0 flex-1">
                      <span className="flex items-baseline justify-between gap-2">
                        <span className="truncate text-sm font-medium text-ink">{thread.agent.name}</span>
                        <time
                          dateTime={isoDateTime(thread.updatedAt)}
                          title={formatDateTime(thread.updatedAt)}
                          className="shrink-0 text-[11px] text-ink-faint"
                        >
                          {relativeTime(thread.updatedAt, now)}
                        </time>
                      </span>
                      <span className="block truncate text-sm text-ink">{thread.subject}</span>
                      <span className="block truncate text-xs text-ink-faint">
                        {thread.awaitingReply ? `${thread.agent.name} is on it…` : thread.preview}
                      </span>
                    </span>
                  </NavLink>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="min-w-0">
          <Outlet />
        </div>
      </div>
    </div>
  );
}
