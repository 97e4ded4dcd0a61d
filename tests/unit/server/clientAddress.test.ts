import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, limitKeyOf } from '../../../server/clientAddress.ts';

const requestFrom = (peer: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('the address limits count a client under', () => {
  it('is an IPv4 address as it is, also when IPv4-mapped', () => {
    expect(limitKeyOf('203.0.113.9')).toBe('203.0.113.9');
    expect(limitKeyOf('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('is an IPv6 address’s /64: one host cannot take a new address per request', () => {
    expect(limitKeyOf('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(limitKeyOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(limitKeyOf('2001:DB8:0001:0002:ffff::9')).toBe('2001:db8:1:2::/64');
    expect(limitKeyOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
  });

  it('is the peer unless a proxy is trusted; then the proxy’s own X-Forwarded-For entry', () => {
    expect(clientAddress(requestFrom('127.0.0.1', '198.51.100.7'), false)).toBe('127.0.0.1');
    expect(clientAddress(requestFrom('127.0.0.1', '198.51.100.7, 203.0.113.1'), true)).toBe(
      '203.0.113.1',
    );
    expect(clientAddress(requestFrom('127.0.0.1'), true)).toBe('127.0.0.1');
  });
});
