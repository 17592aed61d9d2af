import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { ThreadsModule } from '../threads/threads.module';
import { UsersModule } from '../users/users.module';
import { ChatGateway } from './chat.gateway';
import { Notifier } from './notifier';

@Module({
  imports: [ThreadsModule, AgentsModule, UsersModule],
  providers: [ChatGateway, Notifier],
})
export class GatewayModule {}
