import { ValidateBy, type ValidationOptions, buildMessage } from 'class-validator';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a setting lists (`5.45.207.0/25, 141.8.142.0/25, ::1`): CIDR blocks or single addresses, IPv4 and
 * IPv6. An IPv4 peer seen as IPv4-mapped IPv6 (`::ffff:5.45.207.1`, a dual-stack socket) matches its IPv4 range.
 */
export class AddressRanges {
  private constructor(
    private readonly list: BlockList,
    readonly entries: readonly string[],
  ) {}

  /** Parses a comma-separated list; throws naming every entry that is not an address or a CIDR block. */
  static parse(text: string): AddressRanges {
    const entries = text
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const list = new BlockList();
    const bad: string[] = [];
    for (const entry of entries) {
      const [address, prefix, ...rest] = entry.split('/');
      const family = isIP(address);
      const bits = prefix === undefined ? (family === 6 ? 128 : 32) : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
      if (family === 0 || rest.length > 0 || !(bits >= 0 && bits <= (family === 6 ? 128 : 32))) {
        bad.push(entry);
        continue;
      }
      list.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
    }
    if (bad.length > 0) throw new Error(`not an address or CIDR block: ${bad.join(', ')}`);
    return new AddressRanges(list, entries);
  }

  contains(address: string | undefined): boolean {
    const plain = address === undefined ? undefined : plainAddress(address);
    if (plain === undefined) return false;
    return this.list.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
  }
}

/** An address as proxies write it (`[::1]:443`, `10.0.0.1:5678`, `fe80::1%eth0`) reduced to the address alone. */
function plainAddress(raw: string): string | undefined {
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  text = text.replace(/%.*$/, '');
  return isIP(text) === 0 ? undefined : text;
}

/**
 * The address a request came from. The socket's peer, unless that peer is one of `trustedProxies`: then
 * `X-Forwarded-For` is read from the right (the hop our proxy added) and the first address that is not a trusted
 * proxy is the client. Forwarded-for entries a client wrote itself sit further left and are never reached while an
 * untrusted hop comes first, so a client outside the proxies cannot choose its address. An entry that is not an
 * address is returned as it is (it matches no range).
 */
export function clientAddressOf(request: IncomingMessage, trustedProxies: AddressRanges): string | undefined {
  const peer = request.socket?.remoteAddress;
  if (!trustedProxies.contains(peer)) return peer;
  const header = request.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trustedProxies.contains(hops[i])) return plainAddress(hops[i]) ?? hops[i];
  }
  // Every hop was one of our proxies: the leftmost one is as far back as anyone trusted can see.
  return hops.length > 0 ? plainAddress(hops[0]) : peer;
}

/** A settings field holding a comma-separated list of addresses and CIDR blocks (`AddressRanges.parse`). */
export function IsAddressRanges(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAddressRanges',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            AddressRanges.parse(value);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a comma-separated list of IPv4/IPv6 addresses or CIDR blocks`,
          options,
        ),
      },
    },
    options,
  );
}
