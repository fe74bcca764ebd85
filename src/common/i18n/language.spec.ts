import { LanguageCode, chooseLocale, isLocaleTag, languageOf } from './language';

describe('chooseLocale', () => {
  it.each<[string | null | undefined, string | null | undefined, string]>([
    ['de-DE', 'fr-CA,fr;q=0.9', 'de-DE'],
    ['  fr-BE  ', 'en', 'fr-BE'],
    ['pt', null, 'pt'],
    ['pt', undefined, 'pt'],
  ])('prefers the given locale %p over the header %p, trimmed', (given, header, expected) => {
    expect(chooseLocale(given, header)).toBe(expected);
  });

  it.each<[string | null | undefined]>([[null], [undefined], [''], ['   ']])(
    'falls back to the header when the given locale is %p',
    (given) => {
      expect(chooseLocale(given, 'fr-CA')).toBe('fr-CA');
    },
  );

  it.each<[string, string | null | undefined, string]>([
    ['keeps the first entry of a browser-ordered header', 'fr-CA,fr;q=0.9,en;q=0.8', 'fr-CA'],
    ['takes the highest q whatever its position', 'en-US;q=0.5, fr;q=0.9', 'fr'],
    ['ignores the wildcard', '*;q=1, de;q=0.1', 'de'],
    ['counts an entry without q as q=1', 'da, en-gb;q=0.8, en;q=0.7', 'da'],
    ['falls back to en on an empty header', '', 'en'],
    ['falls back to en on a blank header', '   ', 'en'],
    ['falls back to en without a header (null)', null, 'en'],
    ['falls back to en without a header (undefined)', undefined, 'en'],
    ['falls back to en on a wildcard only', '*', 'en'],
    ['ignores an entry with q=0', 'fr;q=0', 'en'],
    ['ignores an entry with q=0.000', 'fr;q=0.000, de;q=0.001', 'de'],
    ['ignores a malformed q value', 'fr;q=abc, en;q=0.2', 'en'],
    ['ignores a q value over 1', 'fr;q=1.5, en;q=0.2', 'en'],
    ['ignores a negative q value', 'fr;q=-1, en;q=0.2', 'en'],
    ['ignores a q value with more than three decimals', 'fr;q=0.9999, en;q=0.2', 'en'],
    ['ignores an empty q value', 'fr;q=, en;q=0.2', 'en'],
    ['ignores a q without value', 'fr;q, en;q=0.2', 'en'],
    ['keeps the earliest of q=1.0 and q=1', 'fr;q=1.0, en;q=1', 'fr'],
    ['keeps the earliest of q=1 and q=1.0', 'en;q=1, fr;q=1.0', 'en'],
    ['keeps the earliest of an implicit and an explicit q=1', 'de, fr;q=1.000', 'de'],
    ['keeps the earliest of equal lower q values', 'it;q=0.5, fr;q=0.50', 'it'],
    ['reads q with spaces around the separators', 'en ; q=0.3 ,  fr ;q = 0.7', 'fr'],
    ['reads q whatever its case', 'en;Q=0.3, fr;Q=0.7', 'fr'],
    ['ignores parameters other than q', 'fr;level=1;q=0.7, en;q=0.3', 'fr'],
    ['skips empty entries', ',, ,fr-CA;q=0.4,', 'fr-CA'],
    ['returns the tag as written', '  FR-ca  ', 'FR-ca'],
    ['accepts underscores in tags', 'fr_CA', 'fr_CA'],
    ['ignores entries that are not locale tags', 'en US, <script>;q=0.9, fr;q=0.1', 'fr'],
    ['ignores an entry without tag', ';q=0.9, fr;q=0.1', 'fr'],
  ])('%s (%p)', (_name, header, expected) => {
    expect(chooseLocale(undefined, header)).toBe(expected);
  });
});

describe('languageOf', () => {
  it.each<[string, LanguageCode]>([
    ['fr', 'FR'],
    ['FR', 'FR'],
    ['fr-FR', 'FR'],
    ['fr-CA', 'FR'],
    ['FR-be', 'FR'],
    ['fr_CA', 'FR'],
    ['Fr-ch-x-private', 'FR'],
    [' fr-CA ', 'FR'],
    ['french', 'EN'],
    ['fra', 'EN'],
    ['en', 'EN'],
    ['en-US', 'EN'],
    ['de', 'EN'],
    ['de-fr', 'EN'],
    ['', 'EN'],
    ['-fr', 'EN'],
  ])('reads %p as %s', (locale, expected) => {
    expect(languageOf(locale)).toBe(expected);
  });
});

describe('isLocaleTag', () => {
  it.each([
    'en',
    'fr-CA',
    'fr_CA',
    'zh-Hant-TW',
    'x',
    'de-CH-1996',
    'en-US-x-twain',
    `a${'b'.repeat(34)}`,
  ])('accepts %p', (value) => {
    expect(isLocaleTag(value)).toBe(true);
  });

  it.each([
    '',
    `a${'b'.repeat(35)}`,
    '1en',
    '-en',
    '_en',
    'en US',
    ' en',
    'en ',
    'en.US',
    'fr;q=0.9',
    '*',
    'é',
    'en\n',
  ])('refuses %p', (value) => {
    expect(isLocaleTag(value)).toBe(false);
  });
});
