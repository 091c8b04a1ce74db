// The floor: what wrangler dev + workerd cost for one request with no app code at all.
export default {
  fetch: () => new Response('{"status":"ok"}', { headers: { 'content-type': 'application/json' } }),
};
