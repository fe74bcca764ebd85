import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { BotsService } from '../bots/bots.service';
import { TokenService } from '../common/auth/token.service';
import { Clock } from '../common/clock/clock';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { EndUserSessionInput } from './dto/requests.inputs';
import { EndUserEntity } from './end-user.entity';
import { chooseLocale } from '../common/i18n/language';
import { PresenceService } from '../presence/presence.service';

export interface StartedSession {
  token: string;
  expiresAt: Date;
  endUser: EndUserEntity;
}

/** End users of bots: their sessions, and their presence (connections open right now, anywhere). */
@Injectable()
export class EndUsersService {
  constructor(
    @InjectRepository(EndUserEntity) private readonly endUsers: Repository<EndUserEntity>,
    private readonly bots: BotsService,
    private readonly tokens: TokenService,
    private readonly presence: PresenceService,
    private readonly clock: Clock,
  ) {}

  /**
   * A session for a visitor of the bot whose widget key this is: a new end user, or with an
   * `externalId` the same one again (its locale and display name refreshed). The locale is the
   * input's, else the Accept-Language header's preferred one, else "en".
   */
  async startSession(
    widgetKey: string,
    input: EndUserSessionInput,
    acceptLanguage: string | undefined,
  ): Promise<StartedSession> {
    const bot = await this.bots.findByWidgetKey(widgetKey);
    if (!bot) {
      throw new AppError(ErrorCode.NOT_FOUND, 'No bot has this widget key', {
        field: 'widgetKey',
      });
    }
    const locale = chooseLocale(input.locale, acceptLanguage);
    const displayName = input.displayName ?? null;
    let endUser: EndUserEntity;
    if (input.externalId) {
      const rows: { id: string }[] = await this.endUsers.query(
        `INSERT INTO end_users (bot_id, external_id, display_name, locale)
              VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT end_users_bot_id_external_id_key DO UPDATE
                 SET locale = EXCLUDED.locale,
                     display_name = COALESCE(EXCLUDED.display_name, end_users.display_name)
           RETURNING id`,
        [bot.id, input.externalId, displayName, locale],
      );
      endUser = await this.endUsers.findOneByOrFail({ id: rows[0].id });
    } else {
      endUser = await this.endUsers.save(
        this.endUsers.create({
          botId: bot.id,
          externalId: null,
          displayName,
          locale,
          lastSeenAt: null,
        }),
      );
    }
    const { token, expiresAt } = this.tokens.issueEndUserToken(endUser.id, bot.id);
    return { token, expiresAt, endUser };
  }

  async byIds(ids: readonly string[]): Promise<(EndUserEntity | null)[]> {
    const rows = await this.endUsers.findBy({ id: In([...ids]) });
    return ids.map((id) => rows.find((row) => row.id === id) ?? null);
  }

  isOnline(ids: readonly string[]): Promise<boolean[]> {
    return this.presence.isOnline(ids);
  }

  onlineOf(botId: string): Promise<string[]> {
    return this.presence.onlineOf(botId);
  }

  /** On a change of presence: records `lastSeenAt`, returns the end user (null if it is gone). */
  async presenceChanged(endUserId: string): Promise<EndUserEntity | null> {
    await this.endUsers.update({ id: endUserId }, { lastSeenAt: this.clock.now() });
    return this.endUsers.findOneBy({ id: endUserId });
  }
}
