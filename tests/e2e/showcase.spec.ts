/**
 * The landing page's office plays the shared showcase org live (core/showcase.ts), and keeps
 * the static picture when no live seat is free (SHOWCASE_MAX_VIEWERS=0, on a second server).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { expect, test } from './fixtures';

test('the landing page office comes alive: the showcase team, and within seconds an agent working', async ({
  page,
}) => {
  await page.goto('/');
  const office = page.locator('#office');
  await expect(office.locator('[data-showcase="live"]')).toBeVisible({ timeout: 15_000 });
  await expect(office.getByText('Live', { exact: true })).toBeVisible();
  await expect(office.getByRole('img', { name: /Live office\..* working/ })).toBeVisible({ timeout: 15_000 });
});

test.describe('with no live seats', () => {
  const port = Number(process.env.E2E_PORT ?? 8788) + 7;
  let server: ChildProcess | null = null;

  test.beforeAll(async () => {
    test.setTimeout(150_000);
    server = spawn(
      process.execPath,
      [
        'scripts/start.mjs',
        '--port',
        String(port),
        '--persist-to',
        '.wrangler/e2e-showcase-state',
        '--fresh',
        '--skip-build',
        '--no-seed',
        '--var',
        'SHOWCASE_MAX_VIEWERS:0',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 140_000;
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/v1/health`)).ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('the second server did not start');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  test.afterAll(() => {
    server?.kill('SIGTERM');
  });

  test('the static picture shows and no socket is opened', async ({ page }) => {
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`http://localhost:${port}/`);
    const office = page.locator('#office');
    await expect(office.locator('[data-showcase="static"]')).toBeVisible();
    await expect(office.getByRole('img', { name: /office/i }).first()).toBeVisible();
    const snapshot = await page.request.get(`http://localhost:${port}/showcase/snapshot`);
    expect((await snapshot.json()).live).toBe(false);
    await page.waitForTimeout(1500);
    await expect(office.locator('[data-showcase="live"]')).toHaveCount(0);
    expect(sockets.filter((url) => url.includes('/showcase/'))).toEqual([]);
  });
});
