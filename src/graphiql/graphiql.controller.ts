import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { basename, dirname } from 'node:path';
import { Public } from '../common/auth/access';
import { GRAPHIQL_ASSETS } from './graphiql-page';

/** The files of the development GraphiQL page, and nothing else. */
@Controller('graphiql')
export class GraphiqlController {
  @Public()
  @Get(':file')
  async asset(@Param('file') name: string, @Res() reply: FastifyReply): Promise<void> {
    const asset = GRAPHIQL_ASSETS.get(name);
    if (!asset) {
      await reply.code(404).send();
      return;
    }
    reply.headers({
      'Content-Type': `${asset.contentType}; charset=utf-8`,
      'Cache-Control': 'public, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
    });
    await reply.sendFile(basename(asset.file), dirname(asset.file), { contentType: false });
  }
}
