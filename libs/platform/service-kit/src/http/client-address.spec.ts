import type { IncomingMessage } from 'node:http';
import { AddressRanges, clientAddressOf } from './client-address';

const request = (peer: string | undefined, forwardedFor?: string | string[]): IncomingMessage =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('AddressRanges', () => {
  const market = AddressRanges.parse('5.45.207.0/25, 141.8.142.0/25,5.255.253.0/25');

  it('matches CIDR blocks at their edges, IPv4-mapped peers included', () => {
    expect(['5.45.207.0', '5.45.207.127', '::ffff:141.8.142.5', '5.255.253.1'].map((a) => market.contains(a))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      ['5.45.207.128', '141.8.143.1', '127.0.0.1', '::1', 'x', '', undefined].map((a) => market.contains(a)),
    ).toEqual(Array(7).fill(false));
  });

  it('takes single addresses and IPv6 blocks, and refuses every entry that is neither', () => {
    const local = AddressRanges.parse('127.0.0.1, ::1, fd00::/8');
    expect(['127.0.0.1', '::ffff:127.0.0.1', '::1', 'fd12::5', '127.0.0.2'].map((a) => local.contains(a))).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(AddressRanges.parse('').contains('127.0.0.1')).toBe(false);
    expect(() => AddressRanges.parse('10.0.0.0/33, 1.2.3, ::1/129, 10.0.0.0/8/1, 10.0.0.1')).toThrow(
      'not an address or CIDR block: 10.0.0.0/33, 1.2.3, ::1/129, 10.0.0.0/8/1',
    );
  });
});

describe('clientAddressOf', () => {
  const proxies = AddressRanges.parse('10.0.0.0/8, 127.0.0.1');

  it("is the socket's peer when the peer is not a trusted proxy, whatever X-Forwarded-For claims", () => {
    expect(clientAddressOf(request('203.0.113.9', '5.45.207.1'), proxies)).toBe('203.0.113.9');
    expect(clientAddressOf(request('::ffff:203.0.113.9'), proxies)).toBe('::ffff:203.0.113.9');
  });

  it('reads X-Forwarded-For from the right, skipping trusted proxies, when the peer is one', () => {
    expect(clientAddressOf(request('127.0.0.1', '5.45.207.1'), proxies)).toBe('5.45.207.1');
    // A client forging the header: its forged entry is left of the hop our proxy wrote.
    expect(clientAddressOf(request('10.0.0.2', '5.45.207.1, 203.0.113.9, 10.0.0.3'), proxies)).toBe('203.0.113.9');
    expect(clientAddressOf(request('10.0.0.2', ['5.45.207.1', '10.0.0.3']), proxies)).toBe('5.45.207.1');
    expect(clientAddressOf(request('10.0.0.2', '[2001:db8::1]:443'), proxies)).toBe('2001:db8::1');
    expect(clientAddressOf(request('10.0.0.2', '5.45.207.1:5678'), proxies)).toBe('5.45.207.1');
    expect(clientAddressOf(request('10.0.0.2', 'unknown'), proxies)).toBe('unknown');
  });

  it('falls back to the leftmost hop, or the peer, when only trusted proxies are named', () => {
    expect(clientAddressOf(request('10.0.0.2', '10.0.0.4, 10.0.0.3'), proxies)).toBe('10.0.0.4');
    expect(clientAddressOf(request('10.0.0.2'), proxies)).toBe('10.0.0.2');
  });
});
