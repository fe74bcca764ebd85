import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  Between,
  EntityManager,
  In,
  IsNull,
  MoreThan,
  MoreThanOrEqual,
  Not,
  Repository,
} from 'typeorm';
import { BotsService } from '../bots/bots.service';
import { Clock } from '../common/clock/clock';
import { Transactions } from '../common/database/transactions';
import { AppError } from '../common/errors/app-error';
import { AvailabilityOverrideEntity } from './availability-override.entity';
import { AvailabilitySlotEntity } from './availability-slot.entity';
import { AvailabilityOverrideInput } from './dto/availability-override.input';
import { AvailabilitySlotInput } from './dto/availability-slot.input';
import { SupportStatusCache } from './support-status.cache';
import { SupportTeamState } from '../common/support-team-state';
import { SupportStatusReason } from './models/availability.models';
import { TemporaryUnavailabilityEntity } from './temporary-unavailability.entity';
import {
  TimeRange,
  WeeklySlot,
  computeSupportStatus,
  findOverlap,
  findRangeOverlap,
  formatLocalDate,
  localDateOf,
  minutesLeftInLocalDay,
  parseClockTime,
  parseLocalDate,
  sortSlots,
} from './weekly-schedule';

/** The support status of a bot at one instant, and what it was computed from. */
export interface SupportStatusSnapshot {
  botId: string;
  state: SupportTeamState;
  reason: SupportStatusReason;
  changesAt: Date | null;
  unavailability: TemporaryUnavailabilityEntity | null;
  /** The override of the bot's local date at the time of the snapshot, if any. */
  override: AvailabilityOverrideEntity | null;
  /**
   * When a subscriber must hear again: the next flip, the end of the unavailability, or the
   * local midnight that moves to or from an override date.
   */
  nextChangeAt: Date | null;
}

/** What a status is computed from. */
export interface SupportStatusParts {
  timeZone: string;
  slots: readonly WeeklySlot[];
  /** Every override from yesterday on, in any zone (see `overridesAheadOf`). */
  overrides: readonly AvailabilityOverrideEntity[];
  unavailability: TemporaryUnavailabilityEntity | null;
}

/** How far ahead an override may be dated, in days from today in the bot's zone. */
export const MAX_OVERRIDE_DAYS_AHEAD = 731;
/** Default span of `Bot.availabilityOverrides`: from today to today + this many days. */
export const DEFAULT_OVERRIDE_LIST_DAYS = 365;

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
  private readonly waitingListeners: AvailabilityChangeListener[] = [];
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
    @InjectRepository(AvailabilityOverrideEntity)
    private readonly overrides: Repository<AvailabilityOverrideEntity>,
    private readonly bots: BotsService,
    private readonly clock: Clock,
  ) {}

  /** Called after every committed change of a bot's availability. */
  onChange(listener: AvailabilityChangeListener): void {
    this.listeners.push(listener);
  }

  /** Called after a committed change of a bot's requests waiting for a human. */
  onWaitingRequestsChange(listener: AvailabilityChangeListener): void {
    this.waitingListeners.push(listener);
  }

  /** A request of the bot was queued for a human, taken or closed (after commit). */
  async waitingRequestsChanged(botId: string): Promise<void> {
    await Promise.all(this.waitingListeners.map((listener) => listener(botId)));
  }

  async weeklySchedule(botId: string): Promise<AvailabilitySlotEntity[]> {
    return (await this.slotsOf([botId]))[0];
  }

  /** The weekly templates of several bots in one query, each ordered by weekday then start. */
  async slotsOf(botIds: readonly string[]): Promise<AvailabilitySlotEntity[][]> {
    const rows = await this.slots.findBy({ botId: In([...botIds]) });
    return groupByBot(botIds, rows).map((slots) => sortSlots(slots));
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
   * The overrides of several bots that a status can need (one query): from two days before
   * today in UTC, which is yesterday or earlier in every zone (a date's start seam looks at the
   * date before it), onward, ascending by date.
   */
  async overridesAheadOf(botIds: readonly string[]): Promise<AvailabilityOverrideEntity[][]> {
    const utcToday = parseLocalDate(this.clock.now().toISOString().slice(0, 10)) as number;
    const rows = await this.overrides.find({
      where: { botId: In([...botIds]), date: MoreThanOrEqual(formatLocalDate(utcToday - 2)) },
      order: { date: 'ASC' },
    });
    return groupByBot(botIds, rows);
  }

  /**
   * Overrides of several bots dated `from` to `to` inclusive, each bot with its own span (one
   * query over the union of the spans), ascending by date.
   */
  async overridesBetween(
    spans: readonly { botId: string; from: string; to: string }[],
  ): Promise<AvailabilityOverrideEntity[][]> {
    if (spans.length === 0) {
      return [];
    }
    const from = spans.reduce((min, span) => (span.from < min ? span.from : min), spans[0].from);
    const to = spans.reduce((max, span) => (span.to > max ? span.to : max), spans[0].to);
    const rows = await this.overrides.find({
      where: { botId: In(spans.map((span) => span.botId)), date: Between(from, to) },
      order: { date: 'ASC' },
    });
    return spans.map(({ botId, from: start, to: end }) =>
      rows.filter((row) => row.botId === botId && row.date >= start && row.date <= end),
    );
  }

  /**
   * The span of `Bot.availabilityOverrides`: each bound a real date (BAD_USER_INPUT on `from` or
   * `to`), by default today and today + 365 days in the bot's zone; `to` not before `from`.
   */
  overrideSpan(
    timeZone: string,
    from: string | null | undefined,
    to: string | null | undefined,
  ): { from: string; to: string } {
    for (const [field, value] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (value !== null && value !== undefined && parseLocalDate(value) === null) {
        throw AppError.badInput(field, `${field} must be a calendar date written "YYYY-MM-DD"`);
      }
    }
    const today = parseLocalDate(localDateOf(timeZone, this.clock.now())) as number;
    const span = {
      from: from ?? formatLocalDate(today),
      to: to ?? formatLocalDate(today + DEFAULT_OVERRIDE_LIST_DAYS),
    };
    if (span.to < span.from) {
      throw AppError.badInput('to', 'to must not be before from');
    }
    return span;
  }

  async botIdOfOverride(overrideId: string): Promise<string | null> {
    const row = await this.overrides.findOne({
      select: { botId: true },
      where: { id: overrideId },
    });
    return row?.botId ?? null;
  }

  /**
   * Sets the hours of one date, replacing the override that date had (which keeps its id). The
   * date must be today or later in the bot's zone, at most 731 days ahead; the ranges must end
   * after they start and not overlap. Every refusal names its field; nothing is saved then.
   */
  async setOverride(
    botId: string,
    input: AvailabilityOverrideInput,
  ): Promise<AvailabilityOverrideEntity> {
    const day = parseLocalDate(input.date);
    if (day === null) {
      throw AppError.badInput('input.date', 'date must be a calendar date written "YYYY-MM-DD"');
    }
    const ranges: TimeRange[] = [];
    input.ranges.forEach((rangeInput, index) => {
      const range = parseRange(rangeInput, `input.ranges.${index}`);
      const overlap = findRangeOverlap(
        ranges.map((other, otherIndex) => ({ ...other, otherIndex })),
        range,
      );
      if (overlap) {
        throw AppError.badInput(
          `input.ranges.${index}`,
          `This range overlaps range ${overlap.otherIndex} of the list`,
          { overlapsRangeIndex: overlap.otherIndex },
        );
      }
      ranges.push(range);
    });
    ranges.sort((a, b) => a.startMinute - b.startMinute);
    const label = input.label?.trim() ? input.label.trim() : null;
    return this.transactions.run(async ({ manager, afterCommit }) => {
      const bot = await this.bots.lockBot(manager, botId);
      const today = parseLocalDate(localDateOf(bot.timeZone, this.clock.now())) as number;
      if (day < today) {
        throw AppError.badInput(
          'input.date',
          "date must be today or later in the bot's time zone",
          {
            today: formatLocalDate(today),
          },
        );
      }
      if (day - today > MAX_OVERRIDE_DAYS_AHEAD) {
        throw AppError.badInput(
          'input.date',
          `date must be at most ${MAX_OVERRIDE_DAYS_AHEAD} days ahead`,
          { latest: formatLocalDate(today + MAX_OVERRIDE_DAYS_AHEAD) },
        );
      }
      await manager
        .createQueryBuilder()
        .insert()
        .into(AvailabilityOverrideEntity)
        .values({ botId, date: formatLocalDate(day), label, ranges })
        .orUpdate(['label', 'ranges', 'updated_at'], ['bot_id', 'date'])
        .execute();
      const saved = await manager.findOneByOrFail(AvailabilityOverrideEntity, {
        botId,
        date: formatLocalDate(day),
      });
      afterCommit(() => this.changed(botId));
      return saved;
    });
  }

  async removeOverride(overrideId: string): Promise<string> {
    await this.transactions.run(async ({ manager, afterCommit }) => {
      const existing = await manager.findOneBy(AvailabilityOverrideEntity, { id: overrideId });
      if (!existing) {
        throw AppError.notFound('Availability override');
      }
      await this.bots.lockBot(manager, existing.botId);
      const { affected } = await manager.delete(AvailabilityOverrideEntity, { id: overrideId });
      if (!affected) {
        throw AppError.notFound('Availability override');
      }
      afterCommit(() => this.changed(existing.botId));
    });
    return overrideId;
  }

  /**
   * The bot's support status now: cached until it changes by itself (its next slot edge, the end
   * of its unavailability) or an edit of its schedule, time zone or unavailability evicts it.
   */
  async status(botId: string): Promise<SupportStatusSnapshot> {
    return (
      this.statuses.get(botId, this.clock.now()) ??
      this.computeStatus(botId, async () => {
        const [bot, [slots], [overrides], [unavailability]] = await Promise.all([
          this.bots.get(botId),
          this.slotsOf([botId]),
          this.overridesAheadOf([botId]),
          this.activeUnavailabilityOf([botId]),
        ]);
        return { timeZone: bot.timeZone, slots, overrides, unavailability };
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
    const { timeZone, slots, overrides, unavailability } = await load();
    const now = this.clock.now();
    const active = unavailability && unavailability.endsAt > now ? unavailability : null;
    const computed = computeSupportStatus(
      { slots, overrides },
      timeZone,
      now,
      active?.endsAt ?? null,
    );
    const nextChangeAt = earliest([
      computed.changesAt,
      active?.endsAt ?? null,
      computed.overrideDateChangesAt,
    ]);
    const status: SupportStatusSnapshot = {
      botId,
      state: computed.state as SupportTeamState,
      reason: computed.reason as SupportStatusReason,
      changesAt: computed.changesAt,
      unavailability: active,
      override:
        computed.overrideDate === null
          ? null
          : (overrides.find((override) => override.date === computed.overrideDate) ?? null),
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

/** The first of the instants, null when there is none. */
function earliest(instants: readonly (Date | null)[]): Date | null {
  return instants.reduce<Date | null>(
    (first, instant) => (instant !== null && (first === null || instant < first) ? instant : first),
    null,
  );
}

function groupByBot<T extends { botId: string }>(botIds: readonly string[], rows: T[]): T[][] {
  const byBot = new Map<string, T[]>(botIds.map((botId) => [botId, []]));
  for (const row of rows) {
    byBot.get(row.botId)?.push(row);
  }
  return botIds.map((botId) => byBot.get(botId) ?? []);
}

/** Reads a range's "HH:MM" times; each error names the field at `path`. */
function parseRange(input: { startTime: string; endTime: string }, path: string): TimeRange {
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
  return { startMinute, endMinute };
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
