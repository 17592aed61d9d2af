import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { NotesModule } from '../notes/notes.module';
import { AvailabilityModule } from '../availability/availability.module';
import { ThreadsModule } from '../threads/threads.module';
import { UsersModule } from '../users/users.module';
import { VisitorContextModule } from '../visitor-context/visitor-context.module';
import { ChatGateway } from './chat.gateway';
import { LegacyController } from './legacy/legacy.controller';
import { LegacyGateway } from './legacy/legacy.gateway';
import { LegacyHub } from './legacy/legacy.hub';
import { Notifier } from './notifier';
import { RedisBus } from './redis.bus';
import { SocketDrain } from './socket.drain';
import { SocketLimits } from './socket.limits';

@Module({
  imports: [ThreadsModule, AgentsModule, UsersModule, VisitorContextModule, NotesModule, AvailabilityModule],
  controllers: [LegacyController],
  providers: [ChatGateway, Notifier, RedisBus, SocketDrain, SocketLimits, LegacyGateway, LegacyHub],
  // Health reports the bus; the graceful shutdown drains the sockets.
  exports: [RedisBus, SocketDrain, ChatGateway, LegacyHub],
})
export class GatewayModule {}
