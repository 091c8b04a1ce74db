import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Form, useLoaderData } from '@remix-run/react';
import { signUp } from '../../../core/accounts';
import { checkoutAfterSignup } from '../../../core/billing/checkout';
import { isPurchasablePlan } from '../../../core/billing/stripe';
import { loadConfig } from '../../../core/config';
import { getDb } from '../../../core/db/client';
import { isGuestUser } from '../../../core/demo';
import { findInvitationByToken } from '../../../core/members';
import { listMemberships } from '../../../core/orgs';
import { getPlan } from '../../../core/plans';
import { SignupInput } from '../../../core/validation';
import { AccountFields } from '../../components/AccountFields';
import { AuthLayout, TextLink } from '../../components/AuthLayout';
import { FormAlert, SubmitButton, TextField, useActionForm } from '../../components/Form';
import { withArticle } from '../../lib/format';
import { failureFromError, optionalText, parseForm, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { TRIAL_NOTE } from '../../lib/plan-display';
import { authLimits, enforceRateLimit } from '../../lib/rate-limit.server';
import { clientIp, requestMeta } from '../../lib/request.server';
import { getOptionalUser, sessionCookie } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Create your account · Generic Corp', description: 'Sign up and meet your team of AI agents.' });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const search = new URL(request.url).searchParams;
  const token = search.get('invitation');
  // `?plan=` from the pricing page: after signup the new org's owner goes to Stripe Checkout.
  const requested = search.get('plan');
  const { billingEnabled } = loadConfig(env);
  const plan =
    !token && billingEnabled && isPurchasablePlan(requested) ? { id: requested, name: getPlan(requested).name } : null;
  const signedIn = await getOptionalUser(request, env);
  if (signedIn) {
    if (token) throw redirect(`/invitations/${encodeURIComponent(token)}`);
    const db = getDb(env);
    // A demo visitor signs up by keeping their sandbox team.
    if (await isGuestUser(db, signedIn.user.id)) throw redirect('/demo/keep');
    // Signed in already and choosing a plan on the pricing page: their own org's billing page.
    const owned = plan ? (await listMemberships(db, signedIn.user.id)).find((m) => m.role === 'owner') : undefined;
    if (owned) throw redirect(`/orgs/${owned.organization.slug}/settings/billing?plan=${plan!.id}`);
    throw redirect('/orgs');
  }
  if (!token) return { invitation: null, invitationInvalid: false, plan, billingEnabled };
  const invitation = await findInvitationByToken(getDb(env), token);
  return {
    invitation: invitation
      ? { token, email: invitation.email, role: invitation.role, organizationName: invitation.organization.name }
      : null,
    invitationInvalid: !invitation,
    plan: null,
    billingEnabled,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  try {
    // Before the body is read: a flood of posts costs a counter, not a parse.
    await enforceRateLimit(context, authLimits.signupPerIp(clientIp(request)));
  } catch (error) {
    return { ...failureFromError(error), values: { email: '', name: '', organization_name: '' } };
  }
  const form = await readFormData(request);
  const invitationToken = optionalText(form, 'invitation_token');
  const values = {
    email: text(form, 'email'),
    name: text(form, 'name'),
    organization_name: text(form, 'organization_name'),
  };
  try {
    const parsed = parseForm(SignupInput, {
      email: values.email,
      password: text(form, 'password'),
      name: values.name,
      ...(invitationToken ? { invitation_token: invitationToken } : { organization_name: values.organization_name }),
    });
    if (!parsed.ok) return { ...parsed.failure, values };
    const config = loadConfig(env);
    const signedIn = await signUp(getDb(env), config, parsed.data, requestMeta(request), env);
    const headers = { 'Set-Cookie': sessionCookie(signedIn.token) };
    const plan = optionalText(form, 'plan');
    const checkout =
      plan && !invitationToken
        ? await checkoutAfterSignup(
            getDb(env),
            config,
            { orgId: signedIn.organization.id, userId: signedIn.user.id, email: signedIn.user.email, plan },
            clientIp(request),
          )
        : null;
    return redirect(checkout?.url ?? `/orgs/${signedIn.organization.slug}`, { headers });
  } catch (error) {
    return { ...failureFromError(error), values };
  }
}

export default function Signup() {
  const { invitation, invitationInvalid, plan, billingEnabled } = useLoaderData<typeof loader>();
  const { result, pending, formRef, errors } = useActionForm<typeof action>();

  return (
    <AuthLayout
      eyebrow={
        invitation
          ? 'You are invited'
          : plan
            ? `${plan.name} plan`
            : // A self-hosted instance has no trial: billing is off.
              billingEnabled
              ? TRIAL_NOTE
              : 'Your own instance'
      }
      title={invitation ? `Join ${invitation.organizationName}` : 'Create your account'}
      description={
        invitation
          ? `Create your account to join as ${withArticle(invitation.role)}.`
          : plan
            ? `Sign up and name your organization; then Stripe Checkout takes the payment for ${plan.name}.`
            : 'Sign up, name your organization, and meet your team of five agents.'
      }
      footer={
        <>
          Already have an account?{' '}
          <TextLink
            to={
              invitation
                ? `/login?${new URLSearchParams({ redirectTo: `/invitations/${invitation.token}` })}`
                : '/login'
            }
          >
            Log in
          </TextLink>
        </>
      }
    >
      <Form ref={formRef} method="post" noValidate className="space-y-5">
        {invitationInvalid ? (
          <FormAlert
            tone="info"
            message="That invitation link is no longer valid (it may have expired or been used). You can still create an account with your own organization."
          />
        ) : null}
        {invitation ? <input type="hidden" name="invitation_token" value={invitation.token} /> : null}
        {plan ? <input type="hidden" name="plan" value={plan.id} /> : null}
        <FormAlert message={result?.formError} />
        <AccountFields
          values={result?.values}
          errors={errors}
          email={{
            value: invitation?.email,
            readOnly: Boolean(invitation),
            hint: invitation ? 'The invitation was sent to this address.' : undefined,
            error: errors.email ?? errors.invitation_token,
          }}
        />
        {invitation ? null : (
          <TextField
            label="Organization name"
            name="organization_name"
            autoComplete="organization"
            required
            placeholder="Acme Inc"
            defaultValue={result?.values.organization_name}
            hint="Your team and its agents live here. You can rename it later."
            error={errors.organization_name}
          />
        )}
        <SubmitButton pending={pending} pendingLabel="Creating your account…" size="lg" className="w-full">
          {invitation ? `Create account and join` : 'Create account'}
        </SubmitButton>
      </Form>
    </AuthLayout>
  );
}
