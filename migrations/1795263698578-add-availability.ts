import { MigrationInterface, QueryRunner } from 'typeorm';

/** The weekly availability template of each bot, and its temporary unavailabilities. */
export class AddAvailability1795263698578 implements MigrationInterface {
  name = 'AddAvailability1795263698578';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."weekday" AS ENUM ('MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY')`,
    );
    await queryRunner.query(`
      CREATE TABLE "availability_slots" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "bot_id" uuid NOT NULL,
        "weekday" "public"."weekday" NOT NULL,
        "start_minute" smallint NOT NULL,
        "end_minute" smallint NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "availability_slots_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "availability_slots_minutes_check"
          CHECK ("start_minute" >= 0 AND "start_minute" < "end_minute" AND "end_minute" <= 1440),
        CONSTRAINT "availability_slots_bot_id_fkey" FOREIGN KEY ("bot_id")
          REFERENCES "bots" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "availability_slots_bot_id_weekday_start_idx" ON "availability_slots" ("bot_id", "weekday", "start_minute")`,
    );
    await queryRunner.query(`
      CREATE TABLE "temporary_unavailabilities" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "bot_id" uuid NOT NULL,
        "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "ended_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "temporary_unavailabilities_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "temporary_unavailabilities_bot_id_fkey" FOREIGN KEY ("bot_id")
          REFERENCES "bots" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "temporary_unavailabilities_open_idx" ON "temporary_unavailabilities" ("bot_id", "ends_at") WHERE "ended_at" IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "temporary_unavailabilities"`);
    await queryRunner.query(`DROP TABLE "availability_slots"`);
    await queryRunner.query(`DROP TYPE "public"."weekday"`);
  }
}
