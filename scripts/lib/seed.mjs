/**
 * The local demo, made through the running app's own HTTP API (not by writing tables), so it
 * keeps working whatever holds the org's data: a demo user who owns org `acme` ("Acme Robotics")
 * with the default team. Idempotent: an existing demo account counts as seeded.
 *
 * The values are core/seed.ts's LOCAL_DEMO_USER and LOCAL_DEMO_ORG (the e2e tests sign in with them).
 */
export const DEMO = {
  email: 'demo@genericcorp.local',
  password: 'demo-password-2026',
  name: 'Dana Demo',
  org: { name: 'Acme Robotics', slug: 'acme' },
};

/**
 * @param {string} url where the app answers, e.g. http://127.0.0.1:8787
 * @param {string} appUrl the app's APP_URL (mutations with a session must come from it)
 * @returns {Promise<{ seeded: boolean, org: string, email: string, password: string }>}
 */
export async function seedDemo(url, appUrl) {
  const origin = new URL(appUrl).origin;
  const post = (route, body, headers = {}) =>
    fetch(new URL(route, url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, ...headers },
      body: JSON.stringify(body),
    });
  const result = (seeded) => ({ seeded, org: DEMO.org.slug, email: DEMO.email, password: DEMO.password });

  // The org's name decides its slug: "Acme" gets `acme`, then it takes its full name.
  const signup = await post('/api/auth/signup', {
    email: DEMO.email,
    password: DEMO.password,
    name: DEMO.name,
    organization_name: 'Acme',
  });
  if (signup.status === 409) return result(false); // "An account with this email already exists"
  const body = await signup.json().catch(() => null);
  if (signup.status !== 201) throw new Error(`seed: signup answered ${signup.status} ${JSON.stringify(body)}`);
  const slug = body.organization.slug;
  if (slug !== DEMO.org.slug) throw new Error(`seed: the demo org got slug "${slug}", not "${DEMO.org.slug}"`);

  const cookie = signup.headers
    .getSetCookie()
    .find((c) => c.startsWith('gc_session='))
    ?.split(';')[0];
  const rename = await fetch(new URL(`/api/orgs/${slug}`, url), {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', origin, cookie: cookie ?? '' },
    body: JSON.stringify({ name: DEMO.org.name }),
  });
  if (!rename.ok) throw new Error(`seed: renaming the demo org answered ${rename.status} ${await rename.text()}`);
  return result(true);
}
