import { BotRole } from './bot-role';

/**
 * What the access layer needs to know about bots, implemented by the bots module. Kept as a
 * port so the cross-cutting guard does not depend on a domain module.
 */
export abstract class BotAccessDirectory {
  /** The caller's role on the bot; null when the bot does not exist or the caller is not a member. */
  abstract roleOf(botId: string, accountId: string): Promise<BotRole | null>;

  /** Origins whose pages may use the bot's widget key; empty: any (end-user connections). */
  abstract allowedOriginsOf(botId: string): Promise<string[]>;

  /** The bot whose current engine key this is; null for an unknown or rotated-out key. */
  abstract botOfEngineKey(key: string): Promise<string | null>;
}
