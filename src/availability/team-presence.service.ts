import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Repository } from 'typeorm';
import { BotsService } from '../bots/bots.service';
import { PresenceService } from '../presence/presence.service';
import { RequestStatus } from '../requests/request-enums';
import { UserRequestEntity } from '../requests/user-request.entity';
import { SupportStatusCounts } from './models/availability.models';

/**
 * The live counts of a support status: members of the bot (either role) with a graphql-ws
 * connection open now, and OPEN requests queued for a human that nobody has taken. Never cached:
 * read when asked for (batched over bots), or when the scheduler pushes them.
 */
@Injectable()
export class TeamPresenceService {
  constructor(
    private readonly bots: BotsService,
    private readonly presence: PresenceService,
    @InjectRepository(UserRequestEntity)
    private readonly requests: Repository<UserRequestEntity>,
  ) {}

  /** Counts of several bots: one query for the members, one presence read, one count query. */
  async countsOf(botIds: readonly string[]): Promise<SupportStatusCounts[]> {
    const [agentsOnline, waitingRequests] = await Promise.all([
      this.agentsOnlineOf(botIds),
      this.waitingRequestsOf(botIds),
    ]);
    return botIds.map((_, index) => ({
      agentsOnline: agentsOnline[index],
      waitingRequests: waitingRequests[index],
    }));
  }

  async agentsOnlineOf(botIds: readonly string[]): Promise<number[]> {
    const members = await this.bots.memberAccountIdsOf(botIds);
    const accountIds = [...new Set(members.flat())];
    const online = await this.presence.accountsOnline(accountIds);
    const onlineIds = new Set(accountIds.filter((_, index) => online[index]));
    return members.map((ids) => ids.filter((id) => onlineIds.has(id)).length);
  }

  /** OPEN, awaiting a human, nobody in control (the partial index user_requests_waiting_idx). */
  async waitingRequestsOf(botIds: readonly string[]): Promise<number[]> {
    const rows: { botId: string; count: string }[] = await this.requests
      .createQueryBuilder('r')
      .select('r.bot_id', 'botId')
      .addSelect('COUNT(*)', 'count')
      .where({
        botId: In([...botIds]),
        status: RequestStatus.OPEN,
        awaitingHuman: true,
        activeLiveConversationId: IsNull(),
      })
      .groupBy('r.bot_id')
      .getRawMany();
    const counts = new Map(rows.map((row) => [row.botId, Number(row.count)]));
    return botIds.map((botId) => counts.get(botId) ?? 0);
  }

  async botIdsOf(accountId: string): Promise<string[]> {
    return this.bots.botIdsOf(accountId);
  }
}
