/**
 * Settings on a phone (390 px wide): the audit log shows what happened without a sideways
 * scroll, and the tab bar shows that it scrolls to more tabs.
 */
import { LOCAL_DEMO_ORG, LOCAL_DEMO_USER } from '../../core/seed';
import { demoSessionOnce, expect, test } from './fixtures';

const SETTINGS = `/orgs/${LOCAL_DEMO_ORG.slug}/settings`;

const session = demoSessionOnce(`${SETTINGS}/general`);

test.use({ storageState: async ({}, use) => use(session()), viewport: { width: 390, height: 844 } });

test('on a phone the audit log shows each entry’s action, actor and time without a sideways scroll', async ({
  page,
}) => {
  await page.goto(`${SETTINGS}/audit`);
  const log = page.getByRole('region', { name: 'Audit log' });
  // The newest entry (the suite adds entries, so the org's creation may be pages away).
  const newest = log.locator('tbody tr').first();
  await newest.scrollIntoViewIfNeeded();
  const shown = newest.locator('td').filter({ visible: true });
  await expect(shown).toHaveCount(1);
  await expect(shown).toBeInViewport({ ratio: 1 });
  await expect(shown).toContainText(new RegExp(`${LOCAL_DEMO_USER.name}|API key|System`));
  await expect(shown.locator('time')).toBeVisible();
  await expect.poll(() => log.evaluate((region) => region.scrollWidth - region.clientWidth)).toBe(0);
});

test('on a phone the settings tabs fade at an edge that hides more tabs', async ({ page }) => {
  await page.goto(`${SETTINGS}/general`);
  const tabs = page.getByRole('navigation', { name: 'Settings' });
  await expect(tabs.getByRole('link', { name: 'Usage' })).not.toBeInViewport();
  // Opaque from the start, transparent at the end.
  await expect(tabs).toHaveCSS('mask-image', /^linear-gradient\(to right, rgb\(0, 0, 0\),.* rgba\(0, 0, 0, 0\)\)$/);

  // At the far end, the fade moves to the start, where the first tabs now hide.
  await tabs.evaluate((nav) => nav.scrollTo({ left: nav.scrollWidth }));
  await expect(tabs.getByRole('link', { name: 'Usage' })).toBeInViewport();
  await expect(tabs).toHaveCSS('mask-image', /^linear-gradient\(to right, rgba\(0, 0, 0, 0\),.* rgb\(0, 0, 0\)\)$/);

  // With room for every tab, nothing fades.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(tabs).toHaveCSS('mask-image', 'none');
});
