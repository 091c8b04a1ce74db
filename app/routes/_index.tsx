import type { MetaFunction } from '@remix-run/cloudflare';

export const meta: MetaFunction = () => [{ title: 'Generic Corp — your AI team, at work' }];

export default function Landing() {
  return <h1>Generic Corp</h1>;
}
