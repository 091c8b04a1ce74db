/** Any path no other route matches: a real 404, rendered by the root ErrorBoundary. */
export function loader() {
  throw new Response('Not Found', { status: 404 });
}

export default function NotFound() {
  // Never rendered: the loader always throws.
  return null;
}
