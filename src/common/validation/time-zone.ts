import { ValidationOptions, registerDecorator } from 'class-validator';

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/**
 * The canonical spelling of an IANA time zone name ("europe/paris" → "Europe/Paris"), or null
 * when the runtime's time zone database does not know it. Offsets ("+02:00") are not zones.
 */
export function canonicalTimeZone(name: string): string | null {
  if (!ZONE_NAME.test(name)) {
    return null;
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** A valid IANA time zone name, e.g. "Europe/Paris" or "UTC". */
export function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an IANA time zone such as "Europe/Paris"`, ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && canonicalTimeZone(value) !== null,
      },
    });
}
