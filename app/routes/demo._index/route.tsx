/**
 * `/demo`: the public demo (core/demo.ts). A visitor gets a fresh sandbox org, signed in as its
 * anonymous guest, and lands in its dashboard; a returning guest goes back to the same one.
 * Someone signed in with a real account is asked first (the demo would sign them out), and an
 * address over its hourly allowance of new sandboxes is told to wait.
 *
 * A sandbox is made by the POST only. The page posts itself as it loads (and shows the button
 * without JavaScript), so a crawler, a link preview or an <img src="/demo"> on another site
 * makes nothing and spends no one's allowance.
 */
import { track } from '../../../core/analytics';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { loadConfig } from '../../../core/config';
import { getDb } from '../../../core/db/client';
import { createSandbox, findGuestSandbox, isGuestUser, touchSandbox } from '../../../core/demo';
import { ApiError } from '../../../core/errors';
import { demoSandboxLimit } from '../../../core/rate-limit';
import { AuthLayout, TextLink } from '../../components/AuthLayout';
import { ButtonLink } from '../../components/Button';
import { FormAlert, SubmitButton, useIsSubmitting } from '../../components/Form';
import { pageMeta } from '../../lib/meta';
import { enforceRateLimit } from '../../lib/rate-limit.server';
import { clientIp, requestMeta } from '../../lib/request.server';
import { getOptionalUser, sessionCookie } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({
    title: 'Live demo · Generic Corp',
    description: 'Meet a team of AI agents at work in your own sandbox. No signup.',
    noIndex: true,
  });

type Context = LoaderFunctionArgs['context'];

/** Creates a sandbox (counted against the address's allowance) and sends the visitor into it. */
async function startSandbox(request: Request, context: Context) {
  const env = context.cloudflare.env;
  const config = loadConfig(env);
  await enforceRateLimit(context, demoSandboxLimit(clientIp(request), config.DEMO_SANDBOXES_PER_IP_HOUR));
  const { org, token } = await createSandbox(getDb(env), env, config, requestMeta(request));
  await track(env, 'demo_created', { org: org.id });
  return redirect(`/orgs/${org.slug}`, { headers: { 'Set-Cookie': sessionCookie(token) } });
}

function refusal(error: unknown) {
  if (error instanceof ApiError && error.status === 429)
    return data({ kind: 'limited' as const, message: error.message }, { status: 429, headers: error.headers });
  throw error;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const db = getDb(env);
  const signedIn = await getOptionalUser(request, env);
  if (signedIn) {
    const sandbox = await findGuestSandbox(db, signedIn.user.id);
    if (sandbox) {
      await touchSandbox(db, sandbox);
      throw redirect(`/orgs/${sandbox.slug}`);
    }
    // A real account: starting a demo would replace its session, so ask first.
    if (!(await isGuestUser(db, signedIn.user.id))) return { kind: 'signed_in' as const, name: signedIn.user.name };
  }
  return { kind: 'start' as const };
}

/** Starts the sandbox: posted by the page as it loads, or "Start the demo anyway" when signed in. */
export async function action({ request, context }: ActionFunctionArgs) {
  try {
    return await startSandbox(request, context);
  } catch (error) {
    return refusal(error);
  }
}

export default function Demo() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const pending = useIsSubmitting();
  const limited = result?.kind === 'limited' ? result : null;
  if (limited) {
    return (
      <AuthLayout
        eyebrow="Live demo"
        title="Too many demos from your network"
        description="Each demo is a whole team of agents, so we limit how many one address can start in an hour."
        footer={
          <>
            Or <TextLink to="/signup">create a free account</TextLink>: it takes a minute.
          </>
        }
      >
        <FormAlert message={limited.message} />
        <div className="mt-5 flex justify-center">
          <ButtonLink to="/" variant="secondary">
            Back to the home page
          </ButtonLink>
        </div>
      </AuthLayout>
    );
  }
  if (data.kind === 'start') return <StartingDemo pending={pending} />;
  return (
    <AuthLayout
      eyebrow="Live demo"
      title="Start a demo?"
      description={`You are signed in${data.kind === 'signed_in' ? ` as ${data.name}` : ''}. The demo runs as a guest in its own sandbox, so starting it signs you out here.`}
    >
      <Form method="post" className="space-y-3">
        <SubmitButton pending={pending} pendingLabel="Starting…" size="lg" className="w-full">
          Start the demo
        </SubmitButton>
        <ButtonLink to="/orgs" variant="secondary" size="lg" className="w-full">
          Back to my organizations
        </ButtonLink>
      </Form>
    </AuthLayout>
  );
}

/** Posts itself once when it loads, so a visitor goes straight in; the button is for no JavaScript. */
function StartingDemo({ pending }: { pending: boolean }) {
  const form = useRef<HTMLFormElement>(null);
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    form.current?.requestSubmit();
  }, []);
  return (
    <AuthLayout
      eyebrow="Live demo"
      title="Your team is on its way"
      description="A sandbox of your own with five agents at work. No signup; it is deleted after a few hours unused."
    >
      <Form ref={form} method="post" className="space-y-3">
        <SubmitButton pending={pending} pendingLabel="Starting…" size="lg" className="w-full">
          Start the demo
        </SubmitButton>
      </Form>
    </AuthLayout>
  );
}
