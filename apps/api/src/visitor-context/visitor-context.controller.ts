import { Controller, Param } from '@nestjs/common';
import { IdParamsSchema, type VisitorContext } from '@parley/contracts';
import { ApiRoute } from '../auth/api-route.decorator';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod.pipe';
import { VisitorContextService } from './visitor-context.service';

@Controller()
export class VisitorContextController {
  constructor(private readonly context: VisitorContextService) {}

  @ApiRoute('get /threads/{id}/visitor-context')
  get(@CurrentPrincipal() principal: Principal, @Param(new ZodPipe(IdParamsSchema)) { id }: { id: string }): Promise<VisitorContext> {
    return this.context.forThread(principal, id);
  }
}
