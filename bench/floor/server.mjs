// The floor: the smallest honest implementation of "an agent sends a message over HTTP, the
// end user receives it over a graphql-ws subscription", written directly on graphql-js,
// graphql-ws and pg, on the same tables with the same transaction as the service. No framework,
// no guard chain, no ORM: what it costs is what the exchange itself costs here. Each distinct
// document is parsed and validated once (a production server would cache them too), so that
// what the floor spends per message is executing it, not reading it again.
import http from 'node:http';
import { createSecretKey, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { GraphQLError, buildSchema, execute, parse, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { WebSocketServer } from 'ws';

const { DATABASE_URL, AUTH_SECRET, PORT = '0', POOL_SIZE = '10' } = process.env;
const key = createSecretKey(Buffer.from(AUTH_SECRET, 'utf8'));
// Its own application_name, so that the benchmark finds the floor's PostgreSQL backends (the
// service's say 'switchboard') and reads their CPU.
const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: Number(POOL_SIZE),
  application_name: 'switchboard-floor',
});
const events = new EventEmitter().setMaxListeners(0);

const schema = buildSchema(`
  type Message { id: ID! seq: Int! author: String! text: String! clientMessageId: String createdAt: String! }
  type ConversationEvent { type: String! requestId: ID! message: Message at: String! }
  type Query { ok: Boolean }
  type Mutation { sendAgentMessage(liveConversationId: ID!, text: String!, clientMessageId: String): Message! }
  type Subscription { conversationEvents(requestId: ID!): ConversationEvent! }
`);

/**
 * Document text → its parsed and validated document (or the errors that refuse it), computed
 * once per distinct text: the benchmark sends a handful of documents, each thousands of times.
 */
const documents = new Map();
const DOCUMENT_CACHE_SIZE = 100;

function documentOf(source) {
  let entry = documents.get(source);
  if (entry === undefined) {
    try {
      const document = parse(source);
      const errors = validate(schema, document);
      entry = errors.length > 0 ? { errors } : { document };
    } catch (error) {
      entry = { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
    }
    if (documents.size >= DOCUMENT_CACHE_SIZE) {
      documents.delete(documents.keys().next().value);
    }
    documents.set(source, entry);
  }
  return entry;
}

function accountOf(authorization) {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  const claims = token
    ? jwt.verify(token, key, { algorithms: ['HS256'], issuer: 'switchboard' })
    : null;
  if (!claims || claims.typ !== 'account') throw new Error('UNAUTHENTICATED');
  return claims.sub;
}

/** A subscription's queue: listens from the moment it is created. */
function listen(topic) {
  const queue = [];
  let wake;
  let closed = false;
  const listener = (payload) =>
    wake ? (wake({ done: false, value: payload }), (wake = undefined)) : queue.push(payload);
  events.on(topic, listener);
  const close = () => {
    closed = true;
    events.off(topic, listener);
    wake?.({ done: true, value: undefined });
    return Promise.resolve({ done: true, value: undefined });
  };
  return {
    next: () =>
      queue.length
        ? Promise.resolve({ done: false, value: queue.shift() })
        : closed
          ? close()
          : new Promise((resolve) => (wake = resolve)),
    return: close,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

const root = {
  async sendAgentMessage({ liveConversationId, text, clientMessageId }, context) {
    const agentId = accountOf(context.authorization);
    const trimmed = text.trim();
    if (!trimmed || trimmed.length > 4000) throw new Error('BAD_USER_INPUT');
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const request = await client.query(
        `UPDATE user_requests r SET last_seq = r.last_seq + 1, last_activity_at = now()
           FROM live_conversations lc
          WHERE lc.id = $1 AND r.id = lc.request_id
      RETURNING r.id, r.last_seq, r.status`,
        [liveConversationId],
      );
      const row = request.rows[0];
      const control = await client.query(
        'SELECT status, agent_id FROM live_conversations WHERE id = $1',
        [liveConversationId],
      );
      if (
        !row ||
        row.status !== 'OPEN' ||
        control.rows[0]?.status !== 'ACTIVE' ||
        control.rows[0].agent_id !== agentId
      ) {
        throw new Error('NOT_IN_CONTROL');
      }
      const message = {
        id: randomUUID(),
        requestId: row.id,
        seq: row.last_seq,
        author: 'AGENT',
        text: trimmed,
        clientMessageId: clientMessageId ?? null,
        createdAt: new Date().toISOString(),
      };
      await client.query(
        `INSERT INTO messages (id, request_id, seq, author, text, client_message_id, agent_id, created_at)
         VALUES ($1, $2, $3, 'AGENT', $4, $5, $6, $7)`,
        [
          message.id,
          message.requestId,
          message.seq,
          message.text,
          message.clientMessageId,
          agentId,
          message.createdAt,
        ],
      );
      await client.query('COMMIT');
      // graphql-js executes each event's selection per subscriber, as it does in the service.
      events.emit(`conversation:${row.id}`, {
        conversationEvents: {
          type: 'MESSAGE_POSTED',
          requestId: row.id,
          message,
          at: message.createdAt,
        },
      });
      return message;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  },
};

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/graphql') {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const { query, variables } = JSON.parse(Buffer.concat(chunks).toString());
    const { document, errors } = documentOf(query);
    const result = errors
      ? { errors }
      : await execute({
          schema,
          document,
          rootValue: root,
          variableValues: variables,
          contextValue: { authorization: req.headers.authorization },
        });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
  });
});

const wss = new WebSocketServer({ server, path: '/graphql' });
useServer(
  {
    schema,
    onConnect: (ctx) => {
      try {
        accountOrEndUser(ctx.connectionParams?.authorization);
        return true;
      } catch {
        return false;
      }
    },
    // The same cache for subscriptions: execution arguments returned here are used as they are,
    // without graphql-ws parsing and validating the document again.
    onSubscribe: (_ctx, _id, payload) => {
      const { document, errors } = documentOf(payload.query);
      return errors ?? { schema, document, variableValues: payload.variables };
    },
    roots: {
      subscription: { conversationEvents: ({ requestId }) => listen(`conversation:${requestId}`) },
    },
  },
  wss,
);

function accountOrEndUser(authorization) {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  return jwt.verify(token, key, { algorithms: ['HS256'], issuer: 'switchboard' });
}

server.listen(Number(PORT), '127.0.0.1', () => {
  process.send?.({ ready: true, port: server.address().port });
});
