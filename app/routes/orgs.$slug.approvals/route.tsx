/**
 * Approvals: anything an agent addressed outside the organization (an email, a post) waits
 * here. Approving lets the agent's task continue; rejecting ends it with the reviewer's note.
 */
import { Markdown } from '../../components/Markdown';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { getDb } from '../../../core/db/client';
import { approvedEmailDelivery, type DeliveryStatus, deliveryStatuses } from '../../../core/email/delivery-status';
import { can } from '../../../core/permissions';
import { AgentAvatar } from '../../components/AgentAvatar';
import { Card } from '../../components/Card';
import { FormAlert } from '../../components/Form';
import { PageHeader } from '../../components/PageHeader';
import { failureFromError, formFailure, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { hubFor } from '../../lib/org.server';
import { requireOrgMember } from '../../lib/session.server';
import { useLiveActionData, useLiveRevalidation } from '../../lib/use-live-data';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Approvals · Generic Corp', description: 'Drafts waiting for a human.', noIndex: true });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const hub = hubFor(env, member);
  const approvals = await hub.read.approvals(50);
  const statuses = await deliveryStatuses(
    getDb(env),
    approvals.flatMap((approval) => (approval.emailDeliveryId ? [approval.emailDeliveryId] : [])),
  );
  return {
    org: { slug: member.organization.slug },
    canDecide: can(member.role, 'approvals:decide'),
    approvals: approvals.map(({ emailDeliveryId, ...approval }) => ({
      ...approval,
      delivery: approvedEmailDelivery(approval, emailDeliveryId, statuses),
    })),
  };
}

/** How each delivery state reads on a decided draft. */
const DELIVERY_BADGES: Record<DeliveryStatus | 'not_sent', { label: string; className: string }> = {
  queued: { label: 'sending', className: 'bg-amber-50 text-amber-700' },
  sent: { label: 'email sent', className: 'bg-emerald-50 text-emerald-700' },
  failed: { label: 'email failed', className: 'bg-rose-50 text-rose-700' },
  bounced: { label: 'email bounced', className: 'bg-rose-50 text-rose-700' },
  not_sent: { label: 'email not sent', className: 'bg-rose-50 text-rose-700' },
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  if (intent !== 'approve' && intent !== 'reject') return formFailure(intent, 'Unknown action.');
  try {
    const hub = hubFor(env, member, 'approvals:decide');
    const note = text(form, 'note').trim().slice(0, 1_000) || null;
    await hub.decideApproval(text(form, 'approvalId'), intent === 'approve' ? 'approved' : 'rejected', note);
    return {
      ok: true as const,
      intent,
      message:
        intent === 'approve'
          ? 'Approved: the agent continues.'
          : 'Rejected: a draft’s task ends with your note; a tool call’s agent is told and continues without it.',
    };
  } catch (error) {
    return failureFromError(error, intent);
  }
}

export default function Approvals() {
  const { org, approvals, canDecide } = useLoaderData<typeof loader>();
  useLiveRevalidation();
  const result = useLiveActionData<typeof action>();
  const pending = approvals.filter((a) => a.status === 'pending');
  const decided = approvals.filter((a) => a.status !== 'pending');
  return (
    <div className="space-y-8">
      <PageHeader
        title="Approvals"
        description="Nothing an agent writes to the outside world leaves without a human’s yes."
      />
      {/* The decided draft's buttons are gone with it: focus moves to the answer. */}
      {result && 'formError' in result && result.formError ? (
        <FormAlert tone="error" message={result.formError} focusFor={result} />
      ) : null}
      {result?.ok ? <FormAlert tone="success" message={result.message} focusFor={result} /> : null}
      <section aria-labelledby="pending-heading" className="space-y-4">
        <h2 id="pending-heading" className="text-base font-semibold text-ink">
          Waiting ({pending.length})
        </h2>
        {pending.length === 0 ? (
          <Card className="px-6 py-10 text-center text-sm text-ink-muted">
            Nothing is waiting. When an agent drafts an email or a post, or wants to make a tool call set to ask first,
            it appears here.
          </Card>
        ) : (
          pending.map((approval) => (
            <Card
              key={approval.id}
              as="article"
              className="p-5"
              aria-label={`${approval.kind === 'tool_call' ? 'Tool call' : 'Draft'} by ${approval.agent?.name ?? 'an agent'}`}
            >
              <div className="flex items-start gap-3">
                {approval.agent ? (
                  <AgentAvatar name={approval.agent.name} color={approval.agent.color} size="sm" />
                ) : null}
                <div className="min-w-0 flex-1">
                  <p id={`approval-${approval.id}-what`} className="text-sm text-ink">
                    <span className="font-semibold">{approval.agent?.name ?? 'An agent'}</span>{' '}
                    {approval.kind === 'tool_call' ? 'wants to make this tool call for' : 'drafted this for'}{' '}
                    {approval.task ? (
                      <Link
                        to={`/orgs/${org.slug}/tasks/${approval.task.id}`}
                        className="font-medium text-accent-ink hover:underline"
                      >
                        {approval.task.title}
                      </Link>
                    ) : (
                      'a task'
                    )}
                  </p>
                  {approval.kind === 'tool_call' ? (
                    <Markdown className="mt-3 rounded-lg bg-page-alt p-4 text-sm text-ink ring-1 ring-line">
                      {approval.draft}
                    </Markdown>
                  ) : (
                    <pre className="mt-3 whitespace-pre-wrap rounded-lg bg-page-alt p-4 font-sans text-sm text-ink ring-1 ring-line">
                      {approval.draft}
                    </pre>
                  )}
                  {canDecide ? (
                    <Form method="post" className="mt-4 flex flex-col gap-3 sm:flex-row sm:items-end">
                      <input type="hidden" name="approvalId" value={approval.id} />
                      <label className="flex-1 text-sm">
                        <span className="mb-1 block font-medium text-ink">Note (optional)</span>
                        <input
                          name="note"
                          maxLength={1000}
                          aria-describedby={`approval-${approval.id}-what`}
                          className="w-full rounded-lg border border-line bg-card px-3 py-2 text-sm text-ink focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
                        />
                      </label>
                      <div className="flex gap-2">
                        <button
                          type="submit"
                          name="intent"
                          value="approve"
                          aria-describedby={`approval-${approval.id}-what`}
                          className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
                        >
                          Approve
                        </button>
                        <button
                          type="submit"
                          name="intent"
                          value="reject"
                          aria-describedby={`approval-${approval.id}-what`}
                          className="rounded-lg border border-line bg-card px-4 py-2 text-sm font-semibold text-ink hover:bg-page-alt focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
                        >
                          Reject
                        </button>
                      </div>
                    </Form>
                  ) : (
                    <p className="mt-3 text-sm text-ink-muted">Members and above can approve or reject.</p>
                  )}
                </div>
              </div>
            </Card>
          ))
        )}
      </section>
      {decided.length > 0 ? (
        <section aria-labelledby="decided-heading" className="space-y-3">
          <h2 id="decided-heading" className="text-base font-semibold text-ink">
            Decided
          </h2>
          <Card as="section">
            <ul className="divide-y divide-line">
              {decided.map((approval) => (
                <li key={approval.id} className="flex items-center justify-between gap-3 px-5 py-3 text-sm">
                  <span className="min-w-0 truncate text-ink">
                    {approval.agent?.name ?? 'An agent'}:{' '}
                    {approval.draft
                      .split('\n')
                      .find((line) => line.startsWith('Subject:'))
                      ?.slice(9) ?? approval.draft.slice(0, 60)}
                  </span>
                  <span className="flex shrink-0 items-center gap-1.5">
                    {approval.delivery ? (
                      <span
                        data-testid="approval-delivery"
                        className={`rounded-full px-2 py-0.5 text-xs font-medium ${DELIVERY_BADGES[approval.delivery].className}`}
                      >
                        {DELIVERY_BADGES[approval.delivery].label}
                      </span>
                    ) : null}
                    <span
                      className={`rounded-full px-2 py-0.5 text-xs font-medium ${approval.status === 'approved' ? 'bg-emerald-50 text-emerald-700' : 'bg-rose-50 text-rose-700'}`}
                    >
                      {approval.status}
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        </section>
      ) : null}
    </div>
  );
}
