/** Vitest globalSetup (Node): starts the local fakes and hands their URLs to the workers. */
import type { TestProject } from 'vitest/node';
import { startFakeAnthropic } from './anthropic-server';
import { startFakeResend } from './resend-server';
import { startFakeSentry } from './sentry-server';
import { startFakeMcp } from './mcp-server';
import { startFakeStripe } from './stripe-server';

declare module 'vitest' {
  export interface ProvidedContext {
    anthropicBaseUrl: string;
    stripeApiBase: string;
    sentryDsn: string;
    sentryUrl: string;
    resendApiBase: string;
    mcpServerUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const anthropic = await startFakeAnthropic();
  const stripe = await startFakeStripe();
  const mcp = await startFakeMcp();
  project.provide('anthropicBaseUrl', anthropic.url);
  project.provide('stripeApiBase', stripe.url);
  const sentry = await startFakeSentry();
  project.provide('sentryDsn', sentry.dsn);
  project.provide('sentryUrl', sentry.url);
  const resend = await startFakeResend();
  project.provide('resendApiBase', resend.url);
  project.provide('mcpServerUrl', mcp.url);
  return async () => {
    await sentry.close();
    await resend.close();
    await anthropic.close();
    await stripe.close();
    await mcp.close();
  };
}
