/**
 * "Sign up to keep this team": the sandbox's guest becomes a real user (email and password) and
 * the sandbox a real org on the plan every new org starts on (core/demo.ts claimSandbox). The
 * agents and their work stay: they live in the org's OrgHub.
 */
import { normalizeEmail } from '../../../core/users';
import { sendVerificationEmail } from '../../../core/account-email';
import { track } from '../../../core/analytics';
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Form, useLoaderData } from '@remix-run/react';
import { loadConfig } from '../../../core/config';
import { getDb } from '../../../core/db/client';
import { claimSandbox, findGuestSandbox } from '../../../core/demo';
import { SignupInput } from '../../../core/validation';
import { AccountFields } from '../../components/AccountFields';
import { AuthLayout, TextLink } from '../../components/AuthLayout';
import { FormAlert, SubmitButton, TextField, useActionForm } from '../../components/Form';
import { failureFromError, parseForm, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { authLimits, enforceRateLimit } from '../../lib/rate-limit.server';
import { clientIp, requestMeta } from '../../lib/request.server';
import { requireUser, sessionCookie } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({
    title: 'Keep your demo team · Generic Corp',
    description: 'Sign up and keep the demo team, its agents and their work.',
    noIndex: true,
  });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const { user } = await requireUser(request, env);
  const sandbox = await findGuestSandbox(getDb(env), user.id);
  // Not a guest (or the demo is gone): nothing to keep.
  if (!sandbox) throw redirect('/orgs');
  return { org: { name: sandbox.name, slug: sandbox.slug } };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const { user } = await requireUser(request, env);
  const values = { email: '', name: '', organization_name: '' };
  try {
    await enforceRateLimit(context, authLimits.signupPerIp(clientIp(request)));
    const db = getDb(env);
    const sandbox = await findGuestSandbox(db, user.id);
    if (!sandbox) return redirect('/orgs');
    const form = await readFormData(request);
    Object.assign(values, {
      email: text(form, 'email'),
      name: text(form, 'name'),
      organization_name: text(form, 'organization_name'),
    });
    const parsed = parseForm(SignupInput.pick({ email: true, password: true, name: true, organization_name: true }), {
      email: values.email,
      password: text(form, 'password'),
      name: values.name,
      organization_name: values.organization_name,
    });
    if (!parsed.ok) return { ...parsed.failure, values };
    const kept = await claimSandbox(
      db,
      env,
      loadConfig(env),
      { userId: user.id, orgId: sandbox.id },
      parsed.data,
      requestMeta(request),
    );
    await track(env, 'demo_converted', { org: kept.org.id, actor: user.id });
    // The guest chose an email address: confirm it, as at signup.
    await sendVerificationEmail(db, env, loadConfig(env), {
      id: user.id,
      email: normalizeEmail(parsed.data.email),
      name: parsed.data.name,
    });
    return redirect(`/orgs/${kept.org.slug}`, { headers: { 'Set-Cookie': sessionCookie(kept.token) } });
  } catch (error) {
    return { ...failureFromError(error), values };
  }
}

export default function KeepDemo() {
  const { org } = useLoaderData<typeof loader>();
  const { result, pending, formRef, errors } = useActionForm<typeof action>();
  return (
    <AuthLayout
      eyebrow="Keep your demo team"
      title="Sign up to keep this team"
      description="Your agents, tasks and messages stay. From now on they can use a real model key, and you can invite people and create API keys."
      footer={
        <>
          Changed your mind? <TextLink to={`/orgs/${org.slug}`}>Back to the demo</TextLink>
        </>
      }
    >
      <Form ref={formRef} method="post" noValidate className="space-y-5">
        <FormAlert message={result?.formError} />
        <AccountFields values={result?.values} errors={errors} />
        <TextField
          label="Organization name"
          name="organization_name"
          autoComplete="organization"
          required
          defaultValue={result?.values.organization_name || org.name}
          hint="You can rename it later."
          error={errors.organization_name}
        />
        <SubmitButton pending={pending} pendingLabel="Keeping your team…" size="lg" className="w-full">
          Sign up and keep the team
        </SubmitButton>
      </Form>
    </AuthLayout>
  );
}
