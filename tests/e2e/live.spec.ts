/**
 * Live across tabs: two browser contexts of the same org see each other's changes over the
 * org WebSocket (not a poll: the fallback poll only runs while the socket is down), and a
 * page that lost its connection catches up when it comes back.
 */
import type { Browser, BrowserContext } from '@playwright/test';
import { LOCAL_DEMO_ORG, LOCAL_DEMO_USER } from '../../core/seed';
import { expect, fromNewAddress, test } from './fixtures';

const BASE = `/orgs/${LOCAL_DEMO_ORG.slug}`;
type Session = Awaited<ReturnType<BrowserContext['storageState']>>;
let session: Session | undefined;

test.beforeAll(async ({ browser }, testInfo) => {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  await fromNewAddress(context);
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(LOCAL_DEMO_USER.email);
  await page.getByLabel('Password').fill(LOCAL_DEMO_USER.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/orgs/);
  session = await context.storageState();
  await context.close();
});

async function openContext(browser: Browser, baseURL: string | undefined) {
  const context = await browser.newContext({ baseURL, storageState: session });
  return { context, page: await context.newPage() };
}

/** Creates a task as the other tab would, through the public API with the session. */
async function createTask(context: BrowserContext, body: Record<string, unknown>) {
  const res = await context.request.post('/v1/tasks', {
    headers: { 'X-Organization': LOCAL_DEMO_ORG.slug },
    data: body,
  });
  expect(res.status()).toBe(201);
  return (await res.json()) as { id: string; title: string };
}

/**
 * Waits until no task of the org is in flight: the earlier test's slow runs keep sending events,
 * and every event makes an open page refetch, so the network would never settle.
 */
async function untilOrgIsQuiet(context: BrowserContext) {
  await expect
    .poll(
      async () => {
        let inFlight = 0;
        for (const status of ['pending', 'queued', 'running']) {
          const res = await context.request.get(`/v1/tasks?status=${status}&limit=100`, {
            headers: { 'X-Organization': LOCAL_DEMO_ORG.slug },
          });
          expect(res.status()).toBe(200);
          const { data } = (await res.json()) as { data: Array<{ scheduled_for: string | null }> };
          inFlight += data.filter((task) => status !== 'pending' || task.scheduled_for === null).length;
        }
        return inFlight;
      },
      { message: 'tasks of the demo org still in flight', timeout: 30_000 },
    )
    .toBe(0);
}

test('a task created in one tab appears in the other’s board and office within seconds', async ({
  browser,
}, testInfo) => {
  const a = await openContext(browser, testInfo.project.use.baseURL);
  const b = await openContext(browser, testInfo.project.use.baseURL);
  await b.page.goto(`${BASE}/tasks`);
  await expect(b.page.locator('[data-live-state="open"]').first()).toBeVisible();

  const title = `Live board check ${crypto.randomUUID().slice(0, 6)}`;
  const started = Date.now();
  await createTask(a.context, { agent: 'devonte', title, description: 'Visible everywhere [simulate:think=1500]' });
  await expect(b.page.getByText(title).first()).toBeVisible({ timeout: 3_000 });
  testInfo.annotations.push({ type: 'board latency ms', description: String(Date.now() - started) });

  await b.page.goto(BASE);
  await expect(b.page.locator('[data-live-state="open"]').first()).toBeVisible();
  const officeTitle = `Live office check ${crypto.randomUUID().slice(0, 6)}`;
  await createTask(a.context, {
    agent: 'graham',
    title: officeTitle,
    description: 'Watch me work [simulate:think=1500]',
  });
  await expect(b.page.getByRole('img', { name: /Graham working/i })).toBeVisible({ timeout: 5_000 });
  await a.context.close();
  await b.context.close();
});

test('after a lost connection the page catches up', async ({ browser }, testInfo) => {
  test.setTimeout(75_000);
  const a = await openContext(browser, testInfo.project.use.baseURL);
  const b = await openContext(browser, testInfo.project.use.baseURL);
  await untilOrgIsQuiet(a.context);
  await b.page.goto(`${BASE}/tasks`);
  await expect(b.page.locator('[data-live-state="open"]').first()).toBeVisible();
  // Lose the network between requests (not in the middle of a page load).
  await b.page.waitForLoadState('networkidle');

  await b.context.setOffline(true);
  const title = `Missed while offline ${crypto.randomUUID().slice(0, 6)}`;
  await createTask(a.context, {
    agent: 'yuki',
    title,
    description: 'Happened while you were away',
    scheduled_for: new Date(Date.now() + 3600_000).toISOString(),
  });
  await b.page.waitForTimeout(500);
  await b.context.setOffline(false);
  await expect(b.page.getByText(title).first()).toBeVisible({ timeout: 20_000 });
  await expect(b.page.locator('[data-live-state="open"]').first()).toBeVisible({ timeout: 20_000 });
  await a.context.close();
  await b.context.close();
});

test('a change made while the page was opening its connection still shows', async ({ browser }, testInfo) => {
  const { context, page } = await openContext(browser, testInfo.project.use.baseURL);
  const task = await createTask(context, {
    agent: 'devonte',
    description: `Rebuild the search index ${crypto.randomUUID().slice(0, 8)} [simulate:think=5000]`,
  });
  const headers = { 'X-Organization': LOCAL_DEMO_ORG.slug };
  await expect
    .poll(
      async () =>
        ((await (await context.request.get(`/v1/tasks/${task.id}`, { headers })).json()) as { status: string }).status,
    )
    .toBe('running');

  // The page is rendered with the task running; its live connection reaches the server only
  // after the task was cancelled (well within the two seconds after which the page would poll).
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.routeWebSocket(/\/v1\/live/, async (socket) => {
    await released;
    socket.connectToServer();
  });
  await page.goto(`${BASE}/tasks/${task.id}`);
  const status = page.locator('main header').first();
  await expect(status.getByText('Running', { exact: true })).toBeVisible();
  expect((await context.request.post(`/v1/tasks/${task.id}/cancel`, { headers })).status()).toBe(200);
  release();

  // Nothing about the cancel arrives on the socket (it happened before): the page refetches
  // when its connection opens.
  await expect(status.getByText('Cancelled', { exact: true })).toBeVisible({ timeout: 1_500 });
  await context.close();
});

test('a busy org’s board keeps up past the per-address health limit: its refreshes ask /v1/ping, not /v1/health', async ({
  browser,
}, testInfo) => {
  test.setTimeout(90_000);
  const a = await openContext(browser, testInfo.project.use.baseURL);
  // The watching tab from one address, as a team behind one office IP would be.
  const b = await openContext(browser, testInfo.project.use.baseURL);
  await b.context.setExtraHTTPHeaders({ 'cf-connecting-ip': '10.254.0.1' });
  const errors: string[] = [];
  b.page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await b.page.goto(`${BASE}/tasks`);
  await expect(b.page.locator('[data-live-state="open"]').first()).toBeVisible();

  // Each task is one live event and one refresh of the board: more than /v1/health allows an
  // address in a minute (30). Scheduled for later, so no run adds load or events.
  const later = new Date(Date.now() + 3600_000).toISOString();
  const run = crypto.randomUUID().slice(0, 6);
  for (let i = 1; i <= 36; i++) {
    const title = `Busy board ${run} #${i}`;
    await createTask(a.context, { agent: 'marcus', title, description: 'Later', scheduled_for: later });
    await expect(b.page.getByText(title, { exact: true }).first()).toBeVisible({ timeout: 5_000 });
  }
  expect(errors).toEqual([]);
  await a.context.close();
  await b.context.close();
});

test('an event followed at once by a presence change (someone leaving the org) still refreshes the board', async ({
  browser,
}, testInfo) => {
  test.setTimeout(60_000);
  const a = await openContext(browser, testInfo.project.use.baseURL);
  const b = await openContext(browser, testInfo.project.use.baseURL);
  await b.page.goto(`${BASE}/tasks`);
  await expect(b.page.locator('[data-live-state="open"]').first()).toBeVisible();

  const later = new Date(Date.now() + 3600_000).toISOString();
  const run = crypto.randomUUID().slice(0, 6);
  for (let i = 1; i <= 4; i++) {
    const visitor = await a.context.newPage();
    await visitor.goto(BASE);
    await expect(visitor.locator('[data-live-state="open"]').first()).toBeVisible();
    await b.page.waitForTimeout(400); // the join's presence has reached the board
    await visitor.close();
    // The hub sends presence 250 ms after a change: the task's event arrives just before it,
    // while the board's refresh for the event is still waiting to coalesce.
    await b.page.waitForTimeout(120);
    const title = `Presence race ${run} #${i}`;
    await createTask(a.context, { agent: 'marcus', title, description: 'Later', scheduled_for: later });
    await expect(b.page.getByText(title, { exact: true }).first()).toBeVisible({ timeout: 4_000 });
  }
  await a.context.close();
  await b.context.close();
});

test('a page whose session is signed out from another browser says why it stopped updating', async ({
  browser,
}, testInfo) => {
  const baseURL = testInfo.project.use.baseURL;
  // A session of its own, so ending it leaves the file's session alone.
  const ending = await browser.newContext({ baseURL });
  await fromNewAddress(ending);
  const page = await ending.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(LOCAL_DEMO_USER.email);
  await page.getByLabel('Password').fill(LOCAL_DEMO_USER.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/orgs/);
  await page.goto(`${BASE}/tasks`);
  await expect(page.locator('[data-live-state="open"]').first()).toBeVisible();
  const sessions = (await (await ending.request.get('/api/me/sessions')).json()) as {
    data: Array<{ id: string; current: boolean }>;
  };
  const endingId = sessions.data.find((session) => session.current)!.id;

  const other = await openContext(browser, baseURL);
  const res = await other.context.request.delete(`/api/me/sessions/${endingId}`, { headers: { Origin: baseURL! } });
  expect(res.status()).toBe(204);

  const notice = page.getByRole('alert').filter({ hasText: 'This page no longer updates' });
  await expect(notice).toContainText('Signed out.');
  await notice.getByRole('link', { name: 'Go to your organizations' }).click();
  await expect(page).toHaveURL(/\/login/);
  await ending.close();
  await other.context.close();
});

test('a live refresh leaves the page where the reader scrolled while it loaded', async ({ browser }, testInfo) => {
  test.setTimeout(60_000);
  const a = await openContext(browser, testInfo.project.use.baseURL);
  const b = await openContext(browser, testInfo.project.use.baseURL);
  await b.page.setViewportSize({ width: 1280, height: 400 });
  await b.page.goto(`${BASE}/agents/marcus`);
  await expect(b.page.locator('[data-live-state="open"]').first()).toBeVisible();
  const scrollTo = (top: number) => b.page.evaluate((y) => window.scrollTo({ top: y, behavior: 'instant' }), top);
  const later = new Date(Date.now() + 3600_000).toISOString();
  let refreshes = 0;
  let release: () => void = () => undefined;
  let held: Promise<void> = Promise.resolve();
  await b.page.route(/\/agents\/marcus\.data/, async (route) => {
    refreshes += 1;
    await held;
    await route.continue();
  });
  const refreshAfterATask = async () => {
    const before = refreshes;
    await createTask(a.context, {
      agent: 'marcus',
      title: `Scroll ${crypto.randomUUID().slice(0, 6)}`,
      description: 'Later',
      scheduled_for: later,
    });
    await expect.poll(() => refreshes).toBeGreaterThan(before);
  };

  // A first refresh while the reader is at 300 px.
  await scrollTo(300);
  await refreshAfterATask();
  await b.page.waitForLoadState('networkidle');
  // A second one starts at 100 px, and the reader scrolls on to 500 px while it loads.
  await scrollTo(100);
  held = new Promise<void>((resolve) => (release = resolve));
  await refreshAfterATask();
  await scrollTo(500);
  release();
  await b.page.waitForLoadState('networkidle');
  await b.page.waitForTimeout(1_000); // long enough for a smooth scroll back to have run
  // Not pulled back to 100 px; the new task's row above may have moved the page on by its height.
  expect(await b.page.evaluate(() => window.scrollY)).toBeGreaterThanOrEqual(500);
  await a.context.close();
  await b.context.close();
});
