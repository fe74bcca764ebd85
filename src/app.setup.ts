import { NestExpressApplication } from '@nestjs/platform-express';

/**
 * What the HTTP application needs beyond its modules, shared by `main.ts` and the tests:
 * GraphQL bodies up to 4 MB, room for a 2 MiB avatar in base64.
 */
export function configureApp(app: NestExpressApplication): void {
  app.useBodyParser('json', { limit: '4mb' });
  app.enableShutdownHooks();
}
