import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AvailabilityModule } from '../availability/availability.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { MessageWriter } from './message.writer';
import { RatingsService } from './ratings.service';
import { ThreadsController } from './threads.controller';
import { ThreadsRepository } from './threads.repository';
import { ThreadsService } from './threads.service';

@Module({
  imports: [AgentsModule, WebhooksModule, AvailabilityModule],
  controllers: [ThreadsController],
  providers: [ThreadsRepository, ThreadsService, MessageWriter, RatingsService],
  exports: [ThreadsService, ThreadsRepository],
})
export class ThreadsModule {}
