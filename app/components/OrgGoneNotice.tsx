import { useSearchParams } from '@remix-run/react';
import { FormAlert } from './Form';

/** Why the user landed here after leaving or deleting an organization (`?gone=`). */
const GONE_MESSAGES: Record<string, string> = {
  left: 'You left the organization. Someone there can invite you again.',
  deleted: 'The organization was deleted, with its agents and work.',
};

/**
 * The word after leaving or deleting an organization, where the app sends the user next (the
 * organization they still have, the list, or a new one). A code, not text from the URL.
 */
export function OrgGoneNotice({ className = '' }: { className?: string }) {
  const [searchParams] = useSearchParams();
  const message = GONE_MESSAGES[searchParams.get('gone') ?? ''];
  return message ? (
    <div className={className}>
      <FormAlert tone="success" message={message} />
    </div>
  ) : null;
}

/** `path` with the `?gone=` of `from` carried over (the /orgs redirect keeps it). */
export function withGone(path: string, from: URL): string {
  const gone = from.searchParams.get('gone');
  return gone && gone in GONE_MESSAGES ? `${path}?gone=${gone}` : path;
}
