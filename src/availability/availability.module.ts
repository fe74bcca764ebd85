import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BotsModule } from '../bots/bots.module';
import { BotsService } from '../bots/bots.service';
import { BotTargetRegistry } from '../common/auth/bot-target.registry';
import { AvailabilitySlotEntity } from './availability-slot.entity';
import { AvailabilityResolver, BotAvailabilityResolver } from './availability.resolver';
import { AvailabilityService } from './availability.service';
import { SupportStatusScheduler } from './support-status.scheduler';
import { TemporaryUnavailabilityEntity } from './temporary-unavailability.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([AvailabilitySlotEntity, TemporaryUnavailabilityEntity]),
    BotsModule,
  ],
  providers: [
    AvailabilityService,
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
  ) {}

  onModuleInit(): void {
    this.targets.register('availabilitySlot', async (id) => {
      const botId = await this.availability.botIdOfSlot(id);
      return botId ? { botId } : null;
    });
    // Every committed change of the schedule, of an unavailability or of the bot's time zone
    // is told to the bot's status subscribers.
    this.availability.onChange((botId) => this.scheduler.changed(botId));
    this.bots.onTimeZoneChanged((botId) => this.scheduler.changed(botId));
  }
}
