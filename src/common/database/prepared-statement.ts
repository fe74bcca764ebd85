import type { Pool, PoolClient } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Numbers the connections a statement is prepared on, for names unique in this process. */
let preparedOn = 0;

/**
 * A statement of a hot path, run as a named statement on the pool TypeORM owns. PostgreSQL
 * plans an unnamed statement on every call, and a statement of several CTEs (a message send)
 * costs it about half a millisecond of planning each time, more than its execution. A named
 * statement is parsed once per connection, and after a few executions PostgreSQL keeps a
 * generic plan for it. TypeORM's `query` cannot name a statement, hence the pool itself.
 *
 * The statement names every column it returns (no `*`): a column that a newer release's
 * migration adds would change the result of a prepared statement, which PostgreSQL then refuses
 * to run ("cached plan must not change result type") on every instance still running.
 *
 * Each connection gets its own name for the statement: the embedded database serves every
 * connection from one session, where a name prepared by a connection since closed stays taken.
 * Failures come back as TypeORM's `QueryFailedError`, like those of any other query, and a
 * failed statement leaves its connection in the pool (the pool drops a connection that died).
 */
export class PreparedStatement<Row> {
  private readonly names = new WeakMap<PoolClient, string>();

  constructor(
    private readonly name: string,
    private readonly text: string,
  ) {}

  /** Runs the statement outside any transaction (it is one on its own). */
  async run(dataSource: DataSource, values: unknown[]): Promise<Row[]> {
    const pool = (dataSource.driver as PostgresDriver).master as Pool;
    let client: PoolClient | undefined;
    try {
      client = await pool.connect();
      let name = this.names.get(client);
      if (name === undefined) {
        preparedOn += 1;
        name = `${this.name}_${preparedOn}`;
        this.names.set(client, name);
      }
      const result = await client.query<Row & object>({ name, text: this.text, values });
      return result.rows;
    } catch (error) {
      throw new QueryFailedError(
        this.text,
        values,
        error instanceof Error ? error : new Error(String(error)),
      );
    } finally {
      client?.release();
    }
  }
}
