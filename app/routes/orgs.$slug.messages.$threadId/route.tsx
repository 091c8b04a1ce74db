import { Markdown } from '../../components/Markdown';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { getDb } from '../../../core/db/client';
import { listMembers } from '../../../core/members';
import { can, requirePermission } from '../../../core/permissions';
import { AgentAvatar } from '../../components/AgentAvatar';
import { Announcer } from '../../components/Announcer';
import { FormAlert, SubmitButton, focusFirstProblem, inputClasses, useIsSubmitting } from '../../components/Form';
import { Icon } from '../../components/Icon';
import { TaskStatusBadge } from '../../components/StatusBadge';
import { formatDateTime, isoDateTime, relativeTime } from '../../lib/format';
import { failureFromError, parseForm, readFormData, text } from '../../lib/forms.server';
import { MessageForm } from '../../lib/message-form.server';
import { pageMeta } from '../../lib/meta';
import { markdownToPlainText } from '../../lib/plain-text';
import { hubFor, orNotFound } from '../../lib/org.server';
import { requireOrgMember } from '../../lib/session.server';
import { useLiveEvents } from '../../lib/live';
import { useLiveActionData } from '../../lib/use-live-data';

/** A missing task, agent or thread answers inside the dashboard. */
export { OrgPageError as ErrorBoundary } from '../../components/OrgPageError';

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  pageMeta({
    title: `${data?.thread.subject ?? 'Thread'} · Messages · Generic Corp`,
    description: 'A conversation with an agent.',
    noIndex: true,
  });

const OPEN = new Set(['pending', 'queued', 'running', 'awaiting_approval', 'blocked']);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  requirePermission(member.role, 'tasks:read');
  const hub = hubFor(env, member);
  const thread = await orNotFound(hub.read.thread(params.threadId ?? ''));
  const taskIds = [...new Set(thread.messages.map((m) => m.taskId).filter((id): id is string => id !== null))];
  const [agents, members, tasks] = await Promise.all([
    hub.read.agents({ includeArchived: true }),
    listMembers(getDb(env), member.ctx),
    hub.read.taskSummaries(taskIds),
  ]);
  const agentById = new Map(agents.map((agent) => [agent.id, agent]));
  const userName = new Map(members.map((m) => [m.user_id, m.name]));
  const taskById = new Map(tasks.map((task) => [task.id, task]));
  const agent = thread.agentId ? agentById.get(thread.agentId) : undefined;
  // The agent is "on it" while the task of a human message in this thread is still open.
  const working = thread.messages
    .filter((m) => m.sender.type !== 'agent' && m.taskId && OPEN.has(taskById.get(m.taskId)?.status ?? ''))
    .map((m) => taskById.get(m.taskId!)!);

  return {
    slug: member.organization.slug,
    now: Date.now(),
    canWrite: can(member.role, 'tasks:write'),
    thread: { id: thread.id, subject: markdownToPlainText(thread.subject) },
    agent: agent
      ? {
          slug: agent.slug,
          name: agent.name,
          role: agent.role,
          color: agent.avatarColor,
          archived: agent.archivedAt !== null,
        }
      : null,
    working: working.map((task) => ({ id: task.id, title: task.title, status: task.status })),
    earlier: thread.earlier,
    messages: thread.messages.map((m) => {
      const fromAgent = m.sender.type === 'agent';
      const sender = fromAgent ? agentById.get(m.sender.id ?? '') : undefined;
      const task = m.taskId ? taskById.get(m.taskId) : undefined;
      return {
        id: m.id,
        fromAgent,
        author: fromAgent
          ? (sender?.name ?? 'Agent')
          : m.sender.type === 'user'
            ? m.sender.id === member.user.id
              ? 'You'
              : (userName.get(m.sender.id ?? '') ?? 'A teammate')
            : m.sender.type === 'api_key'
              ? 'API'
              : 'Generic Corp',
        color: sender?.avatarColor ?? null,
        body: m.body,
        createdAt: m.createdAt,
        task: task ? { id: task.id, status: task.status } : null,
      };
    }),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = 'reply';
  const values = { agent: text(form, 'agent'), body: text(form, 'body') };
  try {
    const hub = hubFor(env, member, 'tasks:write');
    const parsed = parseForm(MessageForm, values, intent);
    if (!parsed.ok) return { ...parsed.failure, values };
    await hub.postMessage({ ...parsed.data, thread_id: params.threadId ?? null });
    return { ok: true as const, intent, values: null };
  } catch (error) {
    return { ...failureFromError(error, intent), values };
  }
}

/**
 * The reply as it streams: run steps for the thread's open task(s) arrive over the org socket
 * (text deltas from Claude, whole text blocks from the simulated model, tool calls).
 */
function useStreamingReply(taskIds: string[]): string {
  const [text, setText] = useState('');
  const ids = taskIds.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new set of working tasks starts a new reply.
  useEffect(() => setText(''), [ids]);
  useLiveEvents((frame) => {
    if (frame.type !== 'run.step' || !ids.split(',').includes(frame.data?.task_id)) return;
    const steps = (frame.data?.steps ?? []) as Array<{ type: string; tool_name: string | null; content: string }>;
    setText((current) => {
      let next = current;
      for (const step of steps) {
        if (step.type === 'text_delta') next += step.content;
        else if (step.type === 'text')
          next = next.endsWith(step.content) ? next : `${next}${next ? '\n' : ''}${step.content}`;
        else if (step.type === 'tool_use' && step.tool_name && step.tool_name !== 'finish_task')
          next = `${next}${next ? '\n' : ''}· ${step.tool_name.replace(/_/g, ' ')}`;
      }
      return next.slice(-1_500);
    });
  });
  return text;
}

export default function ThreadPage() {
  const { slug, now, canWrite, thread, agent, working, messages, earlier } = useLoaderData<typeof loader>();
  // The newest message from an agent: when a reply arrives live, it is read out.
  const lastReply = messages.findLast((message) => message.fromAgent);
  const result = useLiveActionData<typeof action>();
  const formRef = useRef<HTMLFormElement>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const sending = useIsSubmitting();
  const failure = result && !result.ok ? result : null;
  const base = `/orgs/${slug}`;
  const streaming = useStreamingReply(working.map((task) => task.id));

  useEffect(() => {
    if (result?.ok) formRef.current?.reset();
    if (failure) focusFirstProblem(formRef.current);
  }, [result, failure]);

  // Keep the newest message in view as replies arrive (scrolls the thread, not the page).
  const count = messages.length + working.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls whenever the content grows.
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [count, streaming]);

  return (
    <section
      aria-labelledby="thread-heading"
      className="flex min-h-[60vh] flex-col rounded-2xl border border-line bg-card shadow-card"
    >
      <header className="flex items-center gap-3 border-b border-line px-4 py-3 sm:px-5">
        <Link
          to={`${base}/messages`}
          className="-ml-1 inline-flex size-9 items-center justify-center rounded-lg text-ink-muted hover:bg-page-alt lg:hidden"
        >
          <Icon name="arrowLeft" className="size-5" />
          <span className="sr-only">All threads</span>
        </Link>
        {agent ? <AgentAvatar name={agent.name} color={agent.color} size="sm" /> : null}
        <div className="min-w-0 flex-1">
          <h2 id="thread-heading" className="line-clamp-2 text-sm font-semibold break-words text-ink">
            {thread.subject}
          </h2>
          {agent ? (
            <p className="truncate text-xs text-ink-faint">
              With{' '}
              <Link
                to={`${base}/agents/${agent.slug}`}
                className="font-medium text-ink-muted hover:text-ink hover:underline"
              >
                {agent.name}
              </Link>
              , {agent.role}
            </p>
          ) : null}
        </div>
      </header>

      <Announcer
        value={lastReply?.id ?? null}
        message={() =>
          lastReply ? `${lastReply.author} replied: ${markdownToPlainText(lastReply.body).slice(0, 300)}` : null
        }
      />
      <ol
        ref={listRef}
        aria-label="Messages"
        className="max-h-[65vh] flex-1 space-y-4 overflow-y-auto px-4 py-5 sm:px-5"
      >
        {earlier ? (
          <li className="text-center text-xs text-ink-faint">
            Earlier messages are not shown here: this is the latest {messages.length.toLocaleString('en-US')}. The API
            returns the whole thread (<code>GET /v1/threads/{thread.id}</code>, page by page).
          </li>
        ) : null}
        {messages.map((message) => (
          <li key={message.id} className={`flex items-end gap-2.5 ${message.fromAgent ? '' : 'flex-row-reverse'}`}>
            {message.fromAgent ? (
              <AgentAvatar name={message.author} color={message.color ?? '#64748b'} size="sm" />
            ) : null}
            <div className={`max-w-[85%] sm:max-w-[75%] ${message.fromAgent ? '' : 'items-end text-right'}`}>
              <p className={`text-xs text-ink-faint ${message.fromAgent ? '' : 'text-right'}`}>
                <span className="font-medium text-ink-muted">{message.author}</span>{' '}
                <time dateTime={isoDateTime(message.createdAt)} title={formatDateTime(message.createdAt)}>
                  {relativeTime(message.createdAt, now)}
                </time>
              </p>
              <div
                className={`mt-1 rounded-2xl px-4 py-2.5 text-left text-sm leading-relaxed break-words ${
                  message.fromAgent
                    ? 'rounded-bl-md bg-page-alt text-ink ring-1 ring-line ring-inset'
                    : 'rounded-br-md bg-brand-600 text-white'
                }`}
              >
                <Markdown lineBreaks>{message.body}</Markdown>
              </div>
              {message.task && !message.fromAgent ? (
                <p className="mt-1 inline-flex items-center gap-1.5 text-[11px] text-ink-faint">
                  <Link to={`${base}/tasks/${message.task.id}`} className="hover:text-ink hover:underline">
                    Task
                  </Link>
                  <TaskStatusBadge status={message.task.status} />
                </p>
              ) : null}
            </div>
          </li>
        ))}
        {working.length > 0 && agent ? (
          <li className="flex items-center gap-2.5">
            <AgentAvatar name={agent.name} color={agent.color} size="sm" />
            <p className="inline-flex items-center gap-2 rounded-2xl bg-page-alt px-4 py-2.5 text-sm text-ink-muted ring-1 ring-line ring-inset">
              <span className="inline-flex gap-1" aria-hidden="true">
                <span className="size-1.5 animate-bounce rounded-full bg-ink-faint [animation-delay:-0.3s]" />
                <span className="size-1.5 animate-bounce rounded-full bg-ink-faint [animation-delay:-0.15s]" />
                <span className="size-1.5 animate-bounce rounded-full bg-ink-faint" />
              </span>
              {streaming ? (
                <span className="whitespace-pre-wrap text-ink">{streaming}</span>
              ) : (
                `${agent.name} is working on it`
              )}
            </p>
          </li>
        ) : null}
      </ol>

      {canWrite && agent && !agent.archived ? (
        <Form ref={formRef} method="post" noValidate className="border-t border-line px-4 py-3 sm:px-5">
          <input type="hidden" name="agent" value={agent.slug} />
          <FormAlert message={failure?.formError} className="mb-3" />
          <label htmlFor="reply-body" className="sr-only">
            Reply to {agent.name}
          </label>
          <div className="flex items-end gap-2">
            <textarea
              id="reply-body"
              name="body"
              rows={2}
              required
              placeholder={`Reply to ${agent.name}…`}
              // '' rather than undefined: React keeps a textarea's first default otherwise, and the
              // reset after a send would bring back a failed attempt's text.
              defaultValue={failure?.values?.body ?? ''}
              aria-invalid={failure?.fieldErrors.body ? true : undefined}
              aria-describedby={failure?.fieldErrors.body ? 'reply-error' : undefined}
              onKeyDown={(event) => {
                // Ctrl/⌘+Enter sends; Enter alone makes a new line.
                if (event.key === 'Enter' && (event.metaKey || event.ctrlKey))
                  event.currentTarget.form?.requestSubmit();
              }}
              className={`${inputClasses} min-h-[44px] flex-1 resize-y py-2`}
            />
            <SubmitButton pending={sending} pendingLabel="Sending…">
              <Icon name="send" className="size-4" />
              Send
            </SubmitButton>
          </div>
          {failure?.fieldErrors.body ? (
            <p id="reply-error" className="mt-1.5 text-sm text-red-600 dark:text-red-400">
              {failure.fieldErrors.body}
            </p>
          ) : (
            <p className="mt-1.5 text-xs text-ink-faint">
              Ctrl+Enter to send. {agent.name} replies here when the task is done.
            </p>
          )}
        </Form>
      ) : agent?.archived ? (
        <p className="border-t border-line px-5 py-3 text-sm text-ink-muted">
          {agent.name} was archived; this thread is read-only.
        </p>
      ) : null}
    </section>
  );
}
