import { isOriginAllowed, isOwnOrigin } from './origins';

describe('origins', () => {
  it('allows any origin with *, else only the listed ones', () => {
    expect(isOriginAllowed('https://shop.example', '*')).toBe(true);
    expect(isOriginAllowed('https://shop.example', ['https://shop.example'])).toBe(true);
    expect(isOriginAllowed('https://evil.example', ['https://shop.example'])).toBe(false);
  });

  it("recognises the service's own origin by PUBLIC_URL or by the requested host", () => {
    const publicUrl = 'https://support.example';
    expect(isOwnOrigin('https://support.example', publicUrl, 'internal:8080')).toBe(true);
    expect(isOwnOrigin('http://127.0.0.1:4100', publicUrl, '127.0.0.1:4100')).toBe(true);
    expect(isOwnOrigin('https://shop.example', publicUrl, '127.0.0.1:4100')).toBe(false);
    expect(isOwnOrigin('http://127.0.0.1:4101', publicUrl, '127.0.0.1:4100')).toBe(false);
    expect(isOwnOrigin('null', publicUrl, 'support.example')).toBe(false);
  });
});
