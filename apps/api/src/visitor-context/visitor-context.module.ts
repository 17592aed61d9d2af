import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ThreadsModule } from '../threads/threads.module';
import { VisitorEntity } from '../users/visitor.entity';
import { WidgetModule } from '../widget/widget.module';
import { VisitorContextController } from './visitor-context.controller';
import { VisitorContextService } from './visitor-context.service';

@Module({
  imports: [TypeOrmModule.forFeature([VisitorEntity]), ThreadsModule, WidgetModule],
  controllers: [VisitorContextController],
  providers: [VisitorContextService],
  exports: [VisitorContextService],
})
export class VisitorContextModule {}
