// Builds the service and its web clients (npm run build) only when dist/ is missing or older than
// what it is built from: `npm start` and `npm test` then start at once on a current build instead
// of rebuilding.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const SOURCES = [
  'src',
  'migrations',
  'web',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
];
/** What one build writes: the oldest of them must be newer than every source. */
const OUTPUTS = [
  join('dist', 'src', 'main.js'),
  join('dist', 'web', 'widget.js'),
  join('dist', 'web', 'console', 'index.html'),
];

/** The newest modification time under `path` (a file or a directory). */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) {
    return 0;
  }
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  return readdirSync(path).reduce(
    (latest, name) => Math.max(latest, newest(join(path, name))),
    stat.mtimeMs,
  );
}

const built = OUTPUTS.map((output) => statSync(join(root, output), { throwIfNoEntry: false }));
const changed = Math.max(...SOURCES.map((source) => newest(join(root, source))));
if (built.every((stat) => stat && stat.mtimeMs >= changed)) {
  process.exit(0);
}
const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
