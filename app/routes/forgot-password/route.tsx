import type { ActionFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form } from '@remix-run/react';
import { requestPasswordReset } from '../../../core/account-email';
import { loadConfig } from '../../../core/config';
import { getDb } from '../../../core/db/client';
import { PasswordResetRequestInput } from '../../../core/validation';
import { AuthLayout, TextLink } from '../../components/AuthLayout';
import { FormAlert, SubmitButton, TextField, useActionForm } from '../../components/Form';
import { failureFromError, parseForm, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { authLimits, enforceRateLimit } from '../../lib/rate-limit.server';
import { clientIp, requestMeta } from '../../lib/request.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Reset your password · Generic Corp', description: 'Get a password reset link.', noIndex: true });

export async function action({ request, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  try {
    await enforceRateLimit(context, authLimits.accountEmailPerIp(clientIp(request)));
  } catch (error) {
    return { ...failureFromError(error), values: { email: '' }, sent: false };
  }
  const form = await readFormData(request);
  const values = { email: text(form, 'email') };
  try {
    const parsed = parseForm(PasswordResetRequestInput, values);
    if (!parsed.ok) return { ...parsed.failure, values, sent: false };
    await enforceRateLimit(context, authLimits.accountEmailPerEmail(parsed.data.email));
    await requestPasswordReset(getDb(env), env, loadConfig(env), parsed.data.email, requestMeta(request));
    // The same answer whether or not the address has an account.
    return { ok: true as const, values, sent: true };
  } catch (error) {
    return { ...failureFromError(error), values, sent: false };
  }
}

export default function ForgotPassword() {
  const { result, pending, formRef } = useActionForm<typeof action>();
  const errors = (result && 'fieldErrors' in result ? result.fieldErrors : undefined) ?? {};
  return (
    <AuthLayout
      title="Reset your password"
      description="Enter the email of your account and we will send you a link to choose a new password."
      footer={
        <>
          Remembered it? <TextLink to="/login">Log in</TextLink>
        </>
      }
    >
      {result?.sent ? (
        <p role="status" className="text-sm">
          If an account uses {result.values.email}, a reset link is on its way. It works once, for 30 minutes.
        </p>
      ) : (
        <Form ref={formRef} method="post" noValidate className="space-y-5">
          <FormAlert message={result && 'formError' in result ? result.formError : undefined} />
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="username"
            inputMode="email"
            required
            defaultValue={result?.values.email}
            error={errors.email}
          />
          <SubmitButton pending={pending} pendingLabel="Sending…" size="lg" className="w-full">
            Email me a reset link
          </SubmitButton>
        </Form>
      )}
    </AuthLayout>
  );
}
