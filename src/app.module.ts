import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { AccountsModule } from './accounts/accounts.module';
import { AdaptersModule } from './adapters/adapters.module';
import { HealthModule } from './health/health.module';
import { PresenceModule } from './presence/presence.module';
import { AvailabilityModule } from './availability/availability.module';
import { BotsModule } from './bots/bots.module';
import { LiveConversationsModule } from './live-conversations/live-conversations.module';
import { OperatorProfilesModule } from './operator-profiles/operator-profiles.module';
import { RequestsModule } from './requests/requests.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { AccessModule } from './common/auth/access.module';
import { ClockModule } from './common/clock/clock.module';
import { ConnectionHooksModule } from './common/graphql/connection-hooks';
import { GraphQLExceptionFilter } from './common/errors/graphql-exception.filter';
import { InputValidationPipe } from './common/errors/input-validation.pipe';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { graphqlOptions } from './common/graphql/graphql.options';
import { GraphQLWsModule } from './common/graphql/graphql-ws.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseConnectionModule, DatabaseModule } from './database/database.module';
import { GraphiqlModule } from './graphiql/graphiql.module';
import { LoggingModule } from './observability/logging';
import { Metrics } from './observability/metrics';
import { MetricsModule } from './observability/metrics.module';
import { WebClientsModule } from './web-clients/web-clients.module';

/**
 * The whole service: configuration, logs, the shared-state adapters, database, GraphQL, access,
 * metrics, the domain modules, health, the development GraphiQL, and the web clients.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        ClockModule,
        LifecycleModule,
        AdaptersModule.forRoot(config),
        ConnectionHooksModule,
        DatabaseConnectionModule,
        DatabaseModule,
        AccessModule.forRoot(BotsModule),
        MetricsModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [Metrics, AppConfig],
          useFactory: graphqlOptions,
        }),
        GraphQLWsModule,
        RateLimitModule,
        AccountsModule,
        BotsModule,
        AvailabilityModule,
        RequestsModule,
        LiveConversationsModule,
        OperatorProfilesModule,
        PresenceModule,
        WebhooksModule,
        HealthModule,
        GraphiqlModule.forRoot(config),
        WebClientsModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: InputValidationPipe },
        { provide: APP_FILTER, useClass: GraphQLExceptionFilter },
      ],
    };
  }
}
