import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { ThreadsModule } from '../threads/threads.module';
import { UsersModule } from '../users/users.module';
import { ChatGateway } from './chat.gateway';
import { Notifier } from './notifier';
import { RedisBus } from './redis.bus';
import { SocketDrain } from './socket.drain';
import { SocketLimits } from './socket.limits';

@Module({
  imports: [ThreadsModule, AgentsModule, UsersModule],
  providers: [ChatGateway, Notifier, RedisBus, SocketDrain, SocketLimits],
  // Health reports the bus; the graceful shutdown drains the sockets.
  exports: [RedisBus, SocketDrain],
})
export class GatewayModule {}
