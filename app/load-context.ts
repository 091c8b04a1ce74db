/** What the Worker passes to every Remix loader and action (see worker/remix.ts). */
export interface CloudflareLoadContext {
  cloudflare: { env: Env; ctx: ExecutionContext };
}

declare module '@remix-run/cloudflare' {
  interface AppLoadContext extends CloudflareLoadContext {}
}
