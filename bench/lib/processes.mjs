// Starting the servers under test as child processes, with the probe preloaded.
import { fork, spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('../probe.cjs', import.meta.url));
const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * The Node flags `npm start` runs the service with (package.json's start script): the servers
 * under test get them too, so the runs measure what an operator runs, and the floor runs on the
 * same runtime settings as the service.
 */
export const START_FLAGS = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
)
  .scripts.start.split(/\s+/)
  .filter((word) => word.startsWith('--'));

/** CPU seconds a process has used so far (user + system), read from /proc. */
export function cpuSecondsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident memory of a process now, from /proc, in bytes. */
export function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** The local TCP ports of a process's sockets (IPv4 and IPv6), from /proc. */
export function tcpPortsOf(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && inodes.has(fields[9])) {
        ports.add(Number.parseInt(fields[1].split(':').pop(), 16));
      }
    }
  }
  return ports;
}

/**
 * The CPU the PostgreSQL backends serving some server processes use over a window: the backends
 * of `database` whose application_name is `applicationName` and whose client port is a socket
 * of one of `pids` (so that two servers with the same application_name are told apart). Pools
 * open and close connections, so the backends are looked up again every `intervalMs`: one that
 * appears during the window counts from zero, one that ends counts up to its last reading.
 */
export class BackendCpu {
  constructor(monitor, database, applicationName, pids, intervalMs = 500) {
    Object.assign(this, { monitor, database, applicationName, pids, intervalMs });
    this.backends = new Map(); // pid → { ours, first, last }
    this.sampling = Promise.resolve();
  }

  async sample({ initial = false } = {}) {
    const { rows } = await this.monitor.query(
      `SELECT pid, client_port FROM pg_stat_activity
        WHERE datname = $1 AND application_name = $2 AND backend_type = 'client backend'`,
      [this.database, this.applicationName],
    );
    let ports;
    for (const { pid, client_port: port } of rows) {
      let backend = this.backends.get(pid);
      if (!backend) {
        ports ??= new Set(this.pids.flatMap((p) => [...tcpPortsOf(p)]));
        backend = { ours: ports.has(port), first: initial ? null : 0, last: 0 };
        this.backends.set(pid, backend);
      }
      if (!backend.ours) continue;
      try {
        const cpu = cpuSecondsOf(pid);
        backend.first ??= cpu;
        backend.last = cpu;
      } catch {
        // ended between the query and the read: its last reading stands
      }
    }
  }

  async start() {
    await this.sample({ initial: true });
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample()).catch(() => undefined);
    }, this.intervalMs);
  }

  /** CPU seconds of the backends since start, and how many backends served. */
  async stop() {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    let seconds = 0;
    let count = 0;
    for (const backend of this.backends.values()) {
      if (!backend.ours || backend.first === null) continue;
      seconds += backend.last - backend.first;
      count += 1;
    }
    return { seconds, backends: count };
  }
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
        ...START_FLAGS,
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

  /** Resident memory now, from /proc, in bytes. */
  rss() {
    return rssOf(this.child.pid);
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
    return rssOf(this.child.pid);
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}
