import type { AuthorType } from '@parley/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'messages' })
export class MessageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'thread_id', type: 'uuid' })
  threadId!: string;

  @Column({ type: 'int' })
  seq!: number;

  @Column({ name: 'author_type', type: 'enum', enum: ['visitor', 'agent', 'system', 'bot'], enumName: 'author_type' })
  authorType!: AuthorType;

  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId!: string | null;

  /** The author's display name when written: a transcript reads the same after a rename. */
  @Column({ name: 'author_name', type: 'text', nullable: true })
  authorName!: string | null;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'client_msg_id', type: 'text', nullable: true })
  clientMsgId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
