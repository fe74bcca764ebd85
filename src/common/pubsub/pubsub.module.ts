import { Global, Module } from '@nestjs/common';
import { InProcessPubSub, PubSubPort } from './pubsub';

@Global()
@Module({
  providers: [{ provide: PubSubPort, useClass: InProcessPubSub }],
  exports: [PubSubPort],
})
export class PubSubModule {}
