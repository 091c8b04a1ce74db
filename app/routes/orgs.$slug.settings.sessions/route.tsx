import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { deleteSessionById, listSessions } from '../../../core/auth/sessions';
import { getDb } from '../../../core/db/client';
import { closeSessionConnections } from '../../../core/live-connections';
import { signOutOtherSessions } from '../../../core/org-admin';
import { ConfirmAction } from '../../components/ConfirmAction';
import { FormAlert, SubmitButton, useIsSubmitting } from '../../components/Form';
import { Panel } from '../../components/PageHeader';
import { describeUserAgent, formatDateTime } from '../../lib/format';
import { failureFromError, formFailure, readFormData, text } from '../../lib/forms.server';
import { pageMeta } from '../../lib/meta';
import { clientIp } from '../../lib/request.server';
import { requireOrgMember } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Sessions · Generic Corp', description: 'Where you are signed in.', noIndex: true });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const sessions = await listSessions(getDb(env), member.user.id);
  return {
    sessions: sessions.map((session) => ({
      id: session.id,
      current: session.id === member.session.id,
      device: describeUserAgent(session.userAgent),
      userAgent: session.userAgent,
      ip: session.ip,
      createdAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
    })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const db = getDb(env);
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = text(form, 'intent');
  try {
    if (intent === 'sign-out-others') {
      const ended = await signOutOtherSessions(db, env, member.user.id, member.session.id, clientIp(request));
      return {
        ok: true as const,
        intent,
        message:
          ended === 0
            ? 'There were no other sessions.'
            : `Signed out ${ended} other ${ended === 1 ? 'session' : 'sessions'}.`,
      };
    }
    if (intent === 'sign-out-session') {
      const sessionId = text(form, 'sessionId');
      if (sessionId === member.session.id) return formFailure(intent, 'To end this session, sign out.');
      const ended = await deleteSessionById(db, member.user.id, sessionId);
      if (ended) await closeSessionConnections(db, env, member.user.id, [{ id: sessionId }]);
      return ended
        ? { ok: true as const, intent, message: 'Session signed out.' }
        : formFailure(intent, 'That session has already ended.');
    }
    return formFailure(intent, 'Unknown action.');
  } catch (error) {
    return failureFromError(error, intent);
  }
}

export default function SessionsSettings() {
  const { sessions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const signingOutOthers = useIsSubmitting('sign-out-others');
  const signingOutOne = useIsSubmitting('sign-out-session');
  const others = sessions.filter((session) => !session.current).length;

  return (
    <Panel
      id="sessions"
      title="Your sessions"
      description="Browsers where your account is signed in, most recent first. These are yours across every organization."
      footer={
        others > 0 ? (
          <Form method="post">
            <SubmitButton
              name="intent"
              value="sign-out-others"
              variant="secondary"
              pending={signingOutOthers}
              pendingLabel="Signing out…"
            >
              Sign out other sessions
            </SubmitButton>
          </Form>
        ) : null
      }
    >
      {result ? (
        <FormAlert
          tone={result.ok ? 'success' : 'error'}
          message={result.ok ? result.message : result.formError}
          className="mb-4"
        />
      ) : null}
      <ul className="-mx-5 -mb-5 divide-y divide-line border-t border-line sm:-mx-6 sm:-mb-6">
        {sessions.map((session) => (
          <li key={session.id} className="flex flex-wrap items-center gap-3 px-5 py-4 sm:px-6">
            <div className="min-w-0 flex-1">
              <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-ink">
                <span title={session.userAgent ?? undefined}>{session.device}</span>
                {session.current ? (
                  <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-[11px] font-medium text-emerald-800 ring-1 ring-emerald-600/20 ring-inset dark:bg-emerald-950 dark:text-emerald-300">
                    This device
                  </span>
                ) : null}
              </p>
              <p className="mt-0.5 text-xs text-ink-muted">
                {session.ip ? <span className="font-mono">{session.ip}</span> : 'Unknown IP'} · last seen{' '}
                {formatDateTime(session.lastSeenAt ?? session.createdAt)} · signed in{' '}
                {formatDateTime(session.createdAt)}
              </p>
            </div>
            {session.current ? null : (
              <ConfirmAction
                label="Sign out"
                accessibleLabel={`Sign out ${session.device}`}
                title="Sign out this session?"
                description="That browser will need to log in again."
                confirmLabel="Sign out session"
                intent="sign-out-session"
                fields={{ sessionId: session.id }}
                pending={signingOutOne}
              />
            )}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
