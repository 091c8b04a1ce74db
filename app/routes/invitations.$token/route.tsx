import { track } from '../../../core/analytics';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { getDb } from '../../../core/db/client';
import { acceptInvitation, findInvitationByToken } from '../../../core/members';
import { findMembershipBySlug } from '../../../core/orgs';
import { AuthLayout, TextLink } from '../../components/AuthLayout';
import { buttonClasses, ButtonLink } from '../../components/Button';
import { FormAlert, SubmitButton, useIsSubmitting } from '../../components/Form';
import { RoleBadge } from '../../components/StatusBadge';
import { withArticle } from '../../lib/format';
import { failureFromError } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { authLimits, enforceRateLimit } from '../../lib/rate-limit.server';
import { clientIp } from '../../lib/request.server';
import { getOptionalUser, requireUser } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Invitation · Generic Corp', description: 'Join an organization on Generic Corp.', noIndex: true });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const db = getDb(env);
  const token = params.token ?? '';
  const [invitation, signedIn] = await Promise.all([findInvitationByToken(db, token), getOptionalUser(request, env)]);
  const user = signedIn ? { email: signedIn.user.email, name: signedIn.user.name } : null;
  if (!invitation) return data({ token, invitation: null, user, alreadyMember: false }, { status: 404 });
  const alreadyMember = signedIn
    ? Boolean(await findMembershipBySlug(db, signedIn.user.id, invitation.organization.slug))
    : false;
  return {
    token,
    invitation: {
      email: invitation.email,
      role: invitation.role,
      organization: { name: invitation.organization.name, slug: invitation.organization.slug },
    },
    user,
    alreadyMember,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const signedIn = await requireUser(request, env);
  try {
    await enforceRateLimit(context, authLimits.invitationPerIp(clientIp(request)));
    const invitation = await acceptInvitation(getDb(env), params.token ?? '', signedIn.user, clientIp(request));
    await track(env, 'invitation_accepted', { org: invitation.organization.id, actor: signedIn.user.id });
    return redirect(`/orgs/${invitation.organization.slug}`);
  } catch (error) {
    return failureFromError(error, 'accept');
  }
}

export default function Invitation() {
  const { token, invitation, user, alreadyMember } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const pending = useIsSubmitting();

  if (!invitation) {
    return (
      <AuthLayout
        title="This invitation is not valid"
        description="It may have expired, been revoked or already been used. Ask the person who invited you for a new link."
      >
        <div className="flex flex-col gap-3">
          <ButtonLink to={user ? '/orgs' : '/login'} size="lg" className="w-full">
            {user ? 'Go to your dashboard' : 'Log in'}
          </ButtonLink>
          <ButtonLink to="/" variant="secondary" size="lg" className="w-full">
            Back to home
          </ButtonLink>
        </div>
      </AuthLayout>
    );
  }

  const orgName = invitation.organization.name;
  const emailMatches = user?.email.toLowerCase() === invitation.email;

  return (
    <AuthLayout
      eyebrow="Invitation"
      title={`Join ${orgName}`}
      description={`You are invited to join ${orgName} on Generic Corp as ${withArticle(invitation.role)}.`}
    >
      <dl className="divide-y divide-line rounded-xl border border-line text-sm">
        <div className="flex items-center justify-between gap-4 px-4 py-3">
          <dt className="text-ink-muted">Organization</dt>
          <dd className="truncate font-medium text-ink">{orgName}</dd>
        </div>
        <div className="flex items-center justify-between gap-4 px-4 py-3">
          <dt className="text-ink-muted">Role</dt>
          <dd>
            <RoleBadge role={invitation.role} />
          </dd>
        </div>
        <div className="flex items-center justify-between gap-4 px-4 py-3">
          <dt className="text-ink-muted">For</dt>
          <dd className="truncate font-medium text-ink">{invitation.email}</dd>
        </div>
      </dl>

      <div className="mt-6">
        {alreadyMember ? (
          <div className="space-y-4">
            <FormAlert tone="info" message={`You are already a member of ${orgName}.`} />
            <ButtonLink to={`/orgs/${invitation.organization.slug}`} size="lg" className="w-full">
              Open {orgName}
            </ButtonLink>
          </div>
        ) : emailMatches ? (
          <Form method="post" className="space-y-4">
            <FormAlert message={result?.formError} />
            <SubmitButton pending={pending} pendingLabel="Joining…" size="lg" className="w-full">
              Accept invitation
            </SubmitButton>
          </Form>
        ) : user ? (
          <div className="space-y-4">
            <FormAlert
              tone="info"
              message={
                <>
                  You are signed in as <strong className="font-medium">{user.email}</strong>. This invitation is for{' '}
                  {invitation.email}: sign out, then sign in or sign up with that address.
                </>
              }
            />
            <Form method="post" action="/logout">
              <input type="hidden" name="redirectTo" value={`/invitations/${token}`} />
              <button
                type="submit"
                className={buttonClasses({ variant: 'secondary', size: 'lg', className: 'w-full' })}
              >
                Sign out
              </button>
            </Form>
          </div>
        ) : (
          <div className="flex flex-col gap-3">
            <ButtonLink to={`/signup?${new URLSearchParams({ invitation: token })}`} size="lg" className="w-full">
              Create an account to join
            </ButtonLink>
            <p className="text-center text-sm text-ink-muted">
              Already have an account?{' '}
              <TextLink to={`/login?${new URLSearchParams({ redirectTo: `/invitations/${token}` })}`}>
                Log in to accept
              </TextLink>
            </p>
          </div>
        )}
      </div>
    </AuthLayout>
  );
}
