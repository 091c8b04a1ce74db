import { track } from '../../../core/analytics';
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { createCheckoutSession, createPortalSession } from '../../../core/billing/checkout';
import { BILLING_NOT_CONFIGURED, PURCHASABLE_PLANS } from '../../../core/billing/stripe';
import { loadConfig } from '../../../core/config';
import { getDb } from '../../../core/db/client';
import { ApiError } from '../../../core/errors';
import { can } from '../../../core/permissions';
import { effectivePlan, formatLimit, getPlan } from '../../../core/plans';
import { FormAlert, SubmitButton, useIsSubmitting } from '../../components/Form';
import { Panel } from '../../components/PageHeader';
import { failureFromError, formFailure, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { formatPrice, LIMIT_ROWS } from '../../lib/plan-display';
import { clientIp } from '../../lib/request.server';
import { requireOrgMember } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Billing · Generic Corp', description: 'Plan and billing.', noIndex: true });

const DAY_MS = 24 * 3600 * 1000;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const config = loadConfig(env);
  // The self-hosted edition has no billing: nothing to show.
  if (!config.billingEnabled) throw new Response('Not Found', { status: 404, statusText: 'Not Found' });
  const org = member.organization;
  const now = Date.now();
  return {
    slug: org.slug,
    plan: { id: org.plan, name: getPlan(org.plan).name },
    // What this org may use now: the plan's limits with any contract overrides, as the OrgHub enforces them.
    limits: LIMIT_ROWS.map((row) => {
      const value = effectivePlan({ plan: org.plan, limits: org.planLimits }).limits[row.key];
      return { key: row.key, text: `${formatLimit(value)} ${value === 1 ? row.one : row.many}` };
    }),
    status: org.subscriptionStatus,
    trialDaysLeft:
      org.subscriptionStatus === 'trialing' && org.trialEndsAt
        ? Math.max(0, Math.ceil((org.trialEndsAt - now) / DAY_MS))
        : null,
    currentPeriodEnd: org.currentPeriodEnd ? new Date(org.currentPeriodEnd).toISOString().slice(0, 10) : null,
    hasCustomer: Boolean(org.stripeCustomerId),
    subscribed:
      Boolean(org.stripeSubscriptionId) &&
      (org.subscriptionStatus === 'active' || org.subscriptionStatus === 'past_due'),
    canManage: can(member.role, 'billing:manage'),
    configured: Boolean(config.STRIPE_SECRET_KEY),
    plans: PURCHASABLE_PLANS.map((id) => ({ id, name: getPlan(id).name, price: formatPrice(getPlan(id)).amount })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  const config = loadConfig(env);
  try {
    if (intent === 'checkout') {
      const { url } = await createCheckoutSession(
        getDb(env),
        config,
        member.ctx,
        member.organization,
        { plan: text(form, 'plan'), email: member.user.email },
        clientIp(request),
      );
      await track(env, 'checkout_started', {
        org: member.ctx.orgId,
        actor: member.user.id,
        detail: text(form, 'plan'),
      });
      return redirect(url);
    }
    if (intent === 'portal') {
      const { url } = await createPortalSession(config, member.ctx, member.organization);
      return redirect(url);
    }
    return formFailure(intent, 'Unknown action.');
  } catch (error) {
    if (error instanceof ApiError && error.status === 503) return formFailure(intent, error.message);
    return failureFromError(error, intent);
  }
}

const STATUS_LABEL: Record<string, string> = {
  none: 'No subscription',
  trialing: 'Trial',
  active: 'Active',
  past_due: 'Payment failed: Stripe is retrying',
  canceled: 'Canceled',
};

export default function BillingSettings() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const checkingOut = useIsSubmitting('checkout');
  const opening = useIsSubmitting('portal');
  const failed = result && 'ok' in result && !result.ok ? result : null;
  const returned = search.get('checkout');
  const chosen = data.plans.find((plan) => plan.id === search.get('plan'));

  return (
    <div className="space-y-6">
      {returned === 'success' ? (
        <FormAlert
          tone="success"
          message="Thanks! Your plan changes as soon as Stripe confirms the payment (usually within seconds)."
        />
      ) : null}
      {returned === 'canceled' ? (
        <FormAlert
          tone="info"
          message="Checkout was canceled; nothing changed. You can choose a plan below at any time."
        />
      ) : null}
      {chosen && data.canManage && !data.subscribed ? (
        <FormAlert
          tone="info"
          message={`You chose ${chosen.name} on the pricing page: continue to Stripe with its button below.`}
        />
      ) : null}
      {returned === 'unavailable' ? (
        <FormAlert
          tone="info"
          message="Your organization is ready, but Stripe Checkout could not be opened just now. Choose the plan again below."
        />
      ) : null}
      <FormAlert message={failed?.formError} />
      {!data.configured ? <FormAlert tone="info" message={BILLING_NOT_CONFIGURED} /> : null}

      <Panel id="plan" title="Plan" description="Your plan sets your limits.">
        <dl className="grid max-w-xl gap-4 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-ink-faint">Plan</dt>
            <dd className="mt-0.5 font-medium text-ink" data-testid="billing-plan">
              {data.plan.name}
            </dd>
          </div>
          <div>
            <dt className="text-ink-faint">Status</dt>
            <dd className="mt-0.5 font-medium text-ink" data-testid="billing-status">
              {STATUS_LABEL[data.status] ?? data.status}
            </dd>
          </div>
          {data.trialDaysLeft !== null ? (
            <div>
              <dt className="text-ink-faint">Trial</dt>
              <dd className="mt-0.5 font-medium text-ink">
                {data.trialDaysLeft} day{data.trialDaysLeft === 1 ? '' : 's'} left
              </dd>
            </div>
          ) : data.currentPeriodEnd ? (
            <div>
              <dt className="text-ink-faint">Renews</dt>
              <dd className="mt-0.5 font-medium text-ink">{data.currentPeriodEnd}</dd>
            </div>
          ) : null}
        </dl>
        <ul aria-label="Your plan’s limits" className="mt-5 flex flex-wrap gap-x-6 gap-y-2 text-sm text-ink-muted">
          {data.limits.map((limit) => (
            <li key={limit.key} className="tabular-nums">
              {limit.text}
            </li>
          ))}
        </ul>
      </Panel>

      <p className="text-sm text-ink-muted">
        <Link to={`/orgs/${data.slug}/settings/usage`} className="font-medium text-brand-700 hover:underline">
          See this period’s usage
        </Link>{' '}
        (agent-minutes against the plan, per agent and per day).
      </p>

      {data.canManage && data.configured ? (
        <Panel
          id="manage"
          title={data.subscribed ? 'Manage your subscription' : 'Choose a plan'}
          description={
            data.subscribed
              ? 'Change plan, update the card or cancel in the Stripe billing portal.'
              : 'Checkout is handled by Stripe; your plan changes when the payment is confirmed.'
          }
        >
          <div className="flex flex-wrap gap-3">
            {data.subscribed
              ? null
              : data.plans.map((plan) => (
                  <Form method="post" key={plan.id}>
                    <input type="hidden" name="plan" value={plan.id} />
                    <SubmitButton name="intent" value="checkout" pending={checkingOut} pendingLabel="Opening Stripe…">
                      {plan.name} · {plan.price}/month
                    </SubmitButton>
                  </Form>
                ))}
            {data.hasCustomer ? (
              <Form method="post">
                <SubmitButton
                  name="intent"
                  value="portal"
                  variant="secondary"
                  pending={opening}
                  pendingLabel="Opening…"
                >
                  Billing portal
                </SubmitButton>
              </Form>
            ) : null}
          </div>
        </Panel>
      ) : data.canManage ? null : (
        <Panel id="manage" title="Billing" description="Only owners can change the plan or payment details." />
      )}
    </div>
  );
}
