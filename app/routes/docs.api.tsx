import type { MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData, useNavigation, useRevalidator } from '@remix-run/react';
import { ApiReference, ApiReferenceError, ApiReferenceSkeleton } from '../components/docs/ApiReference';
import { isOpenApiDocument, type OpenApiDocument } from '../components/docs/openapi';
import { pageMeta } from '../lib/meta';

export const meta: MetaFunction = () =>
  pageMeta({
    title: 'API reference · Generic Corp docs',
    description:
      'Every endpoint of the Generic Corp API: agents, tasks, runs, messages, approvals, schedules, usage and activity, with parameters, schemas and curl examples.',
  });

type Loaded = { doc: OpenApiDocument; error: null } | { doc: null; error: string };

// The document rarely changes while a page is open; keep it across navigations, but not a failure.
let cached: Promise<OpenApiDocument> | null = null;

async function fetchDocument(): Promise<OpenApiDocument> {
  const response = await fetch('/v1/openapi.json', { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`The server answered ${response.status}.`);
  const body: unknown = await response.json().catch(() => null);
  if (!isOpenApiDocument(body)) throw new Error('The server sent something that is not an OpenAPI document.');
  return body;
}

/** The reference is rendered in the browser from the same-origin OpenAPI document (no server loader). */
export async function clientLoader(): Promise<Loaded> {
  try {
    cached ??= fetchDocument();
    return { doc: await cached, error: null };
  } catch (error) {
    cached = null;
    return {
      doc: null,
      error:
        error instanceof Error && error.message.startsWith('The server')
          ? error.message
          : 'The network request failed.',
    };
  }
}
clientLoader.hydrate = true as const;

export function HydrateFallback() {
  return <ApiReferenceSkeleton />;
}

export default function ApiReferencePage() {
  const data = useLoaderData<typeof clientLoader>();
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  if (data.doc) return <ApiReference doc={data.doc} />;
  return (
    <ApiReferenceError
      message={data.error}
      onRetry={() => revalidator.revalidate()}
      retrying={revalidator.state === 'loading' || navigation.state === 'loading'}
    />
  );
}
