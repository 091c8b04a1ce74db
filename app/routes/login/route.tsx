import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Form, useLoaderData } from '@remix-run/react';
import { logIn } from '../../../core/accounts';
import { getDb } from '../../../core/db/client';
import { LoginInput } from '../../../core/validation';
import { AuthLayout, TextLink } from '../../components/AuthLayout';
import { FormAlert, SubmitButton, TextField, useActionForm } from '../../components/Form';
import { failureFromError, parseForm, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { authLimits, enforceRateLimit, refundRateLimits } from '../../lib/rate-limit.server';
import { clientIp, requestMeta } from '../../lib/request.server';
import { getOptionalUser, safeRedirectPath, sessionCookie } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Log in · Generic Corp', description: 'Log in to your Generic Corp dashboard.', noIndex: true });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const requested = new URL(request.url).searchParams.get('redirectTo');
  const redirectTo = safeRedirectPath(requested);
  if (await getOptionalUser(request, context.cloudflare.env)) throw redirect(redirectTo);
  return { redirectTo: requested ? redirectTo : null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  try {
    // Before the body is read: a flood of posts costs a counter, not a parse.
    await enforceRateLimit(context, authLimits.loginPerIp(clientIp(request)));
  } catch (error) {
    return { ...failureFromError(error), values: { email: '' } };
  }
  const form = await readFormData(request);
  const values = { email: text(form, 'email') };
  const redirectTo = safeRedirectPath(form.get('redirectTo'));
  try {
    const parsed = parseForm(LoginInput, { email: values.email, password: text(form, 'password') });
    if (!parsed.ok) return { ...parsed.failure, values };
    const attemptLimits = authLimits.loginAttempt(clientIp(request), parsed.data.email);
    for (const limit of attemptLimits) await enforceRateLimit(context, limit);
    const { token } = await logIn(getDb(context.cloudflare.env), parsed.data, requestMeta(request));
    // The backoff counts failed guesses: a successful sign-in takes its attempt back.
    refundRateLimits(context, attemptLimits);
    return redirect(redirectTo, { headers: { 'Set-Cookie': sessionCookie(token) } });
  } catch (error) {
    return { ...failureFromError(error), values };
  }
}

export default function Login() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const { result, pending, formRef, errors } = useActionForm<typeof action>();

  return (
    <AuthLayout
      title="Log in to Generic Corp"
      description="Welcome back. Your team kept the lights on."
      footer={
        <>
          New to Generic Corp? <TextLink to="/signup">Create an account</TextLink>
        </>
      }
    >
      <Form ref={formRef} method="post" noValidate className="space-y-5">
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
        <FormAlert message={result?.formError} />
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
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <p className="text-sm">
          <TextLink to="/forgot-password">Forgot your password?</TextLink>
        </p>
        <SubmitButton pending={pending} pendingLabel="Logging in…" size="lg" className="w-full">
          Log in
        </SubmitButton>
      </Form>
    </AuthLayout>
  );
}
