import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { MessageAuthor, SystemNotice } from './request-enums';
import { UserRequestEntity } from './user-request.entity';

/**
 * One entry of a request's log. `seq` is 1, 2, 3... per request with no gaps (assigned in the
 * inserting transaction); a sender's `clientMessageId` makes its send idempotent.
 */
@Entity('messages')
@Unique('messages_request_id_seq_key', ['requestId', 'seq'])
@Unique('messages_request_id_author_client_message_id_key', [
  'requestId',
  'author',
  'clientMessageId',
])
export class MessageEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'messages_pkey' })
  id: string;

  @Column({ type: 'uuid' })
  requestId: string;

  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'enum', enum: MessageAuthor, enumName: 'message_author' })
  author: MessageAuthor;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'enum', enum: SystemNotice, enumName: 'system_notice', nullable: true })
  notice: SystemNotice | null;

  @Column({ type: 'text', nullable: true })
  clientMessageId: string | null;

  /** The account of the agent who wrote it (AGENT messages). */
  @Column({ type: 'uuid', nullable: true })
  agentId: string | null;

  /** What the end user saw of the operator (AGENT messages and agent notices), as it was then. */
  @Column({ type: 'text', nullable: true })
  operatorDisplayName: string | null;

  /** Path of the operator's avatar under the public URL (e.g. "/avatars/placeholder.svg"). */
  @Column({ type: 'text', nullable: true })
  operatorAvatarPath: string | null;

  /** From the service clock, like every instant the service writes. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @ManyToOne(() => UserRequestEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'messages_request_id_fkey' })
  request?: UserRequestEntity;
}
