import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new webhook secret: 32 random bytes, readable and prefixed so it is recognised in a leak. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * The `switchboard-signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
 * "<t>.<raw body>")>`. Signing the time with the body lets receivers refuse replays of old
 * deliveries. The sending thread (`webhook-sender.ts`, evaluated source) builds the same header;
 * this function states the format in code (its unit test checks it against `verifySignature`,
 * which the end-to-end tests apply to every delivery).
 */
export function signatureHeader(secret: string, at: Date, rawBody: string): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmac(secret, t, rawBody)}`;
}

/**
 * What a receiver does (and the README shows): true when `header` signs `rawBody` with `secret`
 * and its time is within `toleranceSeconds` of `now`.
 */
export function verifySignature(
  secret: string,
  header: string,
  rawBody: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isSafeInteger(t) || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) {
    return false;
  }
  const expected = Buffer.from(hmac(secret, t, rawBody), 'hex');
  const actual = Buffer.from(given, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function hmac(secret: string, t: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
}
