import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgentEntity } from './agent.entity';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { LoginThrottle } from './login.throttle';
import { PasswordPolicy } from './password.policy';
import { PresenceService } from './presence.service';

@Module({
  // TokensService comes from the global AuthModule, which imports this module to authenticate agents.
  imports: [TypeOrmModule.forFeature([AgentEntity])],
  controllers: [AgentsController],
  providers: [AgentsService, PresenceService, PasswordPolicy, LoginThrottle],
  exports: [AgentsService, PresenceService],
})
export class AgentsModule {}
