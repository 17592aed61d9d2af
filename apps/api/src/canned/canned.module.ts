import { Module } from '@nestjs/common';
import { CannedController } from './canned.controller';
import { CannedService } from './canned.service';

@Module({
  controllers: [CannedController],
  providers: [CannedService],
})
export class CannedModule {}
