import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Public } from '../common/auth/access';
import { AppConfig } from '../config/app-config';
import { consoleFileFor, WIDGET_FILE } from './web-assets';

const NOT_BUILT = 'The web clients are not built: run `npm run build`.';

/**
 * The two browser clients, built by `npm run build` into dist/web and served here, open to
 * anyone (they only call the public API): the chat widget's script, which pages of any origin
 * load, and the agent console, a single-page app under /console/.
 */
@Controller()
export class WebClientsController {
  private readonly contentSecurityPolicy: string;

  constructor(config: AppConfig) {
    // Avatars are absolute URLs of PUBLIC_URL, which may be another origin than the one browsed.
    const avatars = new URL(config.publicUrl).origin;
    this.contentSecurityPolicy = [
      "default-src 'self'",
      `img-src 'self' data: blob: ${avatars}`,
      "connect-src 'self' ws: wss:",
      "style-src 'self' 'unsafe-inline'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; ');
  }

  @Public()
  @Get('widget.js')
  async widget(@Res() reply: FastifyReply): Promise<void> {
    if (!existsSync(WIDGET_FILE)) {
      await reply.code(404).type('text/plain').send(NOT_BUILT);
      return;
    }
    reply.headers({
      'Content-Type': 'text/javascript; charset=utf-8',
      // Short: a new release reaches the sites that embed the widget within minutes.
      'Cache-Control': 'public, max-age=300',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Content-Type-Options': 'nosniff',
    });
    await reply.sendFile(basename(WIDGET_FILE), dirname(WIDGET_FILE), { contentType: false });
  }

  @Public()
  @Get(['console', 'console/*'])
  async console(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const path = request.url.split('?')[0];
    // Both /console and /console/ come here: only the bare one is sent to the app's root.
    if (!path.startsWith('/console/')) {
      await reply.redirect('/console/', 301);
      return;
    }
    const found = consoleFileFor(path.slice('/console/'.length));
    if (!found) {
      await reply
        .code(404)
        .type('text/plain')
        .send(existsSync(WIDGET_FILE) ? 'Not found' : NOT_BUILT);
      return;
    }
    reply.headers({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': this.contentSecurityPolicy,
      // Vite names built assets by their content: they never change; the page itself always may.
      'Cache-Control': found.isIndex ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
    await reply.sendFile(basename(found.file), dirname(found.file));
  }
}
