import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { logOut } from '../../../core/accounts';
import { getDb } from '../../../core/db/client';
import { AuthLayout } from '../../components/AuthLayout';
import { buttonClasses } from '../../components/Button';
import { SubmitButton, useIsSubmitting } from '../../components/Form';
import { pageMeta } from '../../lib/meta';
import { requestMeta } from '../../lib/request.server';
import { clearedSessionCookie, getOptionalUser, safeRedirectPath } from '../../lib/session.server';
import { readFormData } from '../../lib/forms.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Sign out · Generic Corp', description: 'Sign out of Generic Corp.', noIndex: true });

/** Signing out is a POST (a link or prefetch must not end a session); GET shows the button. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const signedIn = await getOptionalUser(request, context.cloudflare.env);
  if (!signedIn) throw redirect('/');
  return { email: signedIn.user.email };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const signedIn = await getOptionalUser(request, context.cloudflare.env);
  const form = await readFormData(request);
  await logOut(
    getDb(context.cloudflare.env),
    context.cloudflare.env,
    signedIn?.token ?? null,
    signedIn?.user.id ?? null,
    requestMeta(request),
  );
  return redirect(safeRedirectPath(form.get('redirectTo'), '/'), { headers: { 'Set-Cookie': clearedSessionCookie() } });
}

export default function Logout() {
  const { email } = useLoaderData<typeof loader>();
  const pending = useIsSubmitting();
  return (
    <AuthLayout title="Sign out" description={`You are signed in as ${email}.`}>
      <Form method="post" className="flex flex-col gap-3 sm:flex-row-reverse">
        <SubmitButton pending={pending} pendingLabel="Signing out…" size="lg" className="w-full sm:flex-1">
          Sign out
        </SubmitButton>
        <Link to="/orgs" className={buttonClasses({ variant: 'secondary', size: 'lg', className: 'w-full sm:flex-1' })}>
          Back to dashboard
        </Link>
      </Form>
    </AuthLayout>
  );
}
