import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BotsModule } from '../bots/bots.module';
import { BotsService } from '../bots/bots.service';
import { BotTargetRegistry } from '../common/auth/bot-target.registry';
import { PresenceService } from '../presence/presence.service';
import { UserRequestEntity } from '../requests/user-request.entity';
import { AvailabilityOverrideEntity } from './availability-override.entity';
import { AvailabilitySlotEntity } from './availability-slot.entity';
import { AvailabilityResolver, BotAvailabilityResolver } from './availability.resolver';
import { AvailabilityService } from './availability.service';
import { SupportStatusScheduler } from './support-status.scheduler';
import { TeamPresenceService } from './team-presence.service';
import { TemporaryUnavailabilityEntity } from './temporary-unavailability.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      AvailabilitySlotEntity,
      AvailabilityOverrideEntity,
      TemporaryUnavailabilityEntity,
      UserRequestEntity,
    ]),
    BotsModule,
  ],
  providers: [
    AvailabilityService,
    TeamPresenceService,
    SupportStatusScheduler,
    AvailabilityResolver,
    BotAvailabilityResolver,
  ],
  exports: [AvailabilityService],
})
export class AvailabilityModule implements OnModuleInit {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly scheduler: SupportStatusScheduler,
    private readonly bots: BotsService,
    private readonly targets: BotTargetRegistry,
    private readonly presence: PresenceService,
    private readonly team: TeamPresenceService,
  ) {}

  onModuleInit(): void {
    this.targets.register('availabilitySlot', async (id) => {
      const botId = await this.availability.botIdOfSlot(id);
      return botId ? { botId } : null;
    });
    this.targets.register('availabilityOverride', async (id) => {
      const botId = await this.availability.botIdOfOverride(id);
      return botId ? { botId } : null;
    });
    // Every committed change of the schedule, of an unavailability or of the bot's time zone
    // is told to the bot's status subscribers.
    this.availability.onChange((botId) => this.scheduler.changed(botId));
    this.bots.onTimeZoneChanged((botId) => this.scheduler.changed(botId));
    // The counts of the status: members coming online or going offline (each change reported
    // by one instance), requests queued for a human, taken or closed.
    this.presence.onAccountChange(async ({ accountId }) => {
      const botIds = await this.team.botIdsOf(accountId);
      await Promise.all(botIds.map((botId) => this.scheduler.countsChanged(botId)));
    });
    this.availability.onWaitingRequestsChange((botId) => this.scheduler.countsChanged(botId));
    // A member added or removed while connected changes agentsOnline too.
    this.bots.onMembershipChanged((botId) => this.scheduler.countsChanged(botId));
  }
}
