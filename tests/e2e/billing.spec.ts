import { PLANS } from '../../core/plans';
import { E2E_BILLING } from '../fakes/e2e-billing';
import { expect, fromNewAddress, test } from './fixtures';

// The hosted edition's app (playwright.config.ts), with the fake Stripe's Checkout page.
const HOSTED = `http://localhost:${E2E_BILLING.appPort}`;
test.use({ baseURL: HOSTED });

const PASSWORD = 'correct horse battery staple';

async function signUpFor(page: import('@playwright/test').Page, plan: string, orgName: string) {
  await page.goto('/pricing');
  await page
    .getByRole('link', { name: plan === 'pro' ? 'Choose Pro' : 'Start free trial' })
    .first()
    .click();
  await expect(page).toHaveURL(new RegExp(`/signup\\?plan=${plan}$`));
  await page.getByLabel('Your name').fill('Paula Payer');
  await page.getByLabel('Work email').fill(`payer-${crypto.randomUUID()}@example.com`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Organization name').fill(orgName);
  await page.getByRole('button', { name: 'Create account' }).click();
}

test('pricing → signup with Pro → (fake) Stripe Checkout → back on an upgraded org', async ({ page, context }) => {
  await fromNewAddress(context);
  await signUpFor(page, 'pro', `Upgrade ${Date.now()}`);

  // Stripe's hosted Checkout (the fake), for the plan chosen on the pricing page.
  await expect(page).toHaveURL(new RegExp(`^http://127\\.0\\.0\\.1:${E2E_BILLING.stripePort}/c/pay/cs_test_`));
  await expect(page.getByTestId('checkout-plan')).toHaveText('pro');
  await page.getByRole('button', { name: 'Pay and subscribe' }).click();

  // Back on the billing page: the webhook has moved the org to Pro.
  await expect(page).toHaveURL(/\/orgs\/[a-z0-9-]+\/settings\/billing\?checkout=success$/);
  await expect(page.getByText('Thanks! Your plan changes as soon as Stripe confirms the payment')).toBeVisible();
  await expect(page.getByTestId('billing-plan')).toHaveText('Pro');
  await expect(page.getByTestId('billing-status')).toHaveText('Active');
  await expect(page.getByRole('button', { name: 'Billing portal' })).toBeVisible();

  // The usage page shows Pro's limit and draws its chart.
  await page.getByRole('link', { name: 'Usage', exact: true }).click();
  await expect(page.getByTestId('usage-minutes')).toContainText('of 10,000');
  await expect(page.getByTestId('usage-chart-period').locator('svg').first()).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  // A plain form post (or one sent before the page hydrates): the redirect to Checkout must pass
  // the page's form-action policy.
  test('the signup form post still reaches (fake) Stripe Checkout', async ({ page, context }) => {
    await fromNewAddress(context);
    await signUpFor(page, 'pro', `No script ${Date.now()}`);
    await expect(page).toHaveURL(new RegExp(`^http://127\\.0\\.0\\.1:${E2E_BILLING.stripePort}/c/pay/cs_test_`));
    await expect(page.getByTestId('checkout-plan')).toHaveText('pro');
  });
});

test('leaving Checkout lands on the billing page with the org still on its trial', async ({ page, context }) => {
  await fromNewAddress(context);
  await signUpFor(page, 'starter', `Canceller ${Date.now()}`);
  await expect(page).toHaveURL(new RegExp(`^http://127\\.0\\.0\\.1:${E2E_BILLING.stripePort}/c/pay/`));
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page).toHaveURL(/\/settings\/billing\?checkout=canceled$/);
  await expect(page.getByText('Checkout was canceled; nothing changed.')).toBeVisible();
  await expect(page.getByTestId('billing-plan')).toHaveText('Starter');
  await expect(page.getByTestId('billing-status')).toHaveText('Trial');
  // The limits the plan gives, from the same numbers as the pricing table.
  const limits = page.getByRole('list', { name: 'Your plan’s limits' });
  await expect(limits).toContainText(`${PLANS.starter.limits.agents} agents`);
  await expect(limits).toContainText(
    `${PLANS.starter.limits.agentMinutesPerMonth.toLocaleString('en-US')} agent-minutes/mo`,
  );
});

test('the Agents page counts active agents against the plan, and at the limit New agent says so before any typing', async ({
  page,
  context,
}) => {
  await fromNewAddress(context);
  await signUpFor(page, 'starter', `Full team ${Date.now()}`);
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page).toHaveURL(/\/settings\/billing\?checkout=canceled$/);
  await page.getByRole('link', { name: 'Agents', exact: true }).first().click();

  // The Starter trial includes 5 active agents: the default team fills it.
  const limit = PLANS.starter.limits.agents;
  await expect(page.getByText(`${limit} of ${limit} active agents on your Starter plan`)).toBeVisible();
  await page.getByRole('button', { name: 'New agent' }).click();
  const dialog = page.getByRole('dialog', { name: 'New agent' });
  await expect(dialog.getByRole('status')).toContainText(`You have ${limit} of ${limit} active agents`);
  await expect(dialog.getByLabel('Name')).toHaveCount(0);
  await expect(dialog.getByRole('link', { name: 'compare plans' })).toHaveAttribute('href', '/pricing');
  await dialog.getByRole('button', { name: 'Close' }).last().click();
  await expect(dialog).toBeHidden();
});
