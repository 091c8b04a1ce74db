/**
 * Where an MCP connection may point (no SSRF into the platform): in production only https to a
 * public host name or public IP address; never loopback, private, link-local, CGNAT, unique-local
 * or metadata addresses, never credentials in the URL. In development and test, http and https to
 * the machine itself (localhost, 127.0.0.1, [::1]) are allowed too, so the local start and the
 * tests can use a local MCP server. Redirects are refused by the client (core/mcp/client.ts), so a
 * public URL cannot bounce a request to a private one.
 */
import type { AppConfig } from '../config';

export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

const LOCAL_NAMES = ['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback'];
/** Suffixes of names that only resolve inside a network. */
const INTERNAL_SUFFIXES = ['.localhost', '.local', '.internal', '.intranet', '.lan', '.home.arpa', '.corp'];

function ipv4Parts(host: string): number[] | null {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return null;
  const parts = host.split('.').map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

/** True for an IPv4 address that is not publicly routable. */
function privateIpv4(parts: number[]): boolean {
  const [a = 0, b = 0] = parts;
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/** True for an IPv6 literal (without brackets) that is not publicly routable. */
function privateIpv6(host: string): boolean {
  const h = host.toLowerCase();
  if (h === '::' || h === '::1') return true;
  // IPv4-mapped / -compatible (::ffff:10.0.0.1, ::ffff:a00:1): judge by the IPv4 part.
  const mapped = /^::(ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(h);
  if (mapped) return privateIpv4(ipv4Parts(mapped[2]!) ?? [0]);
  if (/^::ffff:/.test(h)) return true;
  const first = Number.parseInt(h.split(':')[0] || '0', 16);
  return (
    (first & 0xfe00) === 0xfc00 || // fc00::/7 unique local
    (first & 0xffc0) === 0xfe80 || // fe80::/10 link-local
    (first & 0xffc0) === 0xfec0 || // fec0::/10 site-local (deprecated)
    (first & 0xff00) === 0xff00 || // multicast
    h.startsWith('64:ff9b:') || // NAT64 can reach IPv4 private space
    h.startsWith('2001:db8:') // documentation
  );
}

function isLoopbackHost(host: string): boolean {
  return LOCAL_NAMES.includes(host) || host.endsWith('.localhost') || host === '127.0.0.1' || host === '::1';
}

/**
 * Parses and checks an MCP server URL for `appEnv`; throws UnsafeUrlError with a sentence an
 * admin can act on, or returns the URL.
 */
export function assertSafeMcpUrl(raw: string, appEnv: AppConfig['APP_ENV']): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('That is not a URL: use the full address, e.g. https://mcp.example.com/mcp.');
  }
  if (url.username || url.password)
    throw new UnsafeUrlError('Put credentials in the token or headers, not in the URL.');
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  const local = isLoopbackHost(host);
  if (appEnv !== 'production' && local) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new UnsafeUrlError('The URL must start with https:// (or http:// for a local server).');
    return url;
  }
  if (url.protocol !== 'https:') throw new UnsafeUrlError('The URL must start with https://.');
  if (
    !host ||
    local ||
    INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix)) ||
    (!host.includes('.') && !host.includes(':'))
  )
    throw new UnsafeUrlError(
      `${host || 'That host'} is not a public address: MCP servers must be reachable on the internet.`,
    );
  const v4 = ipv4Parts(host);
  if ((v4 && privateIpv4(v4)) || (host.includes(':') && privateIpv6(host)))
    throw new UnsafeUrlError(`${host} is a private, loopback or link-local address: it is refused.`);
  // Numeric forms browsers and resolvers accept as IPv4 (0x7f.1, 2130706433) are refused outright.
  if (/^(0x[0-9a-f]+|\d+)(\.(0x[0-9a-f]+|\d+)){0,3}$/i.test(host) && !v4)
    throw new UnsafeUrlError(`${host} is not a plain host name or address.`);
  return url;
}
