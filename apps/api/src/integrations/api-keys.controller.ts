import { Body, Controller, Param } from '@nestjs/common';
import { type ApiKey, CreateApiKeyRequestSchema, type CreatedApiKey, type CreateApiKeyRequest, EmptyBodySchema, IdParamsSchema } from '@parley/contracts';
import { ApiRoute } from '../auth/api-route.decorator';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod.pipe';
import { ApiKeysService } from './api-keys.service';

@Controller()
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @ApiRoute('get /api-keys')
  list(): Promise<ApiKey[]> {
    return this.apiKeys.list();
  }

  @ApiRoute('post /api-keys')
  create(
    @Body(new ZodPipe(CreateApiKeyRequestSchema)) body: CreateApiKeyRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CreatedApiKey> {
    return this.apiKeys.create(body, principal.id);
  }

  @ApiRoute('delete /api-keys/{id}')
  revoke(@Param(new ZodPipe(IdParamsSchema)) params: { id: string }): Promise<ApiKey> {
    return this.apiKeys.revoke(params.id);
  }

  @ApiRoute('post /api-keys/{id}/rotate')
  rotate(@Param(new ZodPipe(IdParamsSchema)) params: { id: string }, @Body(new ZodPipe(EmptyBodySchema)) _body: object): Promise<CreatedApiKey> {
    return this.apiKeys.rotate(params.id);
  }
}
