import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, MoreThan, Not, Repository } from 'typeorm';
import { BotsService } from '../bots/bots.service';
import { Clock } from '../common/clock/clock';
import { Transactions } from '../common/database/transactions';
import { AppError } from '../common/errors/app-error';
import { AvailabilitySlotEntity } from './availability-slot.entity';
import { AvailabilitySlotInput } from './dto/availability-slot.input';
import { SupportStatusCache } from './support-status.cache';
import { SupportTeamState } from '../common/support-team-state';
import { SupportStatusReason } from './models/availability.models';
import { TemporaryUnavailabilityEntity } from './temporary-unavailability.entity';
import {
  WeeklySlot,
  computeSupportStatus,
  findOverlap,
  minutesLeftInLocalDay,
  parseClockTime,
  sortSlots,
} from './weekly-schedule';

/** The support status of a bot at one instant, and what it was computed from. */
export interface SupportStatusSnapshot {
  botId: string;
  state: SupportTeamState;
  reason: SupportStatusReason;
  changesAt: Date | null;
  unavailability: TemporaryUnavailabilityEntity | null;
  /** When a subscriber must hear again: the next flip, or the end of the unavailability. */
  nextChangeAt: Date | null;
}

/** What a status is computed from. */
export interface SupportStatusParts {
  timeZone: string;
  slots: readonly WeeklySlot[];
  unavailability: TemporaryUnavailabilityEntity | null;
}

/** Bots whose status is kept; past it, the least recently computed go. */
const STATUS_CACHE_SIZE = 10_000;
/** What a lost eviction from another instance may cost at most (see SupportStatusCache). */
const STATUS_CACHE_MAX_AGE_MS = 60_000;

/** What one mutation changed, for the scheduler to publish after commit. */
export type AvailabilityChangeListener = (botId: string) => Promise<void>;

/**
 * A bot's weekly availability template, its temporary unavailabilities, and the support status
 * they make. Edits of one bot run with the bot row locked, so concurrent edits cannot both pass
 * the overlap check.
 */
@Injectable()
export class AvailabilityService {
  private readonly listeners: AvailabilityChangeListener[] = [];
  private readonly statuses = new SupportStatusCache<SupportStatusSnapshot>(
    STATUS_CACHE_SIZE,
    STATUS_CACHE_MAX_AGE_MS,
  );

  constructor(
    private readonly transactions: Transactions,
    @InjectRepository(AvailabilitySlotEntity)
    private readonly slots: Repository<AvailabilitySlotEntity>,
    @InjectRepository(TemporaryUnavailabilityEntity)
    private readonly unavailabilities: Repository<TemporaryUnavailabilityEntity>,
    private readonly bots: BotsService,
    private readonly clock: Clock,
  ) {}

  /** Called after every committed change of a bot's availability. */
  onChange(listener: AvailabilityChangeListener): void {
    this.listeners.push(listener);
  }

  async weeklySchedule(botId: string): Promise<AvailabilitySlotEntity[]> {
    return (await this.slotsOf([botId]))[0];
  }

  /** The weekly templates of several bots in one query, each ordered by weekday then start. */
  async slotsOf(botIds: readonly string[]): Promise<AvailabilitySlotEntity[][]> {
    const rows = await this.slots.findBy({ botId: In([...botIds]) });
    return botIds.map((botId) => sortSlots(rows.filter((row) => row.botId === botId)));
  }

  async botIdOfSlot(slotId: string): Promise<string | null> {
    const slot = await this.slots.findOne({ select: { botId: true }, where: { id: slotId } });
    return slot?.botId ?? null;
  }

  async addSlot(botId: string, input: AvailabilitySlotInput): Promise<AvailabilitySlotEntity> {
    const slot = parseSlot(input, 'input');
    return this.transactions.run(async ({ manager, afterCommit }) => {
      await this.bots.lockBot(manager, botId);
      await this.assertNoOverlap(manager, botId, slot, null);
      const saved = await manager.save(manager.create(AvailabilitySlotEntity, { botId, ...slot }));
      afterCommit(() => this.changed(botId));
      return saved;
    });
  }

  /** Moves or extends a slot (its weekday may change too). */
  async updateSlot(slotId: string, input: AvailabilitySlotInput): Promise<AvailabilitySlotEntity> {
    const slot = parseSlot(input, 'input');
    return this.transactions.run(async ({ manager, afterCommit }) => {
      const existing = await manager.findOneBy(AvailabilitySlotEntity, { id: slotId });
      if (!existing) {
        throw AppError.notFound('Availability slot');
      }
      await this.bots.lockBot(manager, existing.botId);
      await this.assertNoOverlap(manager, existing.botId, slot, slotId);
      await manager.update(AvailabilitySlotEntity, { id: slotId }, slot);
      afterCommit(() => this.changed(existing.botId));
      return { ...existing, ...slot };
    });
  }

  async removeSlot(slotId: string): Promise<string> {
    const slot = await this.slots.findOneBy({ id: slotId });
    if (!slot) {
      throw AppError.notFound('Availability slot');
    }
    await this.slots.delete({ id: slotId });
    await this.changed(slot.botId);
    return slotId;
  }

  /** Replaces the whole template at once: every slot is checked before anything changes. */
  async replaceWeeklySchedule(
    botId: string,
    inputs: readonly AvailabilitySlotInput[],
  ): Promise<AvailabilitySlotEntity[]> {
    const slots: WeeklySlot[] = [];
    inputs.forEach((input, index) => {
      const slot = parseSlot(input, `slots.${index}`);
      const overlap = findOverlap(
        slots.map((other, otherIndex) => ({ ...other, otherIndex })),
        slot,
      );
      if (overlap) {
        throw AppError.badInput(
          `slots.${index}`,
          `This slot overlaps slot ${overlap.otherIndex} of the list`,
          { overlapsSlotIndex: overlap.otherIndex },
        );
      }
      slots.push(slot);
    });
    await this.transactions.run(async ({ manager, afterCommit }) => {
      await this.bots.lockBot(manager, botId);
      await manager.delete(AvailabilitySlotEntity, { botId });
      if (slots.length > 0) {
        await manager.insert(
          AvailabilitySlotEntity,
          slots.map((slot) => ({ botId, ...slot })),
        );
      }
      afterCommit(() => this.changed(botId));
    });
    return this.weeklySchedule(botId);
  }

  /**
   * Declares the whole team unavailable from now for `hours` and `minutes`, replacing any active
   * declaration. It may not run past the end of today in the bot's zone: the refusal says how
   * many minutes are left (`extensions.maxMinutes`).
   */
  async activateTemporaryUnavailability(
    botId: string,
    hours: number,
    minutes: number,
  ): Promise<TemporaryUnavailabilityEntity> {
    if (hours < 0) {
      throw AppError.badInput('hours', 'hours must not be negative');
    }
    if (minutes < 0 || minutes >= 60) {
      throw AppError.badInput('minutes', 'minutes must be from 0 to 59');
    }
    const duration = hours * 60 + minutes;
    if (duration === 0) {
      throw AppError.badInput(null, 'The duration must be at least one minute');
    }
    return this.transactions.run(async ({ manager, afterCommit }) => {
      const bot = await this.bots.lockBot(manager, botId);
      const now = this.clock.now();
      const maxMinutes = minutesLeftInLocalDay(bot.timeZone, now);
      if (duration > maxMinutes) {
        throw AppError.badInput(
          null,
          `A temporary unavailability ends today at the latest: at most ${maxMinutes} minutes from now`,
          { maxMinutes },
        );
      }
      await this.endActive(manager, botId, now);
      const created = await manager.save(
        manager.create(TemporaryUnavailabilityEntity, {
          botId,
          startsAt: now,
          endsAt: new Date(now.getTime() + duration * 60_000),
          endedAt: null,
        }),
      );
      afterCommit(() => this.changed(botId));
      return created;
    });
  }

  /** Ends the active temporary unavailability, if any. */
  async endTemporaryUnavailability(botId: string): Promise<void> {
    await this.transactions.run(async ({ manager, afterCommit }) => {
      await this.bots.lockBot(manager, botId);
      if ((await this.endActive(manager, botId, this.clock.now())) > 0) {
        afterCommit(() => this.changed(botId));
      }
    });
  }

  /** The active temporary unavailability of several bots (null where none), in one query. */
  async activeUnavailabilityOf(
    botIds: readonly string[],
  ): Promise<(TemporaryUnavailabilityEntity | null)[]> {
    const rows = await this.unavailabilities.findBy({
      botId: In([...botIds]),
      endedAt: IsNull(),
      endsAt: MoreThan(this.clock.now()),
    });
    return botIds.map((botId) => rows.find((row) => row.botId === botId) ?? null);
  }

  /**
   * The bot's support status now: cached until it changes by itself (its next slot edge, the end
   * of its unavailability) or an edit of its schedule, time zone or unavailability evicts it.
   */
  async status(botId: string): Promise<SupportStatusSnapshot> {
    return (
      this.statuses.get(botId, this.clock.now()) ??
      this.computeStatus(botId, async () => {
        const [bot, [slots], [unavailability]] = await Promise.all([
          this.bots.get(botId),
          this.slotsOf([botId]),
          this.activeUnavailabilityOf([botId]),
        ]);
        return { timeZone: bot.timeZone, slots, unavailability };
      })
    );
  }

  /**
   * The same, for fields resolved over many bots: `load` reads the parts only on a cache miss,
   * batched with the other bots' (DataLoader).
   */
  async statusOf(
    bot: { id: string; timeZone: string },
    load: () => Promise<Omit<SupportStatusParts, 'timeZone'>>,
  ): Promise<SupportStatusSnapshot> {
    return (
      this.statuses.get(bot.id, this.clock.now(), bot.timeZone) ??
      this.computeStatus(bot.id, async () => ({ timeZone: bot.timeZone, ...(await load()) }))
    );
  }

  /**
   * Drops the bot's cached status: after an edit committed here (done by `changed`) or announced
   * by another instance (the scheduler hears those).
   */
  forgetStatus(botId: string): void {
    this.statuses.delete(botId);
  }

  /** Drops every cached status: announcements of edits may have been lost. */
  forgetAllStatuses(): void {
    this.statuses.clear();
  }

  private async computeStatus(
    botId: string,
    load: () => Promise<SupportStatusParts>,
  ): Promise<SupportStatusSnapshot> {
    const ticket = this.statuses.ticket();
    const { timeZone, slots, unavailability } = await load();
    const now = this.clock.now();
    const active = unavailability && unavailability.endsAt > now ? unavailability : null;
    const computed = computeSupportStatus(slots, timeZone, now, active?.endsAt ?? null);
    const nextChangeAt =
      active && (computed.changesAt === null || active.endsAt < computed.changesAt)
        ? active.endsAt
        : computed.changesAt;
    const status: SupportStatusSnapshot = {
      botId,
      state: computed.state as SupportTeamState,
      reason: computed.reason as SupportStatusReason,
      changesAt: computed.changesAt,
      unavailability: active,
      nextChangeAt,
    };
    this.statuses.set(botId, timeZone, now, status, ticket);
    return status;
  }

  private async endActive(manager: EntityManager, botId: string, now: Date): Promise<number> {
    const result = await manager.update(
      TemporaryUnavailabilityEntity,
      { botId, endedAt: IsNull(), endsAt: MoreThan(now) },
      { endedAt: now },
    );
    return result.affected ?? 0;
  }

  private async assertNoOverlap(
    manager: EntityManager,
    botId: string,
    slot: WeeklySlot,
    exceptId: string | null,
  ): Promise<void> {
    const sameDay = await manager.findBy(AvailabilitySlotEntity, {
      botId,
      weekday: slot.weekday,
      ...(exceptId ? { id: Not(exceptId) } : {}),
    });
    const overlap = findOverlap(sameDay, slot);
    if (overlap) {
      throw AppError.badInput('input', 'This slot overlaps another slot of the same day', {
        overlapsSlotId: overlap.id,
      });
    }
  }

  private async changed(botId: string): Promise<void> {
    this.forgetStatus(botId);
    await Promise.all(this.listeners.map((listener) => listener(botId)));
  }
}

/** Reads a slot's "HH:MM" times; each error names the field at `path`. */
function parseSlot(input: AvailabilitySlotInput, path: string): WeeklySlot {
  const startMinute = parseClockTime(input.startTime, false);
  if (startMinute === null) {
    throw AppError.badInput(`${path}.startTime`, 'startTime must be "HH:MM" from 00:00 to 23:59');
  }
  const endMinute = parseClockTime(input.endTime, true);
  if (endMinute === null) {
    throw AppError.badInput(`${path}.endTime`, 'endTime must be "HH:MM" from 00:01 to 24:00');
  }
  if (endMinute <= startMinute) {
    throw AppError.badInput(`${path}.endTime`, 'endTime must be after startTime');
  }
  return { weekday: input.weekday, startMinute, endMinute };
}
