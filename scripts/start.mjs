// `npm start`: builds when the build is not current, then runs the service in this same process
// (one Node start rather than a second one for the staleness check).
import { buildIfStale } from './build-if-stale.mjs';

const status = buildIfStale();
if (status !== 0) {
  process.exit(status);
}
await import('../dist/src/main.js');
