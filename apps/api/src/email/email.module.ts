import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { WidgetModule } from '../widget/widget.module';
import { EmailController } from './email.controller';
import { EmailDispatcher } from './email.dispatcher';
import { EmailService } from './email.service';

/** Email to visitors: follow-up digests, address confirmation, transcripts, through an outbox (SMTP_URL). */
@Module({
  imports: [UsersModule, WidgetModule],
  controllers: [EmailController],
  providers: [EmailService, EmailDispatcher],
  exports: [EmailService],
})
export class EmailModule {}
