import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { AccountEntity } from '../accounts/account.entity';
import { BotRole } from '../common/auth/bot-role';
import { BotEntity } from './bot.entity';

/** An account's role on a bot. A bot always keeps at least one ADMINISTRATOR. */
@Entity('bot_members')
@Index('bot_members_account_id_idx', ['accountId'])
export class BotMemberEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'bot_members_pkey' })
  botId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'bot_members_pkey' })
  accountId: string;

  @Column({ type: 'enum', enum: BotRole, enumName: 'bot_role' })
  role: BotRole;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => BotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bot_id', foreignKeyConstraintName: 'bot_members_bot_id_fkey' })
  bot?: BotEntity;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'bot_members_account_id_fkey' })
  account?: AccountEntity;
}
