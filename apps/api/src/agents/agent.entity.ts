import type { AgentRole, AgentStatus } from '@parley/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'agents' })
export class AgentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  email!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash!: string;

  @Column({ type: 'enum', enum: ['admin', 'agent'], enumName: 'agent_role', default: 'agent' })
  role!: AgentRole;

  @Column({ type: 'enum', enum: ['online', 'away', 'offline'], enumName: 'agent_status', default: 'offline' })
  status!: AgentStatus;

  @Column({ name: 'max_concurrent', type: 'int', default: 5 })
  maxConcurrent!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true })
  deactivatedAt!: Date | null;
}
