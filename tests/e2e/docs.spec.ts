/**
 * The public docs: the quickstart (static) and the API reference, which the browser renders
 * from the same-origin OpenAPI document; expectations about operations come from that document.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_DEMO_USER } from '../../core/seed';
import { HTTP_METHODS } from '../../app/components/docs/openapi';
import { expect, test } from './fixtures';

interface Spec {
  paths: Record<string, Record<string, { summary?: string; tags?: string[] }>>;
}

const anchor = (method: string, path: string) =>
  `${method}-${path}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

test('the quickstart shows how to give a task with curl', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/docs');
  await expect(page).toHaveTitle(/Quickstart/);
  await expect(page.getByRole('heading', { level: 1, name: 'Quickstart' })).toBeVisible();
  await expect(page.locator('meta[name="description"]')).toHaveAttribute('content', /POST \/v1\/tasks/);
  await expect(page.getByText(LOCAL_DEMO_USER.email).first()).toBeVisible();

  const createTask = page.getByRole('figure', { name: 'Give Sable a task' });
  await expect(createTask).toContainText('curl -X POST "$GC_URL/v1/tasks"');
  await expect(createTask).toContainText('Authorization: Bearer $GC_API_KEY');
  await expect(createTask).toContainText('Idempotency-Key: review-pr-42');
  await createTask.getByRole('button', { name: 'Copy' }).click();
  await expect(createTask.getByRole('button', { name: 'Copied' })).toBeVisible();
  await expect
    .poll(() => page.evaluate(() => navigator.clipboard.readText()))
    .toContain('curl -X POST "$GC_URL/v1/tasks"');

  // The table of contents links to anchors in the page.
  await page.getByRole('navigation', { name: 'On this page' }).getByRole('link', { name: 'Live WebSocket' }).click();
  await expect(page).toHaveURL(/\/docs#live$/);
  // Exact: the "#" deep link beside a heading is hidden from assistive technology, so it does
  // not add to the heading's name.
  await expect(page.getByRole('heading', { name: 'Everything, live (WebSocket)', exact: true })).toBeInViewport();
  await expect(page.getByText('?since=<last seq>').first()).toBeVisible();
});

test('the site header and footer link to the docs', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Docs' }).click();
  await expect(page).toHaveURL(/\/docs$/);
  await page.getByRole('contentinfo').getByRole('link', { name: 'API reference' }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
  await expect(page.getByRole('heading', { level: 1, name: 'API reference' })).toBeVisible();
});

test('the API reference lists the operations of the OpenAPI document, filterable', async ({ page, request }) => {
  const spec = (await (await request.get('/v1/openapi.json')).json()) as Spec;
  await page.goto('/docs/api');
  await expect(page).toHaveTitle(/API reference/);

  for (const [method, path] of [
    ['post', '/v1/tasks'],
    ['get', '/v1/health'],
  ] as const) {
    const summary = spec.paths[path]?.[method]?.summary ?? '';
    expect(summary).not.toBe('');
    const operation = page.locator(`#${anchor(method, path)}`);
    await expect(operation.getByRole('heading', { name: summary })).toBeVisible();
    await expect(operation).toContainText(method.toUpperCase());
    await expect(operation).toContainText(path);
    await expect(operation.getByRole('figure', { name: 'curl' })).toContainText(`${path}"`);
  }
  // The request body's schema, resolved and marked, and a runnable example.
  const createTask = page.locator(`#${anchor('post', '/v1/tasks')}`);
  await expect(createTask).toContainText('required');
  await expect(createTask.getByRole('figure', { name: 'curl' })).toContainText('"agent":"sable"');

  const approvals = Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => op.tags?.includes('approvals'))
      .map(([method]) => anchor(method, path)),
  );
  expect(approvals.length).toBeGreaterThan(0);
  // Every operation of the document is rendered, more than the approvals alone.
  const total = Object.values(spec.paths).reduce(
    (sum, item) => sum + Object.keys(item).filter((key) => (HTTP_METHODS as readonly string[]).includes(key)).length,
    0,
  );
  expect(total).toBeGreaterThan(approvals.length);
  // Playwright's assertions retry: the list renders after the document loads, and the filter
  // goes through useDeferredValue, so any one-shot read could see an earlier render.
  const operations = page.locator('article[id]');
  await expect(operations).toHaveCount(total);
  await expect(page.locator('#api-search-count')).toHaveText(`${total} operations`);

  // "/" jumps to the filter from anywhere on the page.
  await page.locator('body').press('/');
  const search = page.getByRole('searchbox', { name: 'Filter operations' });
  await expect(search).toBeFocused();
  await search.fill('approvals');
  await expect(operations).toHaveCount(approvals.length);
  await expect
    .poll(async () => (await operations.evaluateAll((els) => els.map((el) => el.id))).sort())
    .toEqual([...approvals].sort());
  await expect(page.locator('#api-search-count')).toHaveText(
    `${approvals.length} of ${total} operations match “approvals”`,
  );

  await search.press('Escape');
  await expect(search).toHaveValue('');
  await expect(operations).toHaveCount(total);
  await expect(page.locator('#api-search-count')).toHaveText(`${total} operations`);
});

test('an operation can be deep-linked', async ({ page }) => {
  await page.goto(`/docs/api#${anchor('get', '/v1/tasks/{id}/stream')}`);
  const stream = page.locator(`#${anchor('get', '/v1/tasks/{id}/stream')}`);
  await expect(stream).toBeInViewport();
  await expect(stream.getByRole('figure', { name: 'curl' })).toContainText('curl -N');
});

test('the API reference says so when the document cannot be read, and retries', async ({ page }) => {
  await page.route('**/v1/openapi.json', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: '{"not": "an OpenAPI document"}' }),
  );
  await page.goto('/docs/api');
  await expect(page.getByRole('alert')).toContainText('We could not load the API description');
  await page.unroute('**/v1/openapi.json');
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.locator(`#${anchor('get', '/v1/health')}`)).toBeVisible();
});

test('the docs fit a phone-sized screen', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  for (const path of ['/docs', '/docs/api']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    if (path === '/docs/api') await expect(page.locator('article[id]').first()).toBeVisible();
    await expect
      .poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), {
        message: `${path} scrolls sideways`,
      })
      .toBeLessThanOrEqual(0);
  }
});

test('the quickstart’s live.mjs runs as printed: it follows the org’s events and skips frames that carry no seq', async ({
  page,
  request,
  baseURL,
}) => {
  test.setTimeout(45_000);
  const origin = new URL(baseURL!).origin;
  const address = { 'cf-connecting-ip': `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` };
  const signup = await request.post('/api/auth/signup', {
    headers: address,
    data: {
      email: `live-docs-${crypto.randomUUID().slice(0, 8)}@example.com`,
      password: 'correct horse battery staple',
      name: 'Docs Reader',
      organization_name: 'Docs Readers',
    },
  });
  expect(signup.status()).toBe(201);
  const { organization } = await signup.json();
  const created = await request.post(`/api/orgs/${organization.slug}/keys`, {
    headers: { ...address, origin },
    data: { name: 'live docs', scopes: ['live:read', 'tasks:read', 'tasks:write', 'org:read'] },
  });
  expect(created.status()).toBe(201);
  const { key } = await created.json();

  await page.goto('/docs');
  const snippet = await page.getByRole('figure', { name: 'live.mjs' }).locator('pre').textContent();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'live-docs-'));
  writeFileSync(path.join(dir, 'live.mjs'), snippet ?? '');
  const child = spawn(process.execPath, [path.join(dir, 'live.mjs')], {
    // Plain output: the runner's FORCE_COLOR would colour the numbers console.log prints.
    env: {
      PATH: process.env.PATH ?? '',
      GC_URL: origin,
      GC_API_KEY: key,
      NO_COLOR: '1',
    } as unknown as NodeJS.ProcessEnv,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    // The socket's first frames are hello and presence; then the task's events arrive.
    await page.waitForTimeout(1_000);
    const task = await request.post('/v1/tasks', {
      headers: { authorization: `Bearer ${key}` },
      data: { agent: 'sable', description: 'Follow me live' },
    });
    expect(task.status()).toBe(201);
    await expect.poll(() => output, { timeout: 15_000 }).toMatch(/^\d+ task\.created /m);
    expect(output).not.toMatch(/undefined/);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
