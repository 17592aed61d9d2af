import { Body, Controller, Param, Req, Res } from '@nestjs/common';
import { type CreatedIdentitySecret, IdParamsSchema, type PublicWidgetSettings, type UpdateWidgetSettingsRequest, UpdateWidgetSettingsRequestSchema, type WidgetSettings } from '@parley/contracts';
import type { Request, Response } from 'express';
import { ApiRoute } from '../auth/api-route.decorator';
import { OriginPolicy } from '../common/origin-policy';
import { ZodPipe } from '../common/zod.pipe';
import { WidgetService } from './widget.service';

@Controller()
export class WidgetController {
  constructor(
    private readonly widget: WidgetService,
    private readonly origins: OriginPolicy,
  ) {}

  /**
   * Read by the loader on the customer's page, so cross-origin: only an allowed site gets the CORS
   * header. A page on any other site cannot read the settings, and its loader draws no chat.
   */
  @ApiRoute('get /widget/settings')
  async settings(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<PublicWidgetSettings> {
    const origin = req.headers.origin;
    res.vary('Origin');
    res.setHeader('Cache-Control', 'no-cache');
    if (origin && this.origins.isAllowed(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      await this.widget.seen(origin);
    }
    // Only what the widget draws: the list of allowed sites, the secrets and where it was seen are the admin's business.
    const { allowedOrigins: _sites, identitySecrets: _secrets, seenOn: _seen, showVisitorIp: _ip, ...shown } = await this.widget.get();
    return shown;
  }

  @ApiRoute('get /widget/settings/admin')
  adminSettings(): Promise<WidgetSettings> {
    return this.widget.fresh();
  }

  @ApiRoute('post /widget/identity-secrets')
  createIdentitySecret(): Promise<CreatedIdentitySecret> {
    return this.widget.createIdentitySecret();
  }

  @ApiRoute('delete /widget/identity-secrets/{id}')
  removeIdentitySecret(@Param(new ZodPipe(IdParamsSchema)) params: { id: string }): Promise<void> {
    return this.widget.removeIdentitySecret(params.id);
  }

  @ApiRoute('put /widget/settings')
  update(@Body(new ZodPipe(UpdateWidgetSettingsRequestSchema)) body: UpdateWidgetSettingsRequest): Promise<WidgetSettings> {
    return this.widget.update(body);
  }
}
