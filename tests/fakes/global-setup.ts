/** Vitest globalSetup (Node): starts the local fakes and hands their URLs to the workers. */
import type { TestProject } from 'vitest/node';
import { startFakeAnthropic } from './anthropic-server';

declare module 'vitest' {
  export interface ProvidedContext {
    anthropicBaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const anthropic = await startFakeAnthropic();
  project.provide('anthropicBaseUrl', anthropic.url);
  return async () => {
    await anthropic.close();
  };
}
