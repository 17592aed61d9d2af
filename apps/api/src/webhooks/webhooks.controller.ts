import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  type CreatedWebhook,
  type CreateWebhookRequest,
  CreateWebhookRequestSchema,
  EmptyBodySchema,
  IdParamsSchema,
  type ListWebhookDeliveriesQuery,
  ListWebhookDeliveriesQuerySchema,
  type UpdateWebhookRequest,
  UpdateWebhookRequestSchema,
  type Webhook,
  type WebhookDelivery,
  type WebhookDeliveryPage,
  WebhookDeliveryParamsSchema,
} from '@parley/contracts';
import { ApiRoute } from '../auth/api-route.decorator';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod.pipe';
import { WebhooksService } from './webhooks.service';

@Controller()
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @ApiRoute('get /webhooks')
  list(): Promise<Webhook[]> {
    return this.webhooks.list();
  }

  @ApiRoute('post /webhooks')
  create(@Body(new ZodPipe(CreateWebhookRequestSchema)) body: CreateWebhookRequest, @CurrentPrincipal() principal: Principal): Promise<CreatedWebhook> {
    return this.webhooks.create(body, `${principal.kind}:${principal.id}`);
  }

  @ApiRoute('get /webhooks/{id}')
  get(@Param(new ZodPipe(IdParamsSchema)) params: { id: string }): Promise<Webhook> {
    return this.webhooks.get(params.id);
  }

  @ApiRoute('patch /webhooks/{id}')
  update(@Param(new ZodPipe(IdParamsSchema)) params: { id: string }, @Body(new ZodPipe(UpdateWebhookRequestSchema)) body: UpdateWebhookRequest): Promise<Webhook> {
    return this.webhooks.update(params.id, body);
  }

  @ApiRoute('delete /webhooks/{id}')
  remove(@Param(new ZodPipe(IdParamsSchema)) params: { id: string }): Promise<Webhook> {
    return this.webhooks.remove(params.id);
  }

  @ApiRoute('post /webhooks/{id}/rotate-secret')
  rotate(@Param(new ZodPipe(IdParamsSchema)) params: { id: string }, @Body(new ZodPipe(EmptyBodySchema)) _body: object): Promise<CreatedWebhook> {
    return this.webhooks.rotateSecret(params.id);
  }

  @ApiRoute('get /webhooks/{id}/deliveries')
  async deliveries(
    @Param(new ZodPipe(IdParamsSchema)) params: { id: string },
    @Query(new ZodPipe(ListWebhookDeliveriesQuerySchema)) query: ListWebhookDeliveriesQuery,
  ): Promise<WebhookDeliveryPage> {
    return { items: await this.webhooks.deliveries(params.id, query) };
  }

  @ApiRoute('post /webhooks/{id}/deliveries/{deliveryId}/redeliver')
  redeliver(
    @Param(new ZodPipe(WebhookDeliveryParamsSchema)) params: { id: string; deliveryId: string },
    @Body(new ZodPipe(EmptyBodySchema)) _body: object,
  ): Promise<WebhookDelivery> {
    return this.webhooks.redeliver(params.id, params.deliveryId);
  }

  @ApiRoute('post /webhooks/{id}/test')
  test(@Param(new ZodPipe(IdParamsSchema)) params: { id: string }, @Body(new ZodPipe(EmptyBodySchema)) _body: object): Promise<WebhookDelivery> {
    return this.webhooks.test(params.id);
  }
}
