import { describe, expect, it } from 'vitest';
import { assertSafeMcpUrl, UnsafeUrlError } from './url-guard';

describe('assertSafeMcpUrl', () => {
  it.each(['https://mcp.example.com/mcp', 'https://93.184.216.34/mcp', 'https://[2606:4700::1111]/mcp'])(
    'production accepts the public https URL %s',
    (url) => {
      expect(assertSafeMcpUrl(url, 'production').toString()).toBe(new URL(url).toString());
    },
  );

  it.each([
    ['http://mcp.example.com/mcp', 'https://'],
    ['https://localhost/mcp', 'not a public address'],
    ['http://localhost:8080/mcp', 'https://'],
    ['https://127.0.0.1/mcp', 'not a public address'],
    ['https://127.1.2.3/mcp', 'private'],
    ['https://10.0.0.5/mcp', 'private'],
    ['https://172.16.0.1/mcp', 'private'],
    ['https://192.168.1.1/mcp', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'private'],
    ['https://100.64.0.1/mcp', 'private'],
    ['https://0.0.0.0/mcp', 'private'],
    ['https://[::1]/mcp', 'not a public address'],
    ['https://[fd00::1]/mcp', 'private'],
    ['https://[fe80::1]/mcp', 'private'],
    ['https://[::ffff:10.0.0.1]/mcp', 'private'],
    ['https://2130706433/mcp', 'not a public address'],
    ['https://0x7f.1/mcp', 'not a public address'],
    ['https://metadata.google.internal/computeMetadata', 'not a public address'],
    ['https://printer.local/mcp', 'not a public address'],
    ['https://app.localhost/mcp', 'not a public address'],
    ['https://user:pass@mcp.example.com/mcp', 'credentials'],
    ['ftp://mcp.example.com/mcp', 'https://'],
    ['not a url', 'not a URL'],
  ])('production refuses %s', (url, message) => {
    expect(() => assertSafeMcpUrl(url, 'production')).toThrow(UnsafeUrlError);
    expect(() => assertSafeMcpUrl(url, 'production')).toThrow(message);
  });

  it('development and test allow a local server over http, and nothing else private', () => {
    for (const env of ['development', 'test'] as const) {
      expect(assertSafeMcpUrl('http://localhost:9000/mcp', env).port).toBe('9000');
      expect(assertSafeMcpUrl('http://127.0.0.1:9000/mcp', env).hostname).toBe('127.0.0.1');
      expect(() => assertSafeMcpUrl('http://10.0.0.5/mcp', env)).toThrow(UnsafeUrlError);
      expect(() => assertSafeMcpUrl('https://192.168.1.1/mcp', env)).toThrow(UnsafeUrlError);
      expect(() => assertSafeMcpUrl('http://mcp.example.com/mcp', env)).toThrow('https://');
    }
  });
});
