import { Module } from '@nestjs/common';
import { WebClientsController } from './web-clients.controller';

/** Serves the chat widget (/widget.js) and the agent console (/console/). */
@Module({ controllers: [WebClientsController] })
export class WebClientsModule {}
