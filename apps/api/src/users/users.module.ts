import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { WidgetModule } from '../widget/widget.module';
import { VisitorEntity } from './visitor.entity';

@Module({
  imports: [TypeOrmModule.forFeature([VisitorEntity]), WidgetModule],
  controllers: [UsersController],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
