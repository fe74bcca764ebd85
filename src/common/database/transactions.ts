import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Work for after the commit: publications, the scheduler's refresh, cache evictions. */
export type AfterCommit = () => Promise<void> | void;

/** What a unit of work sees of the transaction it runs in. */
export interface Transaction {
  /**
   * Every read and write of the unit goes through it: the embedded database has a single
   * connection, which the transaction holds.
   */
  readonly manager: EntityManager;
  /**
   * Queues `callback` for once the transaction committed, after those queued before it. A plain
   * function, so that units of work may destructure it from their `tx`.
   */
  readonly afterCommit: (callback: AfterCommit) => void;
}

/**
 * The one way to run a transaction, so that publishing after commit lives in one place: code
 * queues what it publishes where it makes the change, and delivery follows the commit. Queued
 * callbacks run in order once the transaction committed and never after a rollback. A callback
 * that fails is logged and skipped: the change is committed, so the caller still hears of its
 * success, and the callbacks after it still run.
 */
@Injectable()
export class Transactions {
  private readonly logger = new Logger(Transactions.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const queued: AfterCommit[] = [];
    let open = true;
    const afterCommit = (callback: AfterCommit): void => {
      if (!open) {
        // Queued too late to follow this transaction's commit: a bug in the caller.
        throw new Error('afterCommit was called after its transaction ended');
      }
      queued.push(callback);
    };
    let result: T;
    try {
      result = await this.dataSource.transaction((manager) => work({ manager, afterCommit }));
    } finally {
      open = false;
    }
    for (const callback of queued) {
      try {
        await callback();
      } catch (error) {
        this.logger.error(
          `A callback after a committed transaction failed: ${String(error)}`,
          (error as Error).stack,
        );
      }
    }
    return result;
  }
}
