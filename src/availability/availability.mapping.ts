import { AvailabilitySlotEntity } from './availability-slot.entity';
import { SupportStatusSnapshot } from './availability.service';
import {
  AvailabilitySlotModel,
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

export function toStatusModel(status: SupportStatusSnapshot, now: Date): SupportStatusModel {
  return Object.assign(new SupportStatusModel(), {
    botId: status.botId,
    state: status.state,
    reason: status.reason,
    changesAt: status.changesAt,
    temporaryUnavailability: status.unavailability
      ? toUnavailabilityModel(status.unavailability, now)
      : null,
  });
}
