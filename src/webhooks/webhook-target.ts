import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const MAX_URL_LENGTH = 2048;

/**
 * Addresses a production webhook may not reach (OPERATIONS.md, "Safe targets"): loopback,
 * private, link-local, unique-local, and the unspecified/"this network" ranges that reach the
 * host itself. IPv4-mapped IPv6 addresses are checked as the IPv4 address they carry.
 */
const PRIVATE_NETWORKS = (() => {
  const list = new BlockList();
  for (const [network, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
  ] as const) {
    list.addSubnet(network, prefix, 'ipv4');
  }
  for (const [network, prefix] of [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fe80::', 10],
  ] as const) {
    list.addSubnet(network, prefix, 'ipv6');
  }
  return list;
})();

/** True for an address in a loopback, private, link-local or unique-local network. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) {
    return false;
  }
  return PRIVATE_NETWORKS.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why a webhook URL is refused before any lookup (null when its shape is fine): an absolute
 * http(s) URL, https only in production, no credentials in it, at most 2,048 characters.
 */
export function urlShapeProblem(raw: string, production: boolean): string | null {
  if (raw.length > MAX_URL_LENGTH) {
    return `url must be at most ${MAX_URL_LENGTH} characters`;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'url must be an absolute http:// or https:// URL';
  }
  if (production && url.protocol !== 'https:') {
    return 'url must use https:// in production';
  }
  if (url.username || url.password) {
    return 'url must not carry credentials';
  }
  return null;
}

/** Resolves a host name to every address it has (an IP literal is its own address). */
export type AddressLookup = (host: string) => Promise<string[]>;

export const systemLookup: AddressLookup = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Why the URL's host may not be called (null when it may): it resolves to a private network
 * address, or does not resolve at all. Every address counts, so a name with one public and one
 * private address is refused.
 */
export async function privateTargetProblem(
  raw: string,
  resolve: AddressLookup = systemLookup,
): Promise<string | null> {
  const host = new URL(raw).hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      return `the host ${host} does not resolve`;
    }
  }
  const refused = addresses.find(isPrivateAddress);
  return refused === undefined
    ? null
    : `the host ${host} resolves to a private network address (${refused})`;
}
