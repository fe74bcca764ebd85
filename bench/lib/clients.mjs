// GraphQL over HTTP (a keep-alive pool) and over graphql-ws, for the benchmark's clients.
import { createClient } from 'graphql-ws';
import { Pool } from 'undici';
import WebSocket from 'ws';

export class HttpClient {
  constructor(url, connections = 128) {
    this.url = new URL(url);
    this.pool = new Pool(this.url.origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  async request(query, variables, token) {
    const response = await this.pool.request({
      path: this.url.pathname,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.body.json();
    return body;
  }

  async ok(query, variables, token) {
    const body = await this.request(query, variables, token);
    if (body.errors?.length) {
      throw new Error(JSON.stringify(body.errors));
    }
    return body.data;
  }

  close() {
    return this.pool.close();
  }
}

/** A graphql-ws connection, resolved once the server acknowledged it. */
export async function connect(url, token) {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: 0,
    keepAlive: 0,
    onNonLazyError: () => undefined,
  });
  await new Promise((resolve, reject) => {
    client.on('connected', resolve);
    client.on('closed', (event) => reject(new Error(`closed ${event?.code}`)));
  });
  return client;
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function inParallel(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}
