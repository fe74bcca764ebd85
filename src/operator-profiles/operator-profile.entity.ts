import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { AccountEntity } from '../accounts/account.entity';
import { BotEntity } from '../bots/bot.entity';
import { AvatarEntity } from './avatar.entity';

/** How one operator appears to the end users of one bot. */
@Entity('operator_profiles')
export class OperatorProfileEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'operator_profiles_pkey' })
  botId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'operator_profiles_pkey' })
  accountId: string;

  /** Trimmed, 1 to 50 characters; null: the account name is shown. */
  @Column({ type: 'text', nullable: true })
  displayName: string | null;

  /** Content hash of the avatar image; null: the placeholder is shown. */
  @Column({ type: 'text', nullable: true })
  avatarHash: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => BotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bot_id', foreignKeyConstraintName: 'operator_profiles_bot_id_fkey' })
  bot?: BotEntity;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'operator_profiles_account_id_fkey' })
  account?: AccountEntity;

  @ManyToOne(() => AvatarEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'avatar_hash',
    foreignKeyConstraintName: 'operator_profiles_avatar_hash_fkey',
  })
  avatar?: AvatarEntity;
}
