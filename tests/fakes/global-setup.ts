/** Vitest globalSetup (Node): starts the local fakes and hands their URLs to the workers. */
import type { TestProject } from 'vitest/node';
import { startFakeAnthropic } from './anthropic-server';
import { startFakeStripe } from './stripe-server';

declare module 'vitest' {
  export interface ProvidedContext {
    anthropicBaseUrl: string;
    stripeApiBase: string;
  }
}

export default async function setup(project: TestProject) {
  const anthropic = await startFakeAnthropic();
  const stripe = await startFakeStripe();
  project.provide('anthropicBaseUrl', anthropic.url);
  project.provide('stripeApiBase', stripe.url);
  return async () => {
    await anthropic.close();
    await stripe.close();
  };
}
