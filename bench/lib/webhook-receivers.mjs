// The webhook receivers of the benchmark, in a process of their own so that answering ~2,000
// HTTPS requests a second does not stall the load generator's clock. Forked by webhooks.mjs with
// the certificate's paths in its environment; answers `{ counts }` to every IPC message.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const counts = {};
const server = createServer(
  {
    key: readFileSync(process.env.RECEIVER_KEY),
    cert: readFileSync(process.env.RECEIVER_CERT),
  },
  (request, response) => {
    request.resume();
    request.on('end', () => {
      counts[request.url] = (counts[request.url] ?? 0) + 1;
      // `/hook-hang` never answers: the dispatcher times it out.
      if (request.url !== '/hook-hang') {
        response.writeHead(204).end();
      }
    });
  },
);
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', () => process.send({ counts }));
process.on('disconnect', () => process.exit(0));
