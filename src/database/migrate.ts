import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { DatabaseConnection, runPendingMigrations } from './database-connection';

/** `node dist/src/database/migrate.js run|revert|show`: migrations on the configured database. */
async function main(command: string | undefined): Promise<void> {
  if (command !== 'run' && command !== 'revert' && command !== 'show') {
    throw new Error('usage: migrate run|revert|show');
  }
  const logger = new Logger('Migrations');
  const { config } = loadConfig(process.env);
  const connection = await DatabaseConnection.open(config.database);
  const dataSource = new DataSource(dataSourceOptions(connection.url, connection.poolSize));
  logger.log(`Using ${connection.description}`);
  await dataSource.initialize();
  try {
    switch (command) {
      case 'run': {
        const applied = await runPendingMigrations(dataSource, connection);
        logger.log(applied.length ? `Applied ${applied.join(', ')}` : 'No pending migration');
        break;
      }
      case 'revert':
        await dataSource.undoLastMigration({ transaction: 'each' });
        break;
      case 'show': {
        const pending = await dataSource.showMigrations();
        logger.log(pending ? 'There are pending migrations' : 'Every migration is applied');
        break;
      }
    }
  } finally {
    await dataSource.destroy();
    await connection.close();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
