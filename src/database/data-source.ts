import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { DatabaseConnection } from './database-connection';

/**
 * The data source of the TypeORM CLI (`npm run migration:generate`), on the same database the
 * service would use: DATABASE_URL, or the embedded one in DATA_DIR.
 */
export default (async (): Promise<DataSource> => {
  const { config } = loadConfig(process.env);
  const connection = await DatabaseConnection.open(config.database);
  return new DataSource(dataSourceOptions(connection.url, connection.poolSize));
})();
