// Starting the servers under test as child processes, with the probe preloaded.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('../probe.cjs', import.meta.url));
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** A server in a child process: its URL, and its probe for CPU, memory and event-loop delay. */
export class ServerProcess {
  constructor(name, child, port) {
    this.name = name;
    this.child = child;
    this.url = `http://127.0.0.1:${port}/graphql`;
  }

  /** `readyAtPort`: the child serves HTTP on that port (polled); else it sends `{ ready, port }`. */
  static async start(name, script, env, { readyAtPort } = {}) {
    const child = fork(script, [], {
      env: { ...process.env, ...env },
      execArgv: [
        '--require',
        PROBE,
        '--expose-gc',
        ...(process.env.EXTRA_NODE_FLAGS ? process.env.EXTRA_NODE_FLAGS.split(' ') : []),
      ],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.stderr.on('data', (data) => (output += data));
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start:\n${output}`)),
        60_000,
      );
      child.on('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${output}`)));
      child.on('message', (message) => {
        if (message?.ready) {
          clearTimeout(timer);
          resolve(message.port);
        }
      });
      if (readyAtPort) {
        const check = setInterval(async () => {
          try {
            const response = await fetch(`http://127.0.0.1:${readyAtPort}/graphql`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ query: '{ __typename }' }),
            });
            if (response.ok) {
              clearInterval(check);
              clearTimeout(timer);
              resolve(readyAtPort);
            }
          } catch {
            // not listening yet
          }
        }, 200);
      }
    });
    return new ServerProcess(name, child, port);
  }

  ask(message) {
    return new Promise((resolve) => {
      const onMessage = (answer) => {
        if (answer?.probe === message.probe) {
          this.child.off('message', onMessage);
          resolve(answer);
        }
      };
      this.child.on('message', onMessage);
      this.child.send(message);
    });
  }

  /** CPU seconds used so far (user + system), read from /proc for the whole process. */
  cpuSeconds() {
    const fields = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  }

  /** Waits until the process has been idle (under 2 % of a core) for a second. */
  async settle(timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 2 && Date.now() < deadline) {
      const before = this.cpuSeconds();
      await new Promise((resolve) => setTimeout(resolve, 500));
      quiet = this.cpuSeconds() - before < 0.01 ? quiet + 1 : 0;
    }
  }

  resetDelay() {
    return this.ask({ probe: 'reset' });
  }

  stats({ gc = false } = {}) {
    return this.ask({ probe: 'stats', gc });
  }

  async stop() {
    this.child.kill('SIGTERM');
    await new Promise((resolve) => this.child.once('exit', resolve));
  }
}
