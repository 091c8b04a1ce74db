import { type LoaderFunctionArgs, redirect } from '@remix-run/cloudflare';

/** Settings open on the General tab. */
export function loader({ params }: LoaderFunctionArgs) {
  throw redirect(`/orgs/${encodeURIComponent(params.slug ?? '')}/settings/general`);
}
