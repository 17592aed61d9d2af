import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  type CannedResponse,
  type CreateCannedResponseRequest,
  CreateCannedResponseRequestSchema,
  ErrorCode,
  IdParamsSchema,
  type ListCannedResponsesQuery,
  ListCannedResponsesQuerySchema,
  type UpdateCannedResponseRequest,
  UpdateCannedResponseRequestSchema,
} from '@parley/contracts';
import { ApiRoute } from '../auth/api-route.decorator';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { AgentPrincipal, Principal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { ZodPipe } from '../common/zod.pipe';
import { CannedService } from './canned.service';

/** The guard lets only agents in (the route table's callers); this keeps the type honest. */
function agentOf(principal: Principal): AgentPrincipal {
  if (principal.kind !== 'agent') throw new AppError(ErrorCode.Forbidden, 'Canned responses are for agents');
  return principal;
}

@Controller()
export class CannedController {
  constructor(private readonly canned: CannedService) {}

  @ApiRoute('get /canned-responses')
  list(@Query(new ZodPipe(ListCannedResponsesQuerySchema)) query: ListCannedResponsesQuery, @CurrentPrincipal() principal: Principal): Promise<CannedResponse[]> {
    return this.canned.list(agentOf(principal), query);
  }

  @ApiRoute('post /canned-responses')
  create(@Body(new ZodPipe(CreateCannedResponseRequestSchema)) body: CreateCannedResponseRequest, @CurrentPrincipal() principal: Principal): Promise<CannedResponse> {
    return this.canned.create(agentOf(principal), body);
  }

  @ApiRoute('get /canned-responses/{id}')
  get(@Param(new ZodPipe(IdParamsSchema)) params: { id: string }, @CurrentPrincipal() principal: Principal): Promise<CannedResponse> {
    return this.canned.get(agentOf(principal), params.id);
  }

  @ApiRoute('patch /canned-responses/{id}')
  update(
    @Param(new ZodPipe(IdParamsSchema)) params: { id: string },
    @Body(new ZodPipe(UpdateCannedResponseRequestSchema)) body: UpdateCannedResponseRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CannedResponse> {
    return this.canned.update(agentOf(principal), params.id, body);
  }

  @ApiRoute('delete /canned-responses/{id}')
  remove(@Param(new ZodPipe(IdParamsSchema)) params: { id: string }, @CurrentPrincipal() principal: Principal): Promise<CannedResponse> {
    return this.canned.remove(agentOf(principal), params.id);
  }
}
