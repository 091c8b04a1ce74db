import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/cloudflare';
import { Form, useLoaderData } from '@remix-run/react';
import { useRef } from 'react';
import { can } from '../../../core/permissions';
import {
  FormAlert,
  SelectField,
  SubmitButton,
  TextAreaField,
  useFocusFirstError,
  useIsSubmitting,
} from '../../components/Form';
import { Icon } from '../../components/Icon';
import { EmptyState, Panel } from '../../components/PageHeader';
import { failureFromError, parseForm, readFormData, text } from '../../lib/forms.server';
import { MessageForm } from '../../lib/message-form.server';
import { hubFor } from '../../lib/org.server';
import { requireOrgMember } from '../../lib/session.server';
import { useLiveActionData } from '../../lib/use-live-data';

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const agents = await hubFor(env, member).read.agents({});
  return {
    canWrite: can(member.role, 'tasks:write'),
    agents: agents.map((agent) => ({
      slug: agent.slug,
      name: agent.name,
      role: agent.role,
      paused: agent.status === 'paused',
    })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const form = await readFormData(request);
  const intent = 'send';
  const values = { agent: text(form, 'agent'), body: text(form, 'body') };
  try {
    const hub = hubFor(env, member, 'tasks:write');
    const parsed = parseForm(MessageForm, values, intent);
    if (!parsed.ok) return { ...parsed.failure, values };
    const sent = await hub.postMessage(parsed.data);
    throw redirect(`/orgs/${member.organization.slug}/messages/${sent.thread_id}`);
  } catch (error) {
    if (error instanceof Response) throw error;
    return { ...failureFromError(error, intent), values };
  }
}

export default function NewMessage() {
  const { canWrite, agents } = useLoaderData<typeof loader>();
  const result = useLiveActionData<typeof action>();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, result);
  const sending = useIsSubmitting();

  if (!canWrite) {
    return (
      <EmptyState title="Pick a thread" icon={<Icon name="messages" />}>
        <p>Your role can read conversations; a member can write to agents.</p>
      </EmptyState>
    );
  }

  return (
    <Panel
      id="new-message"
      title="New message"
      description="Ask an agent something or hand them work in plain words. They answer here when their task is done."
    >
      <Form ref={formRef} method="post" noValidate className="space-y-5">
        <FormAlert message={result?.formError} />
        <SelectField
          label="To"
          name="agent"
          defaultValue={result?.values.agent || agents.find((agent) => !agent.paused)?.slug}
          error={result?.fieldErrors.agent}
          className="sm:max-w-sm"
        >
          {agents.map((agent) => (
            <option key={agent.slug} value={agent.slug}>
              {agent.name} · {agent.role}
              {agent.paused ? ' (paused)' : ''}
            </option>
          ))}
        </SelectField>
        <TextAreaField
          label="Message"
          name="body"
          rows={5}
          required
          defaultValue={result?.values.body}
          placeholder="Can you check why the nightly export was slow?"
          error={result?.fieldErrors.body}
        />
        <div className="flex justify-end">
          <SubmitButton pending={sending} pendingLabel="Sending…">
            <Icon name="send" className="size-4" />
            Send
          </SubmitButton>
        </div>
      </Form>
    </Panel>
  );
}
