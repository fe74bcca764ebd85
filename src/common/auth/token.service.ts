import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { KeyObject, createSecretKey } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../clock/clock';

const ISSUER = 'switchboard';

type TokenClaims = { sub: string; typ: 'account' } | { sub: string; typ: 'end_user'; bot: string };

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export type VerifiedToken =
  { kind: 'account'; accountId: string } | { kind: 'endUser'; endUserId: string; botId: string };

/**
 * Signs and verifies the service's access tokens (HS256 JWTs with an expiry). The secret is a
 * KeyObject made once: given a string, jsonwebtoken would build a key on every verification,
 * which the benchmark showed as the largest single cost of a request.
 */
@Injectable()
export class TokenService {
  private readonly key: KeyObject;
  private readonly ttlSeconds: number;

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
    let claims: jwt.JwtPayload;
    try {
      const decoded = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
      if (typeof decoded === 'string') {
        return null;
      }
      claims = decoded;
    } catch {
      return null;
    }
    if (typeof claims.sub !== 'string') {
      return null;
    }
    if (claims.typ === 'account') {
      return { kind: 'account', accountId: claims.sub };
    }
    if (claims.typ === 'end_user' && typeof claims.bot === 'string') {
      return { kind: 'endUser', endUserId: claims.sub, botId: claims.bot };
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
