import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { isLocalHost, loadConfig } from '../../../core/config';
import { getDb } from '../../../core/db/client';
import { listOutbox } from '../../../core/email/outbox';
import { Container } from '../../components/Container';
import { pageMeta } from '../../lib/meta';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Outbox · Generic Corp (development)', description: 'Emails sent locally.', noIndex: true });

/**
 * Development only, on the machine itself: every email the app sent (or tried to), newest first,
 * as the recipient sees it. It shows reset and invitation links, so a deploy that kept
 * APP_ENV = "development" must not serve it to the internet.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const config = loadConfig(env);
  if (config.APP_ENV !== 'development' || !isLocalHost(new URL(request.url).hostname, config.APP_ENV))
    throw new Response('Not Found', { status: 404 });
  const to = new URL(request.url).searchParams.get('to') ?? undefined;
  const emails = await listOutbox(getDb(env), { to, limit: 50 });
  return {
    emails: emails.map((e) => ({
      id: e.id,
      to: e.toAddress,
      from: e.fromAddress,
      subject: e.subject,
      template: e.template,
      status: e.status,
      transport: e.transport,
      attempts: e.attempts,
      lastError: e.lastError,
      text: e.text,
      createdAt: new Date(e.createdAt).toISOString(),
    })),
  };
}

export default function Outbox() {
  const { emails } = useLoaderData<typeof loader>();
  return (
    <Container className="py-10">
      <h1 className="text-2xl font-semibold">Outbox</h1>
      <p className="mt-2 text-sm text-slate-600">
        Development only: the emails the app sent through the local outbox (no email leaves this machine).
      </p>
      {emails.length === 0 ? <p className="mt-6">No emails yet.</p> : null}
      <ol className="mt-6 space-y-6">
        {emails.map((email) => (
          <li key={email.id} className="rounded border border-slate-200 p-4" data-testid="outbox-email">
            <p className="text-sm text-slate-600">
              {email.createdAt} · {email.template} · {email.status}
              {email.lastError ? ` · ${email.lastError}` : ''}
            </p>
            <p>
              To <strong>{email.to}</strong>
              {email.from ? ` from ${email.from}` : ''}
            </p>
            <h2 className="font-semibold">{email.subject ?? '(not rendered yet)'}</h2>
            {email.text ? <pre className="mt-2 whitespace-pre-wrap text-sm">{email.text}</pre> : null}
          </li>
        ))}
      </ol>
    </Container>
  );
}
