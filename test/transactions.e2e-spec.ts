import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Transaction, Transactions } from '../src/common/database/transactions';
import { TestApp } from './support/test-app';

/**
 * The rules every publication after commit relies on, against the real database: a scratch
 * table of this spec's own holds the rows the transactions write.
 */
describe('transactions and their after-commit callbacks', () => {
  let app: TestApp;
  let transactions: Transactions;
  let dataSource: DataSource;
  const table = `transactions_spec_${randomBytes(6).toString('hex')}`;

  /** What another connection sees: only what committed. */
  const committedNames = async (): Promise<string[]> => {
    const rows = await dataSource.query<{ name: string }[]>(`SELECT name FROM ${table}`);
    return rows.map((row) => row.name);
  };
  const insert = (tx: Transaction, name: string): Promise<unknown> =>
    tx.manager.query(`INSERT INTO ${table} (name) VALUES ($1)`, [name]);

  beforeAll(async () => {
    app = await TestApp.start();
    transactions = app.app.get(Transactions);
    dataSource = app.app.get(DataSource);
    await dataSource.query(
      `CREATE TABLE ${table} (name text PRIMARY KEY DEFERRABLE INITIALLY DEFERRED)`,
    );
  });
  afterAll(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS ${table}`);
    await app.close();
  });
  afterEach(() => jest.restoreAllMocks());

  it('runs the callbacks once the transaction committed, in the order they were queued', async () => {
    const events: string[] = [];
    let seenByFirst: string[] = [];
    const result = await transactions.run(async (tx) => {
      await insert(tx, 'committed');
      tx.afterCommit(async () => {
        seenByFirst = await committedNames();
        events.push('first');
      });
      tx.afterCommit(() => {
        events.push('second');
      });
      tx.afterCommit(async () => {
        await Promise.resolve();
        events.push('third');
      });
      events.push('work done');
      return 42;
    });

    expect(result).toBe(42);
    expect(events).toEqual(['work done', 'first', 'second', 'third']);
    expect(seenByFirst).toContain('committed');
  });

  it('never runs them when the transaction rolls back', async () => {
    const callback = jest.fn();
    await expect(
      transactions.run(async (tx) => {
        await insert(tx, 'rolled back');
        tx.afterCommit(callback);
        throw new Error('refused inside the transaction');
      }),
    ).rejects.toThrow('refused inside the transaction');

    expect(callback).not.toHaveBeenCalled();
    expect(await committedNames()).not.toContain('rolled back');
  });

  it('never runs them when the commit itself fails', async () => {
    await transactions.run((tx) => insert(tx, 'taken'));
    const callback = jest.fn();
    await expect(
      transactions.run(async (tx) => {
        // The key is checked at commit (deferred): this insert passes, the COMMIT fails.
        await insert(tx, 'taken');
        tx.afterCommit(callback);
      }),
    ).rejects.toThrow();

    expect(callback).not.toHaveBeenCalled();
  });

  it('logs a failing callback without failing the call, and still runs the next ones', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const events: string[] = [];
    const result = await transactions.run(async (tx) => {
      await insert(tx, 'published despite a failure');
      tx.afterCommit(() => Promise.reject(new Error('the pub/sub is unreachable')));
      tx.afterCommit(() => {
        throw new Error('a synchronous failure');
      });
      tx.afterCommit(() => {
        events.push('after the failures');
      });
      return 'committed';
    });

    expect(result).toBe('committed');
    expect(events).toEqual(['after the failures']);
    expect(await committedNames()).toContain('published despite a failure');
    expect(logged).toHaveBeenCalledTimes(2);
    expect(logged.mock.calls.map(([message]) => String(message))).toEqual([
      expect.stringContaining('the pub/sub is unreachable'),
      expect.stringContaining('a synchronous failure'),
    ]);
  });

  it('refuses a callback queued once its transaction ended', async () => {
    let escaped: Transaction | undefined;
    await transactions.run((tx) => {
      escaped = tx;
      return Promise.resolve();
    });
    expect(() => escaped?.afterCommit(() => undefined)).toThrow();
  });
});
