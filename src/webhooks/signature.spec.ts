import { createHmac } from 'node:crypto';
import { newWebhookSecret, signatureHeader, verifySignature } from './signature';

describe('webhook signatures', () => {
  const at = new Date('2026-03-01T12:00:00.500Z');
  const body = '{"id":"e1","type":"MESSAGE_POSTED"}';

  it('sign "<t>.<raw body>" with HMAC-SHA256 and give the time in whole seconds', () => {
    const header = signatureHeader('s3cret', at, body);
    const t = Math.floor(at.getTime() / 1000);
    const expected = createHmac('sha256', 's3cret').update(`${t}.${body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${expected}`);
  });

  it('verify with the same secret, body and a recent time', () => {
    const header = signatureHeader('s3cret', at, body);
    expect(verifySignature('s3cret', header, body, at)).toBe(true);
  });

  it('refuse another secret, a changed body, an old time or a malformed header', () => {
    const header = signatureHeader('s3cret', at, body);
    expect(verifySignature('other', header, body, at)).toBe(false);
    expect(verifySignature('s3cret', header, `${body} `, at)).toBe(false);
    expect(verifySignature('s3cret', header, body, new Date(at.getTime() + 301_000))).toBe(false);
    expect(verifySignature('s3cret', 'v1=abc', body, at)).toBe(false);
    expect(verifySignature('s3cret', 't=1,v1=zz', body, at)).toBe(false);
  });

  it('make a different secret each time', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
