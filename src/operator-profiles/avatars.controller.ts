import { Controller, Get, Header, Headers, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/access';
import { PLACEHOLDER_AVATAR_SVG } from './operator-identity';
import { OperatorProfilesService } from './operator-profiles.service';

/** Avatar images, public like any image a chat widget shows. */
@Controller('avatars')
export class AvatarsController {
  constructor(private readonly profiles: OperatorProfilesService) {}

  @Public()
  @Get('placeholder.svg')
  @Header('Content-Type', 'image/svg+xml')
  @Header('Cache-Control', 'public, max-age=86400')
  @Header('X-Content-Type-Options', 'nosniff')
  placeholder(): string {
    return PLACEHOLDER_AVATAR_SVG;
  }

  /**
   * An uploaded avatar. Its URL holds the hash of its bytes, so what it serves never changes:
   * cached for a year, immutable, with the hash as its ETag.
   */
  @Public()
  @Get(':hash.webp')
  async avatar(
    @Param('hash') hash: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const avatar = await this.profiles.avatar(hash);
    if (!avatar) {
      throw new NotFoundException();
    }
    const etag = `"${avatar.hash}"`;
    reply.headers({
      ETag: etag,
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    });
    if (ifNoneMatch?.split(',').some((tag) => tag.trim() === etag)) {
      await reply.code(304).send();
      return;
    }
    await reply.code(200).type(avatar.contentType).send(avatar.bytes);
  }
}
