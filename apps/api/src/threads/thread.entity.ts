import type { ActorType, ThreadStatus } from '@parley/contracts';
import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { VisitorEntity } from '../users/visitor.entity';

@Entity({ name: 'threads' })
export class ThreadEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'visitor_id', type: 'uuid' })
  visitorId!: string;

  @ManyToOne(() => VisitorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'visitor_id' })
  visitor?: Relation<VisitorEntity>;

  @Column({ type: 'enum', enum: ['queued', 'active', 'closed'], enumName: 'thread_status', default: 'queued' })
  status!: ThreadStatus;

  @Column({ name: 'assigned_agent_id', type: 'uuid', nullable: true })
  assignedAgentId!: string | null;

  @ManyToOne(() => AgentEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'assigned_agent_id' })
  assignedAgent?: Relation<AgentEntity> | null;

  @Column({ name: 'last_seq', type: 'int', default: 0 })
  lastSeq!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'closed_by_type', type: 'enum', enum: ['visitor', 'agent', 'integration', 'system'], enumName: 'actor_type', nullable: true })
  closedByType!: ActorType | null;

  @Column({ name: 'closed_by_id', type: 'uuid', nullable: true })
  closedById!: string | null;
}
