import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'visitors' })
export class VisitorEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  email!: string;

  /** The site's own id of this user (`sub` of its identity token); null for an anonymous visitor. */
  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId!: string | null;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', default: () => 'now()' })
  lastSeenAt!: Date;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  meta!: Record<string, unknown>;

  /** A socket of the visitor is connected on some node (written by VisitorContextService). */
  @Column({ type: 'boolean', default: false })
  online!: boolean;

  /** Pages of the current visit, newest first: `{url, title, at}`. */
  @Column({ type: 'jsonb', default: () => `'[]'::jsonb` })
  pages!: { url: string; title: string; at: string }[];

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  @Column({ name: 'time_zone', type: 'text', nullable: true })
  timeZone!: string | null;

  /** Address of the visitor's latest socket; shown to agents only while `showVisitorIp` is on. */
  @Column({ name: 'last_ip', type: 'text', nullable: true })
  lastIp!: string | null;

  /** Set when the visitor was erased (a privacy request): its tokens are refused from then on. */
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt!: Date | null;
}
