import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A re-encoded avatar image, addressed by the SHA-256 of its bytes: the same image is stored once,
 * and its URL never serves other bytes, so it is cached for good. Rows are never changed; a
 * live conversation's snapshot may keep pointing at an avatar its operator has since replaced.
 */
@Entity('avatars')
export class AvatarEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'avatars_pkey' })
  hash: string;

  @Column({ type: 'text' })
  contentType: string;

  @Column({ type: 'bytea' })
  bytes: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
