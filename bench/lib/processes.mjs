// Starting the servers under test as child processes, with the probe preloaded.
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('../probe.cjs', import.meta.url));
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds a process has used so far (user + system), read from /proc. */
export function cpuSecondsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Busy and total CPU seconds of the whole machine so far, all cores, from /proc/stat. */
export function machineCpuSeconds() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / CLOCK_TICKS, total: (busy + idle + iowait) / CLOCK_TICKS };
}

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
    return cpuSecondsOf(this.child.pid);
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
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** A private redis-server: no persistence, loopback only, gone with the run. */
export class RedisProcess {
  constructor(child, port) {
    this.child = child;
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
  }

  static async start(port, binary = '/usr/bin/redis-server') {
    const child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.stderr.on('data', (data) => (output += data));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`redis-server exited with ${child.exitCode}:\n${output}`);
      }
      if (await RedisProcess.ping(port)) break;
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`redis-server did not answer PING:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const redis = new RedisProcess(child, port);
    redis.exited = exited;
    return redis;
  }

  /** True when a server on `port` answers PING with PONG. */
  static ping(port) {
    return new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let answer = '';
      const done = (ok) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => done(false));
      socket.on('error', () => done(false));
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (data) => {
        answer += data;
        if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
      });
    });
  }

  cpuSeconds() {
    return cpuSecondsOf(this.child.pid);
  }

  /** Resident memory of redis-server, from /proc, in bytes. */
  rss() {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}
