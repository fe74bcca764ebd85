import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../common/auth/access';
import { PLACEHOLDER_AVATAR_SVG } from './operator-identity';

/** Avatar images, public like any image a chat widget shows. */
@Controller('avatars')
export class AvatarsController {
  @Public()
  @Get('placeholder.svg')
  @Header('Content-Type', 'image/svg+xml')
  @Header('Cache-Control', 'public, max-age=86400')
  @Header('X-Content-Type-Options', 'nosniff')
  placeholder(): string {
    return PLACEHOLDER_AVATAR_SVG;
  }
}
