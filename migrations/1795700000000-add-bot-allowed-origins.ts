import { MigrationInterface, QueryRunner } from 'typeorm';

/** The web origins a bot's widget key may be used from; empty (the default) allows any. */
export class AddBotAllowedOrigins1795700000000 implements MigrationInterface {
  name = 'AddBotAllowedOrigins1795700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "bots" ADD "allowed_origins" text array NOT NULL DEFAULT '{}'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "bots" DROP COLUMN "allowed_origins"`);
  }
}
