/**
 * The entry of the live-room Worker script (wrangler.live.toml): only the LiveRoom class. Its
 * bundle is small on purpose: whatever it keeps alive, every garbage collection marks.
 */
export { LiveRoom } from './live-room';

export default {
  fetch: () => new Response('Not found', { status: 404 }),
} satisfies ExportedHandler;
