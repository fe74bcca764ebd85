import { ValidationOptions, registerDecorator } from 'class-validator';

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

let knownZones: Map<string, string> | undefined;

/**
 * The IANA time zone name as the zone database spells it ("europe/paris" → "Europe/Paris"),
 * keeping the name the caller chose among aliases ("Asia/Kolkata" stays, though ICU calls it
 * "Asia/Calcutta"); null when the runtime does not know the zone. Offsets ("+02:00") are not zones.
 */
export function canonicalTimeZone(name: string): string | null {
  if (!ZONE_NAME.test(name)) {
    return null;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return null;
  }
  knownZones ??= new Map(
    Intl.supportedValuesOf('timeZone').map((zone) => [zone.toLowerCase(), zone]),
  );
  return knownZones.get(name.toLowerCase()) ?? (name.toLowerCase() === 'utc' ? 'UTC' : name);
}

/** A valid IANA time zone name, e.g. "Europe/Paris" or "UTC". */
export function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be an IANA time zone such as "Europe/Paris"`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && canonicalTimeZone(value) !== null,
      },
    });
}
