import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { can } from '../../../core/permissions';
import { EmptyState, PageHeader } from '../../components/PageHeader';
import { Icon } from '../../components/Icon';
import { pageMeta } from '../../lib/meta';
import { requireOrgMember } from '../../lib/session.server';

export const meta: MetaFunction = () => pageMeta({ title: 'Tasks · Generic Corp', description: 'Your team’s tasks.', noIndex: true });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const member = await requireOrgMember(request, context.cloudflare.env, params.slug);
  return { slug: member.organization.slug, canManageKeys: can(member.role, 'keys:manage') };
}

export default function Tasks() {
  const { slug, canManageKeys } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <PageHeader title="Tasks" description="Give work to your agents and follow it from queued to done." />
      <EmptyState title="The task board is coming soon" icon={<Icon name="tasks" />}>
        <p>
          Soon you will create tasks here, follow them on a board and read each run’s trace. This part of the dashboard is not built yet.
        </p>
        {canManageKeys ? (
          <p className="mt-3">
            Meanwhile, you can{' '}
            <Link to={`/orgs/${slug}/settings/keys`} className="font-medium text-accent-ink hover:underline">
              create an API key
            </Link>{' '}
            for your integrations.
          </p>
        ) : null}
      </EmptyState>
    </div>
  );
}
