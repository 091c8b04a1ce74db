import { PLANS, publicPlans } from '../../core/plans';
import { DEFAULT_TEAM } from '../../core/default-team';
import { expect, test } from './fixtures';

test('the landing page shows the product, the team, the office and pricing', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/Generic Corp/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  for (const agent of DEFAULT_TEAM) await expect(page.getByText(agent.name, { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('img', { name: /office/i }).first()).toBeVisible();
  for (const plan of publicPlans())
    await expect(page.getByRole('heading', { name: plan.name, exact: true }).first()).toBeVisible();
  await expect(page.getByText(`$${PLANS.starter.priceUsd}`).first()).toBeVisible();
  await expect(page.locator('meta[name="description"]')).toHaveAttribute('content', /.+/);
});

test('the landing page is usable with the keyboard', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  const focused = page.locator(':focus');
  await expect(focused).toBeVisible();
  await expect(focused).toHaveText(/skip to content/i);
});

test('the pricing page lists every public plan from the plans config', async ({ page }) => {
  await page.goto('/pricing');
  for (const plan of publicPlans())
    await expect(page.getByRole('heading', { name: plan.name, exact: true }).first()).toBeVisible();
});

test('an unknown page gets the 404 page', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('link', { name: /home/i }).first()).toBeVisible();
});

test('works on a phone-sized screen', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), {
      message: 'the page scrolls sideways',
    })
    .toBeLessThanOrEqual(0);
});

test('the health endpoint answers healthy JSON', async ({ request }) => {
  const res = await request.get('/v1/health');
  expect(res.status()).toBe(200);
  expect((await res.json()).status).toBe('ok');
});
