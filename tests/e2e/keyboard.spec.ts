/**
 * Keyboard and screen-reader paths: focus lands where the user must look next (the new page's
 * content, the field to fix, the button that opened a closed panel), and the landing page's
 * live office lists its agents as text rather than as buttons that do nothing.
 */
import { LOCAL_DEMO_ORG } from '../../core/seed';
import { demoSessionOnce, expect, signIn, test } from './fixtures';

const BASE = `/orgs/${LOCAL_DEMO_ORG.slug}`;
const session = demoSessionOnce(`${BASE}/settings/general`);

test.describe('signed in', () => {
  test.use({ storageState: async ({}, use) => use(session()) });

  test('following a dashboard link moves focus to the new page’s content', async ({ page }) => {
    await signIn(page, `${BASE}/settings/general`);
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Agents' }).click();
    await expect(page).toHaveURL(`${BASE}/agents`);
    await expect(page.getByRole('heading', { level: 1, name: 'Agents' })).toBeVisible();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  test('an invitation sent empty puts focus on the email field, which says what to fix', async ({ page }) => {
    await signIn(page, `${BASE}/settings/members`);
    // Each settings tab is a page of its own, and its heading says which.
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings: Members');
    await page.getByRole('button', { name: 'Create invitation' }).click();
    const email = page.getByLabel('Email address');
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await expect(email).toBeFocused();
  });

  test('a new key, shown once, takes the focus, selected and ready to copy', async ({ page }) => {
    await signIn(page, `${BASE}/settings/keys`);
    await page.getByLabel('Name').fill(`Shown once ${crypto.randomUUID().slice(0, 6)}`);
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByRole('textbox', { name: 'New API key' });
    await expect(secret).toBeFocused();
    await expect(secret).toHaveValue(/^gc_sk_/);
  });

  test('Cancel in a confirm panel gives focus back to the button that opened it', async ({ page }) => {
    await signIn(page, `${BASE}/settings/keys`);
    const name = `Focus check ${crypto.randomUUID().slice(0, 6)}`;
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create key' }).click();
    const opener = page.locator(`summary[aria-label="Revoke ${name}"]`);
    await opener.click();
    await page.getByRole('button', { name: 'Cancel', exact: true }).filter({ visible: true }).click();
    await expect(opener).toBeFocused();
  });

  test('cancelling a task on the board keeps focus on that task, now in the Cancelled column', async ({ page }) => {
    const title = `Cancel from the board ${crypto.randomUUID().slice(0, 6)}`;
    const res = await page.request.post('/v1/tasks', {
      headers: { 'X-Organization': LOCAL_DEMO_ORG.slug },
      data: { agent: 'graham', title, description: 'Slow enough to cancel [simulate:think=20000]' },
    });
    expect(res.status()).toBe(201);
    await signIn(page, `${BASE}/tasks`);
    const board = page.getByRole('region', { name: 'Task board' });
    await board.getByRole('button', { name: `Cancel “${title}”` }).focus();
    await page.keyboard.press('Enter');
    const cancelled = board.getByRole('region', { name: 'Cancelled' });
    await expect(cancelled.getByRole('link', { name: title })).toBeFocused();
  });
});

test.describe('live changes are read out', () => {
  test.use({ storageState: async ({}, use) => use(session()) });
  test.describe.configure({ timeout: 60_000 });

  test('a task that completes while its page is open is announced', async ({ page }) => {
    const title = `Announce me ${crypto.randomUUID().slice(0, 6)}`;
    const res = await page.request.post('/v1/tasks', {
      headers: { 'X-Organization': LOCAL_DEMO_ORG.slug },
      data: { agent: 'sable', title, description: 'Slow enough to watch [simulate:think=3000]' },
    });
    expect(res.status()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await signIn(page, `${BASE}/tasks/${id}`);
    const announcement = page.getByRole('status').filter({ hasText: `“${title}” is completed.` });
    await expect(announcement).toBeAttached({ timeout: 30_000 });
  });

  test('an agent’s reply arriving in an open thread is announced', async ({ page }) => {
    await signIn(page, `${BASE}/messages`);
    const body = `Are we ready to ship ${crypto.randomUUID().slice(0, 6)}? [simulate:think=3000]`;
    const res = await page.request.post('/v1/messages', {
      headers: { 'X-Organization': LOCAL_DEMO_ORG.slug },
      data: { agent: 'yuki', body },
    });
    expect(res.status()).toBe(201);
    const { thread_id: threadId } = (await res.json()) as { thread_id: string };
    await signIn(page, `${BASE}/messages/${threadId}`);
    await expect(page.getByRole('status').filter({ hasText: /^Yuki replied: / })).toBeAttached({ timeout: 30_000 });
  });
});

test('the landing page’s live office lists its agents as text, not as buttons that do nothing', async ({ page }) => {
  await page.goto('/');
  const list = page.getByRole('list', { name: 'Agents in the office' });
  await expect(list.getByRole('listitem').first()).toBeAttached();
  await expect(list.getByRole('button')).toHaveCount(0);
});
