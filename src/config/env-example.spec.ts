import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, loadConfig } from './app-config';

const EXAMPLE = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
const SECRET = 'a-secret-of-at-least-thirty-two-characters';

interface Documented {
  name: string;
  /** The value of a `NAME=value` line; undefined for a commented `# NAME=`. */
  value: string | undefined;
  meaning: string;
}

/** Each variable of .env.example, with the comment line just above it. */
function documented(): Documented[] {
  const lines = EXAMPLE.split('\n');
  const found: Documented[] = [];
  lines.forEach((line, index) => {
    const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) {
      found.push({
        name: match[2],
        value: match[1] === undefined ? match[3] : undefined,
        meaning: (lines[index - 1] ?? '').replace(/^#\s*/, ''),
      });
    }
  });
  return found;
}

/** The names `loadConfig` reads from `env`, found by watching it read. */
function variablesRead(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const watched = new Proxy(env, {
    get(target, key) {
      if (typeof key === 'string') {
        read.add(key);
      }
      return target[key as string];
    },
  });
  loadConfig(watched);
  return read;
}

/** The config without the parts that differ on every load (a generated secret). */
function comparable(config: AppConfig): unknown {
  return { ...config, authSecret: undefined };
}

describe('.env.example', () => {
  it('lists every variable the configuration reads, once, and nothing else', () => {
    const read = new Set([
      ...variablesRead({}),
      ...variablesRead({ DATABASE_URL: 'postgres://localhost/switchboard' }),
      ...variablesRead({ NODE_ENV: 'production', AUTH_SECRET: SECRET }),
      ...variablesRead({ REDIS_URL: 'redis://localhost:6379' }),
    ]);
    const names = documented().map((variable) => variable.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...read].sort());
  });

  it('gives each variable a one-line meaning', () => {
    for (const variable of documented()) {
      expect({ name: variable.name, meaning: variable.meaning.length > 10 }).toEqual({
        name: variable.name,
        meaning: true,
      });
    }
  });

  it('shows the defaults the configuration really applies', () => {
    const defaults = loadConfig({ AUTH_SECRET: SECRET }).config;
    for (const variable of documented().filter((v) => v.value !== undefined)) {
      const env = { AUTH_SECRET: SECRET, [variable.name]: variable.value as string };
      expect({ name: variable.name, config: comparable(loadConfig(env).config) }).toEqual({
        name: variable.name,
        config: comparable(defaults),
      });
    }
  });

  it('leaves commented only the variables without a fixed default, and says what happens then', () => {
    const withoutValue = documented().filter((v) => v.value === undefined);
    for (const variable of withoutValue) {
      expect({ name: variable.name, unset: /unset/i.test(variable.meaning) }).toEqual({
        name: variable.name,
        unset: true,
      });
    }
  });
});
