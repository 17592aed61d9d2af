import { Body, Controller } from '@nestjs/common';
import { type RetentionSettings, type UpdateRetentionSettingsRequest, UpdateRetentionSettingsRequestSchema } from '@parley/contracts';
import { ApiRoute } from '../auth/api-route.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { RetentionService } from './retention.service';

@Controller()
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @ApiRoute('get /settings/retention')
  get(): Promise<RetentionSettings> {
    return this.retention.get();
  }

  @ApiRoute('put /settings/retention')
  update(@Body(new ZodPipe(UpdateRetentionSettingsRequestSchema)) body: UpdateRetentionSettingsRequest): Promise<RetentionSettings> {
    return this.retention.update(body);
  }
}
