import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AvailabilityModule } from '../availability/availability.module';
import { NotesModule } from '../notes/notes.module';
import { TeamsModule } from '../teams/teams.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { MessageWriter } from './message.writer';
import { RatingsService } from './ratings.service';
import { RoutingService } from './routing.service';
import { ThreadsController } from './threads.controller';
import { ThreadsRepository } from './threads.repository';
import { ThreadsService } from './threads.service';

@Module({
  imports: [AgentsModule, WebhooksModule, AvailabilityModule, TeamsModule, NotesModule],
  controllers: [ThreadsController],
  providers: [ThreadsRepository, ThreadsService, MessageWriter, RatingsService, RoutingService],
  exports: [ThreadsService, ThreadsRepository, RoutingService],
})
export class ThreadsModule {}
