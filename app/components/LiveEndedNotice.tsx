import { Link } from '@remix-run/react';
import { LIVE_CLOSE } from '../../core/events';
import { useLive } from '../lib/live';
import { FormAlert } from './Form';

function sentence(reason: string): string {
  const trimmed = reason.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * Says why the page stopped updating when the server ended its live connection for good: the
 * user was removed or left, this session was signed out elsewhere, the org was deleted. Without
 * it the page only showed "Offline" and looked like a network fault.
 */
export function LiveEndedNotice() {
  const ended = useLive()?.ended;
  if (!ended) return null;
  const why =
    ended.code === LIVE_CLOSE.orgDeleted
      ? 'This organization was deleted.'
      : ended.code === LIVE_CLOSE.revoked
        ? sentence(ended.reason || 'Your access to this organization ended.')
        : `The live connection was closed${ended.reason ? `: ${sentence(ended.reason)}` : '.'}`;
  const final = ended.code === LIVE_CLOSE.orgDeleted || ended.code === LIVE_CLOSE.revoked;
  return (
    <FormAlert
      className="mb-6"
      message={
        <>
          {why} This page no longer updates.{' '}
          {final ? (
            <Link to="/orgs" reloadDocument className="font-medium underline underline-offset-2">
              Go to your organizations
            </Link>
          ) : (
            <button
              type="button"
              onClick={() => window.location.reload()}
              className="font-medium underline underline-offset-2"
            >
              Reload the page
            </button>
          )}
        </>
      }
    />
  );
}
