import { AvailabilityOverrideEntity } from './availability-override.entity';
import { AvailabilitySlotEntity } from './availability-slot.entity';
import { SupportStatusSnapshot } from './availability.service';
import {
  AvailabilityOverrideModel,
  AvailabilitySlotModel,
  SupportStatusCounts,
  SupportStatusModel,
  TemporaryUnavailabilityModel,
} from './models/availability.models';
import { TemporaryUnavailabilityEntity } from './temporary-unavailability.entity';
import { formatClockTime } from './weekly-schedule';

export function toSlotModel(slot: AvailabilitySlotEntity): AvailabilitySlotModel {
  return Object.assign(new AvailabilitySlotModel(), {
    id: slot.id,
    weekday: slot.weekday,
    startTime: formatClockTime(slot.startMinute),
    endTime: formatClockTime(slot.endMinute),
  });
}

/** `remainingSeconds` is counted from `now`, rounded up: "1 second left" until it is over. */
export function toUnavailabilityModel(
  entity: TemporaryUnavailabilityEntity,
  now: Date,
): TemporaryUnavailabilityModel {
  return Object.assign(new TemporaryUnavailabilityModel(), {
    startsAt: entity.startsAt,
    endsAt: entity.endsAt,
    remainingSeconds: Math.max(0, Math.ceil((entity.endsAt.getTime() - now.getTime()) / 1000)),
  });
}

export function toOverrideModel(entity: AvailabilityOverrideEntity): AvailabilityOverrideModel {
  return Object.assign(new AvailabilityOverrideModel(), {
    id: entity.id,
    botId: entity.botId,
    date: entity.date,
    label: entity.label,
    ranges: entity.ranges.map((range) => ({
      startTime: formatClockTime(range.startMinute),
      endTime: formatClockTime(range.endMinute),
    })),
  });
}

/** `counts`: already computed (a pushed status); else resolved when the fields are asked for. */
export function toStatusModel(
  status: SupportStatusSnapshot,
  now: Date,
  counts?: SupportStatusCounts,
): SupportStatusModel {
  return Object.assign(new SupportStatusModel(), {
    override: status.override ? toOverrideModel(status.override) : null,
    counts,
    botId: status.botId,
    state: status.state,
    reason: status.reason,
    changesAt: status.changesAt,
    temporaryUnavailability: status.unavailability
      ? toUnavailabilityModel(status.unavailability, now)
      : null,
  });
}
