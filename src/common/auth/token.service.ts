import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
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

/** Signs and verifies the service's access tokens (HS256 JWTs with an expiry). */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  issueAccountToken(accountId: string): IssuedToken {
    return this.issue({ sub: accountId, typ: 'account' });
  }

  issueEndUserToken(endUserId: string, botId: string): IssuedToken {
    return this.issue({ sub: endUserId, typ: 'end_user', bot: botId });
  }

  /** The token's subject, or null when it is garbled, forged, expired or of an unknown kind. */
  verify(token: string): VerifiedToken | null {
    let claims: Partial<TokenClaims> & { bot?: unknown };
    try {
      claims = this.jwt.verify(token, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
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
    const expiresAt = issuedAt + this.config.authTokenTtlSeconds;
    const token = this.jwt.sign(
      { ...claims, iat: issuedAt, exp: expiresAt },
      { algorithm: 'HS256', issuer: ISSUER, secret: this.config.authSecret },
    );
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }
}
