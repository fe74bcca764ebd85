import {
  BeforeApplicationShutdown,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Transactions } from '../common/database/transactions';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { DatabaseConnection, runPendingMigrations } from './database-connection';

/** Applies pending migrations before the service serves, and closes the database last. */
@Injectable()
class DatabaseLifecycle implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  constructor(
    @Inject(DatabaseConnection) private readonly connection: DatabaseConnection,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    this.logger.log(`Using ${this.connection.description}`);
    const applied = await runPendingMigrations(this.dataSource, this.connection);
    for (const name of applied) {
      this.logger.log(`Applied migration ${name}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [DatabaseConnection],
      useFactory: (connection: DatabaseConnection) =>
        dataSourceOptions(connection.url, connection.poolSize),
    }),
  ],
  // Every module runs its transactions through `Transactions`, which needs only the data source.
  providers: [DatabaseLifecycle, Transactions],
  exports: [Transactions],
})
export class DatabaseModule {}

/** Provides the `DatabaseConnection`, starting the embedded database when no server is configured. */
@Global()
@Module({
  providers: [
    {
      provide: DatabaseConnection,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => DatabaseConnection.open(config.database),
    },
  ],
  exports: [DatabaseConnection],
})
export class DatabaseConnectionModule {}
