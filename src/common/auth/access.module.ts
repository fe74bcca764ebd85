import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../../config/app-config';
import { AccessGuard } from './access.guard';
import { AccessInventory } from './access-inventory';
import { Authenticator } from './authenticator';
import { MembershipRevocationInterceptor } from './membership-revocation';
import { BotTargetRegistry } from './bot-target.registry';
import { TokenService } from './token.service';

/**
 * Authentication (the three credentials) and authorization (the global access guard).
 * `directoryModule` is the domain module that exports the `BotAccessDirectory` port.
 */
@Global()
@Module({})
export class AccessModule {
  static forRoot(directoryModule: Type<unknown>): DynamicModule {
    return {
      module: AccessModule,
      imports: [
        DiscoveryModule,
        directoryModule,
        JwtModule.registerAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ secret: config.authSecret }),
        }),
      ],
      providers: [
        TokenService,
        Authenticator,
        BotTargetRegistry,
        AccessInventory,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: MembershipRevocationInterceptor },
      ],
      exports: [TokenService, Authenticator, BotTargetRegistry, AccessInventory],
    };
  }
}
