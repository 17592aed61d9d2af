import { Body, Controller, Req, Res } from '@nestjs/common';
import { type Availability, type AvailabilitySettings, type UpdateAvailabilitySettingsRequest, UpdateAvailabilitySettingsRequestSchema } from '@parley/contracts';
import type { Request, Response } from 'express';
import { ApiRoute } from '../auth/api-route.decorator';
import { OriginPolicy } from '../common/origin-policy';
import { ZodPipe } from '../common/zod.pipe';
import { AvailabilityService } from './availability.service';

@Controller()
export class AvailabilityController {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly origins: OriginPolicy,
  ) {}

  /** Public, and read by the widget and the loader on the customer's page: CORS for an allowed site, like the settings. */
  @ApiRoute('get /widget/availability')
  current(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<Availability> {
    const origin = req.headers.origin;
    res.vary('Origin');
    res.setHeader('Cache-Control', 'no-cache');
    if (origin && this.origins.isAllowed(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    }
    return this.availability.current();
  }

  @ApiRoute('get /widget/availability/settings')
  settings(): Promise<AvailabilitySettings> {
    return this.availability.getSettings();
  }

  @ApiRoute('put /widget/availability/settings')
  update(@Body(new ZodPipe(UpdateAvailabilitySettingsRequestSchema)) body: UpdateAvailabilitySettingsRequest): Promise<AvailabilitySettings> {
    return this.availability.update(body);
  }
}
