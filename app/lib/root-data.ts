import { useRouteLoaderData } from '@remix-run/react';
import type { loader } from '../root';

/** The signed-in user from the root loader, or null (also on error pages, where it may be missing). */
export function useOptionalUser() {
  return useRouteLoaderData<typeof loader>('root')?.user ?? null;
}
