import { Module } from '@nestjs/common';
import { ThreadsModule } from '../threads/threads.module';
import { PrivacyController } from './privacy.controller';
import { PrivacyService } from './privacy.service';

/** Privacy requests: find visitors by email, export one, erase one (admins; API keys with `privacy:manage`). */
@Module({
  imports: [ThreadsModule],
  controllers: [PrivacyController],
  providers: [PrivacyService],
})
export class PrivacyModule {}
