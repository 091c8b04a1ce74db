import { ButtonLink } from './Button';
import { Icon } from './Icon';

/** The dashboard's notice in a demo sandbox (core/demo.ts): what it is, and how to keep it. */
export function DemoBanner({ idleHours }: { idleHours: number }) {
  return (
    <section
      aria-label="Demo"
      className="mb-6 flex flex-col gap-3 rounded-xl border border-brand-200 bg-brand-50 px-4 py-3 text-sm text-brand-900 sm:flex-row sm:items-center sm:justify-between"
    >
      <p className="flex items-start gap-2.5">
        <Icon name="info" className="mt-0.5 size-4 shrink-0" />
        <span>
          <strong className="font-semibold">This is a live demo.</strong> Agents use a simulated model, and this sandbox
          is deleted after {idleHours} hours without use. API keys, invitations and model keys come with an account.
        </span>
      </p>
      <ButtonLink to="/demo/keep" size="sm" className="shrink-0">
        Sign up to keep this team
      </ButtonLink>
    </section>
  );
}
