import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { AgentEntity } from './agent.entity';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { PasswordPolicy } from './password.policy';
import { PresenceService } from './presence.service';

@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity]), AuthModule],
  controllers: [AgentsController],
  providers: [AgentsService, PresenceService, PasswordPolicy],
  exports: [AgentsService, PresenceService],
})
export class AgentsModule {}
