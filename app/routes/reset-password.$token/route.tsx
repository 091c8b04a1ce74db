import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Form, useLoaderData } from '@remix-run/react';
import { isResetTokenUsable, resetPassword } from '../../../core/account-email';
import { RESET_LINK_INVALID } from '../../../core/auth/link-messages';
import { getDb } from '../../../core/db/client';
import { PasswordResetInput } from '../../../core/validation';
import { AuthLayout, TextLink } from '../../components/AuthLayout';
import { FormAlert, SubmitButton, TextField, useActionForm } from '../../components/Form';
import { failureFromError, parseForm, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { authLimits, enforceRateLimit } from '../../lib/rate-limit.server';
import { clientIp, requestMeta } from '../../lib/request.server';
import { sessionCookie } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Choose a new password · Generic Corp', description: 'Reset your password.', noIndex: true });

export async function loader({ params, context }: LoaderFunctionArgs) {
  // Looking does not use the link; only setting a password does.
  return { usable: await isResetTokenUsable(getDb(context.cloudflare.env), params.token ?? '') };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  try {
    await enforceRateLimit(context, authLimits.loginPerIp(clientIp(request)));
    const form = await readFormData(request);
    const parsed = parseForm(PasswordResetInput, { token: params.token ?? '', password: text(form, 'password') });
    if (!parsed.ok) return parsed.failure;
    const { token } = await resetPassword(
      getDb(env),
      env,
      parsed.data.token,
      parsed.data.password,
      requestMeta(request),
    );
    return redirect('/orgs', { headers: { 'Set-Cookie': sessionCookie(token) } });
  } catch (error) {
    return failureFromError(error);
  }
}

export default function ResetPassword() {
  const { usable } = useLoaderData<typeof loader>();
  const { result, pending, formRef, errors } = useActionForm<typeof action>();
  return (
    <AuthLayout
      title="Choose a new password"
      description="Setting it signs you out everywhere else."
      footer={
        <>
          Need a new link? <TextLink to="/forgot-password">Ask again</TextLink>
        </>
      }
    >
      {usable ? (
        <Form ref={formRef} method="post" noValidate className="space-y-5">
          <FormAlert message={result?.formError ?? (errors.token ? RESET_LINK_INVALID : undefined)} />
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            error={errors.password}
          />
          <SubmitButton pending={pending} pendingLabel="Saving…" size="lg" className="w-full">
            Set password and log in
          </SubmitButton>
        </Form>
      ) : (
        <FormAlert message={RESET_LINK_INVALID} />
      )}
    </AuthLayout>
  );
}
