import { isPrivateAddress, privateTargetProblem, urlShapeProblem } from './webhook-target';

describe('webhook targets', () => {
  it.each([
    '127.0.0.1',
    '127.10.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd12:3456::1',
    'fc00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ])('count %s as a private network address', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'count %s as public',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it('accept http and https outside production, https only in production', () => {
    expect(urlShapeProblem('http://example.com/hook', false)).toBeNull();
    expect(urlShapeProblem('https://example.com/hook', false)).toBeNull();
    expect(urlShapeProblem('https://example.com/hook', true)).toBeNull();
    expect(urlShapeProblem('http://example.com/hook', true)).not.toBeNull();
  });

  it('refuse other schemes, relative URLs, credentials and very long URLs', () => {
    for (const url of [
      'ftp://example.com',
      'example.com/hook',
      '/hook',
      'https://user:pass@example.com/',
      `https://example.com/${'a'.repeat(2100)}`,
    ]) {
      expect(urlShapeProblem(url, false)).not.toBeNull();
    }
  });

  it('refuse a host with any private address, or one that does not resolve', async () => {
    const table: Record<string, string[]> = {
      'public.test': ['93.184.216.34'],
      'mixed.test': ['93.184.216.34', '10.0.0.7'],
      'rebound.test': ['::ffff:127.0.0.1'],
    };
    const lookup = (host: string): Promise<string[]> =>
      table[host] ? Promise.resolve(table[host]) : Promise.reject(new Error('ENOTFOUND'));
    expect(await privateTargetProblem('https://public.test/x', lookup)).toBeNull();
    expect(await privateTargetProblem('https://mixed.test/x', lookup)).toContain('10.0.0.7');
    expect(await privateTargetProblem('https://rebound.test/x', lookup)).not.toBeNull();
    expect(await privateTargetProblem('https://missing.test/x', lookup)).not.toBeNull();
    expect(await privateTargetProblem('https://[::1]:8443/x', lookup)).not.toBeNull();
    expect(await privateTargetProblem('https://127.0.0.1/x', lookup)).not.toBeNull();
  });
});
