import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { existsSync } from 'node:fs';
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
  widget(@Res() response: Response): void {
    if (!existsSync(WIDGET_FILE)) {
      response.status(404).type('text/plain').send(NOT_BUILT);
      return;
    }
    response.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    // Short: a new release reaches the sites that embed the widget within minutes.
    response.setHeader('Cache-Control', 'public, max-age=300');
    response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.sendFile(WIDGET_FILE);
  }

  @Public()
  @Get(['console', 'console/*path'])
  console(@Req() request: Request, @Res() response: Response): void {
    // Express routes /console and /console/ alike: only the bare one is sent to the app's root.
    if (!request.path.startsWith('/console/')) {
      response.redirect(301, '/console/');
      return;
    }
    const found = consoleFileFor(request.path.slice('/console/'.length));
    if (!found) {
      response
        .status(404)
        .type('text/plain')
        .send(existsSync(WIDGET_FILE) ? 'Not found' : NOT_BUILT);
      return;
    }
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('X-Frame-Options', 'DENY');
    response.setHeader('Content-Security-Policy', this.contentSecurityPolicy);
    // Vite names built assets by their content: they never change; the page itself always may.
    response.setHeader(
      'Cache-Control',
      found.isIndex ? 'no-cache' : 'public, max-age=31536000, immutable',
    );
    response.sendFile(found.file);
  }
}
