import { ButtonLink } from './Button';
import { Icon } from './Icon';

/**
 * The dashboard's notice while a payment has failed (subscription past_due): until when the
 * plan is kept, or that the org is on Free until a payment succeeds, and where to fix it.
 */
export function PastDueBanner({
  slug,
  graceEndsOn,
  downgraded,
  canManage,
}: {
  slug: string;
  /** YYYY-MM-DD, or null when unknown. */
  graceEndsOn: string | null;
  downgraded: boolean;
  canManage: boolean;
}) {
  return (
    <section
      aria-label="Payment failed"
      data-testid="past-due-banner"
      className="mb-6 flex flex-col gap-3 rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900 sm:flex-row sm:items-center sm:justify-between"
    >
      <p className="flex items-start gap-2.5">
        <Icon name="alert" className="mt-0.5 size-4 shrink-0" />
        <span>
          <strong className="font-semibold">The last payment failed.</strong>{' '}
          {downgraded
            ? 'This organization is on the Free plan until a payment succeeds; agents over its limits are paused.'
            : `Stripe is retrying the card. Update it${graceEndsOn ? ` by ${graceEndsOn}` : ''}, or the organization drops to the Free plan.`}
          {canManage ? null : ' Ask an owner to update the payment method.'}
        </span>
      </p>
      {canManage ? (
        <ButtonLink to={`/orgs/${slug}/settings/billing`} size="sm" className="shrink-0">
          Update payment method
        </ButtonLink>
      ) : null}
    </section>
  );
}
