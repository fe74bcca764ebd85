import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { KeyObject, createSecretKey } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { BoundedCache } from '../cache/bounded-cache';
import { Clock } from '../clock/clock';

const ISSUER = 'switchboard';

type TokenClaims = { sub: string; typ: 'account' } | { sub: string; typ: 'end_user'; bot: string };

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export type VerifiedToken =
  { kind: 'account'; accountId: string } | { kind: 'endUser'; endUserId: string; botId: string };

/** Tokens whose verification is remembered: about as many as the callers active at once. */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Signs and verifies the service's access tokens (HS256 JWTs with an expiry). The secret is a
 * KeyObject made once: given a string, jsonwebtoken would build a key on every verification,
 * which the benchmark showed as the largest single cost of a request. A client sends the same
 * token with every request, so a token that verified is remembered with its expiry: the next
 * requests check only the expiry (on the service clock), not the signature again.
 */
@Injectable()
export class TokenService {
  private readonly key: KeyObject;
  private readonly ttlSeconds: number;
  private readonly verified = new BoundedCache<
    string,
    { subject: VerifiedToken; expiresAtSeconds: number }
  >(VERIFIED_CACHE_SIZE);

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.key = createSecretKey(Buffer.from(config.authSecret, 'utf8'));
    this.ttlSeconds = config.authTokenTtlSeconds;
  }

  issueAccountToken(accountId: string): IssuedToken {
    return this.issue({ sub: accountId, typ: 'account' });
  }

  issueEndUserToken(endUserId: string, botId: string): IssuedToken {
    return this.issue({ sub: endUserId, typ: 'end_user', bot: botId });
  }

  /** When a token that `verify` accepted expires. */
  expiryOf(token: string): Date | null {
    const decoded = jwt.decode(token, { json: true });
    return typeof decoded?.exp === 'number' ? new Date(decoded.exp * 1000) : null;
  }

  /** The token's subject, or null when it is garbled, forged, expired or of an unknown kind. */
  verify(token: string): VerifiedToken | null {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const known = this.verified.get(token);
    if (known !== undefined && now < known.expiresAtSeconds) {
      return known.subject;
    }
    const subject = this.verifyNow(token, now);
    if (subject !== null) {
      this.verified.set(token, subject);
    }
    return subject?.subject ?? null;
  }

  private verifyNow(
    token: string,
    now: number,
  ): { subject: VerifiedToken; expiresAtSeconds: number } | null {
    let claims: jwt.JwtPayload;
    try {
      const decoded = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        clockTimestamp: now,
      });
      if (typeof decoded === 'string') {
        return null;
      }
      claims = decoded;
    } catch {
      return null;
    }
    // Tokens without an expiry are not issued here; jsonwebtoken would accept one forever.
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
      return null;
    }
    const expiresAtSeconds = claims.exp;
    if (claims.typ === 'account') {
      return { subject: { kind: 'account', accountId: claims.sub }, expiresAtSeconds };
    }
    if (claims.typ === 'end_user' && typeof claims.bot === 'string') {
      return {
        subject: { kind: 'endUser', endUserId: claims.sub, botId: claims.bot },
        expiresAtSeconds,
      };
    }
    return null;
  }

  private issue(claims: TokenClaims): IssuedToken {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const expiresAt = issuedAt + this.ttlSeconds;
    const token = jwt.sign({ ...claims, iat: issuedAt, exp: expiresAt }, this.key, {
      algorithm: 'HS256',
      issuer: ISSUER,
    });
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }
}
