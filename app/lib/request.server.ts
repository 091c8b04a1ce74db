/** What the core services want to know about the caller's request: IP and user agent. */
import type { RequestMeta } from '../../core/accounts';

/** The client IP as the Worker's rate limiter sees it (worker/middleware/rate-limit.ts clientIp). */
export function clientIp(request: Request): string {
  return request.headers.get('cf-connecting-ip') ?? request.headers.get('x-real-ip') ?? 'local';
}

export function requestMeta(request: Request): RequestMeta {
  return { ip: clientIp(request), userAgent: request.headers.get('user-agent') };
}
