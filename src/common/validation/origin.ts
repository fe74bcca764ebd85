import { ValidationOptions, registerDecorator } from 'class-validator';

/**
 * An origin as browsers send it ("https://shop.example", "http://localhost:8080"), or null when
 * `raw` is not one (a path, a query, credentials, another scheme).
 */
export function normalizeOrigin(raw: string): string | null {
  try {
    const url = new URL(raw);
    const bare = /^https?:\/\/[^/?#@]+\/?$/i.test(raw);
    return bare && (url.protocol === 'http:' || url.protocol === 'https:') ? url.origin : null;
  } catch {
    return null;
  }
}

/** A list of at most `max` origins, each scheme://host[:port] without a path. */
export function IsOriginList(max: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isOriginList',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be at most ${max} origins, each scheme://host[:port] with no path`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.length <= max &&
          value.every((origin) => typeof origin === 'string' && normalizeOrigin(origin) !== null),
      },
    });
}
