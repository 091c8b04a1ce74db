/**
 * The public demo, as a visitor meets it: from the landing page's "Try the live demo" into a
 * sandbox of their own (no signup), with the demo banner and the team in the office; the
 * one-click first task is done within seconds and ticks the checklist.
 */
import { DEFAULT_TEAM } from '../../core/default-team';
import { expect, test } from './fixtures';

test('a visitor opens the demo, sees the team in the office, gives a first task and watches it complete', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Try the live demo' }).first().click();
  await expect(page).toHaveURL(/\/orgs\/demo-[a-z0-9]+$/);

  const banner = page.getByRole('region', { name: 'Demo' });
  await expect(banner).toContainText('This is a live demo.');
  await expect(banner).toContainText('simulated model');
  await expect(banner.getByRole('link', { name: 'Sign up to keep this team' })).toBeVisible();

  // The office: every agent of the default team at a desk.
  const office = page.getByRole('group', { name: 'Office' }).getByRole('img');
  await expect(office).toHaveAttribute('aria-label', new RegExp(`^${DEFAULT_TEAM.length} agents: `));
  for (const agent of DEFAULT_TEAM) await expect(office).toHaveAttribute('aria-label', new RegExp(agent.name));

  // The first minute: one click gives Sable the suggested task.
  const checklist = page.getByRole('list', { name: 'Get started' });
  await expect(checklist.getByRole('listitem').filter({ hasText: 'Give your first task' })).toContainText('(to do)');
  await checklist.getByRole('button', { name: /Give Sable a first task/ }).click();
  const created = page.getByRole('status').filter({ hasText: 'Sable has' });
  await expect(created).toBeVisible();

  // The checklist ticks itself as the run finishes: the page stays live.
  await expect(checklist.getByRole('listitem').filter({ hasText: 'Watch it in the office' })).toContainText('(done)', {
    timeout: 15_000,
  });
  await created.getByRole('link').click();
  await expect(page).toHaveURL(/\/tasks\/tsk_/);
  await expect(page.locator('main header').first().getByText('Completed', { exact: true })).toBeVisible({
    timeout: 10_000,
  });

  // Coming back to /demo with the same cookie returns to the same sandbox.
  const sandbox = new URL(page.url()).pathname.split('/')[2];
  await page.goto('/demo');
  await expect(page).toHaveURL(new RegExp(`/orgs/${sandbox}$`));
});

test('a sandbox says clearly what needs an account', async ({ page }) => {
  await page.goto('/demo');
  await expect(page).toHaveURL(/\/orgs\/demo-[a-z0-9]+$/);
  const checklist = page.getByRole('list', { name: 'Get started' });
  await expect(checklist.getByRole('listitem').filter({ hasText: 'Create an API key' })).toContainText(
    'Comes with an account',
  );
  await checklist.getByRole('link', { name: 'sign up to keep this team' }).first().click();
  await expect(page).toHaveURL('/demo/keep');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign up to keep this team' })).toBeVisible();
});
