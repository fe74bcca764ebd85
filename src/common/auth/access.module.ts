import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
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
      imports: [DiscoveryModule, directoryModule],
      providers: [
        TokenService,
        Authenticator,
        BotTargetRegistry,
        AccessInventory,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: MembershipRevocationInterceptor },
      ],
      exports: [TokenService, Authenticator, BotTargetRegistry, AccessInventory, directoryModule],
    };
  }
}
