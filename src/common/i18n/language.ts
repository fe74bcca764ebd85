import { registerEnumType } from '@nestjs/graphql';

/** The languages of the fixed notices shown to end users. */
export enum Language {
  EN = 'EN',
  FR = 'FR',
}

registerEnumType(Language, {
  name: 'Language',
  description: 'A language of the fixed texts shown to end users (notices, banner).',
  valuesMap: {
    EN: { description: 'English.' },
    FR: { description: 'French.' },
  },
});

/** A language as the pure helpers compute it: the value of a `Language`, not yet the enum. */
export type LanguageCode = `${Language}`;

/** The locale used when neither the caller nor the browser names one. */
export const DEFAULT_LOCALE = 'en';

const LOCALE_TAG = /^[A-Za-z][A-Za-z0-9_-]{0,34}$/;

/** A q value as RFC 9110 §12.4.2 writes it: 0 to 1 with at most three decimals. */
const QUALITY = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The locale tag chosen for an end user: the given one when non-empty (trimmed), else the
 * Accept-Language entry with the highest q (ties: the earliest; `*` ignored; entries with q=0
 * ignored; malformed q values treated as invalid entries and ignored), else 'en'. The chosen tag
 * is returned as written (trimmed), e.g. 'fr-CA'.
 *
 * Header entries whose tag is not a locale tag (see {@link isLocaleTag}) are ignored as well: the
 * header comes straight from the browser, and the chosen tag must be one the `locale` input would
 * accept.
 */
export function chooseLocale(
  given: string | null | undefined,
  acceptLanguage: string | null | undefined,
): string {
  const trimmed = given?.trim();
  if (trimmed) {
    return trimmed;
  }
  let best: { tag: string; quality: number } | undefined;
  for (const entry of parseAcceptLanguage(acceptLanguage ?? '')) {
    // Strictly greater: of equal q values the earliest entry wins, as browsers list by preference.
    if (!best || entry.quality > best.quality) {
      best = entry;
    }
  }
  return best?.tag ?? DEFAULT_LOCALE;
}

/**
 * FR when the primary subtag (before the first '-' or '_', case-insensitive) is 'fr' (fr, fr-FR,
 * fr-CA, FR-be, fr_CA...), else EN.
 */
export function languageOf(locale: string): LanguageCode {
  const primary = locale.trim().split(/[-_]/, 1)[0];
  return primary.toLowerCase() === 'fr' ? 'FR' : 'EN';
}

/**
 * A locale tag is acceptable input when it is 1..35 chars of letters, digits, '-' or '_' starting
 * with a letter (BCP 47-ish). Used to validate the `locale` input.
 */
export function isLocaleTag(value: string): boolean {
  return LOCALE_TAG.test(value);
}

/**
 * The usable entries of an Accept-Language header, in header order: the wildcard, entries with
 * q=0 (RFC 9110: "not acceptable"), malformed q values and tags that are not locale tags are left
 * out. Parameters other than q are ignored.
 */
function parseAcceptLanguage(header: string): { tag: string; quality: number }[] {
  const entries: { tag: string; quality: number }[] = [];
  for (const part of header.split(',')) {
    const [rawTag, ...parameters] = part.split(';');
    const tag = rawTag.trim();
    const quality = qualityOf(parameters);
    if (tag !== '*' && isLocaleTag(tag) && quality !== null && quality > 0) {
      entries.push({ tag, quality });
    }
  }
  return entries;
}

/** The q value of an entry's parameters: 1 without q, null when the first q is malformed. */
function qualityOf(parameters: readonly string[]): number | null {
  for (const parameter of parameters) {
    const separator = parameter.indexOf('=');
    const name = (separator < 0 ? parameter : parameter.slice(0, separator)).trim();
    if (name.toLowerCase() !== 'q') {
      continue;
    }
    const value = separator < 0 ? '' : parameter.slice(separator + 1).trim();
    return QUALITY.test(value) ? Number(value) : null;
  }
  return 1;
}
