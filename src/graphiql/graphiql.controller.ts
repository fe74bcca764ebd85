import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../common/auth/access';
import { GRAPHIQL_ASSETS } from './graphiql-page';

/** The files of the development GraphiQL page, and nothing else. */
@Controller('graphiql')
export class GraphiqlController {
  @Public()
  @Get(':file')
  asset(@Param('file') name: string, @Res() response: Response): void {
    const asset = GRAPHIQL_ASSETS.get(name);
    if (!asset) {
      response.status(404).end();
      return;
    }
    response.setHeader('Content-Type', `${asset.contentType}; charset=utf-8`);
    response.setHeader('Cache-Control', 'public, max-age=3600');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.sendFile(asset.file);
  }
}
