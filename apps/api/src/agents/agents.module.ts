import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from './agent.entity';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { PasswordPolicy } from './password.policy';
import { PresenceService } from './presence.service';

@Module({
  // TokensService comes from the global AuthModule, which imports this module to authenticate agents.
  imports: [TypeOrmModule.forFeature([AgentEntity])],
  controllers: [AgentsController],
  providers: [AgentsService, PresenceService, PasswordPolicy],
  exports: [AgentsService, PresenceService],
})
export class AgentsModule {}
