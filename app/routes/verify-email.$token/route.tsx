import type { ActionFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, useActionData } from '@remix-run/react';
import { verifyEmail } from '../../../core/account-email';
import { getDb } from '../../../core/db/client';
import { AuthLayout, TextLink } from '../../components/AuthLayout';
import { FormAlert, SubmitButton, useIsSubmitting } from '../../components/Form';
import { failureFromError } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { authLimits, enforceRateLimit } from '../../lib/rate-limit.server';
import { clientIp } from '../../lib/request.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Confirm your email · Generic Corp', description: 'Confirm your email address.', noIndex: true });

// Confirming is a button, not the GET: mail scanners that open links must not use them up.
export async function action({ request, params, context }: ActionFunctionArgs) {
  try {
    await enforceRateLimit(context, authLimits.loginPerIp(clientIp(request)));
    await verifyEmail(getDb(context.cloudflare.env), params.token ?? '');
    return { ok: true as const };
  } catch (error) {
    return failureFromError(error);
  }
}

export default function VerifyEmail() {
  const result = useActionData<typeof action>();
  const pending = useIsSubmitting();
  return (
    <AuthLayout
      title="Confirm your email"
      description="Confirming lets you invite people by email and sign in with other providers."
      footer={<TextLink to="/orgs">Go to your dashboard</TextLink>}
    >
      {result?.ok ? (
        <p role="status" className="text-sm">
          Your email address is confirmed.
        </p>
      ) : (
        <Form method="post" className="space-y-5">
          <FormAlert message={result && !result.ok ? result.formError : undefined} />
          <SubmitButton pending={pending} pendingLabel="Confirming…" size="lg" className="w-full">
            Confirm my email address
          </SubmitButton>
        </Form>
      )}
    </AuthLayout>
  );
}
