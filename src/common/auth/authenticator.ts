import { Injectable } from '@nestjs/common';
import { BotAccessDirectory } from './bot-access.directory';
import { Principal } from './principal';
import { TokenService } from './token.service';

/** Bot engine keys are opaque random strings with this prefix; everything else is a JWT. */
export const BOT_ENGINE_KEY_PREFIX = 'sbk_';

/** Turns a credential (an HTTP Authorization header, a graphql-ws init payload) into a Principal. */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly directory: BotAccessDirectory,
  ) {}

  /**
   * `undefined` when no credential was given; `null` when one was given but is not valid
   * (garbled, forged, expired, rotated out, or not a Bearer credential).
   */
  /**
   * For a long-lived connection: the principal and when its credential expires (null for a bot
   * engine key, which lasts until rotated); null when the credential is missing or invalid.
   */
  async authenticateWithExpiry(
    authorization: unknown,
  ): Promise<{ principal: Principal; expiresAt: Date | null } | null> {
    const principal = await this.authenticate(authorization);
    if (!principal) {
      return null;
    }
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization as string)?.[1] ?? '';
    return {
      principal,
      expiresAt: principal.kind === 'botEngine' ? null : this.tokens.expiryOf(token),
    };
  }

  async authenticate(authorization: unknown): Promise<Principal | null | undefined> {
    if (authorization === undefined || authorization === null || authorization === '') {
      return undefined;
    }
    if (typeof authorization !== 'string') {
      return null;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) {
      return null;
    }
    const credential = match[1];
    if (credential.startsWith(BOT_ENGINE_KEY_PREFIX)) {
      const botId = await this.directory.botOfEngineKey(credential);
      return botId ? { kind: 'botEngine', botId } : null;
    }
    return this.tokens.verify(credential);
  }
}
