import { Body, Controller, Param, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import {
  type EmailConfirmed,
  type EmailLinkRequest,
  EmailLinkRequestSchema,
  IdParamsSchema,
  type EmailOverview,
  type TranscriptRequested,
  type UpdateEmailSettingsRequest,
  UpdateEmailSettingsRequestSchema,
  type VisitorSessionResponse,
} from '@parley/contracts';
import { ApiRoute } from '../auth/api-route.decorator';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod.pipe';
import { EmailService } from './email.service';

const idParams = new ZodPipe(IdParamsSchema);

@Controller()
export class EmailController {
  constructor(private readonly email: EmailService) {}

  @ApiRoute('get /settings/email')
  overview(): Promise<EmailOverview> {
    return this.email.overview();
  }

  @ApiRoute('put /settings/email')
  update(@Body(new ZodPipe(UpdateEmailSettingsRequestSchema)) body: UpdateEmailSettingsRequest): Promise<EmailOverview> {
    return this.email.updateSettings(body);
  }

  @ApiRoute('post /threads/{id}/transcript')
  transcript(@CurrentPrincipal() principal: Principal, @Param(idParams) { id }: { id: string }): Promise<TranscriptRequested> {
    return this.email.requestTranscript(principal, id);
  }

  @ApiRoute('post /visitors/email/confirm')
  @UseGuards(ThrottlerGuard)
  confirm(@Body(new ZodPipe(EmailLinkRequestSchema)) body: EmailLinkRequest): Promise<EmailConfirmed> {
    return this.email.confirm(body.token);
  }

  @ApiRoute('post /visitors/resume')
  @UseGuards(ThrottlerGuard)
  resume(@Body(new ZodPipe(EmailLinkRequestSchema)) body: EmailLinkRequest): Promise<VisitorSessionResponse> {
    return this.email.resume(body.token);
  }
}
