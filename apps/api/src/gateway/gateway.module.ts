import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { ThreadsModule } from '../threads/threads.module';
import { UsersModule } from '../users/users.module';
import { ChatGateway } from './chat.gateway';
import { Notifier } from './notifier';
import { RedisBus } from './redis.bus';
import { SocketDrain } from './socket.drain';

@Module({
  imports: [ThreadsModule, AgentsModule, UsersModule],
  providers: [ChatGateway, Notifier, RedisBus, SocketDrain],
  // Health reports the bus; the graceful shutdown drains the sockets.
  exports: [RedisBus, SocketDrain],
})
export class GatewayModule {}
