import { type ArgumentsHost, Body, Catch, Controller, Param, UseFilters } from '@nestjs/common';
import {
  ErrorCode,
  IdParamsSchema,
  type LegacyCloseRequest,
  LegacyCloseRequestSchema,
  type LegacyCloseResponse,
  type LegacySaveMessageResponse,
  LegacySaveMessageRequestSchema,
  PROBLEM_CONTENT_TYPE,
} from '@parley/contracts';
import type { Request, Response } from 'express';
import { ApiRoute } from '../../auth/api-route.decorator';
import { CurrentPrincipal } from '../../auth/auth.guard';
import type { Principal } from '../../auth/principal';
import { AppError } from '../../common/app-error';
import { ProblemFilter, toProblem } from '../../common/problem.filter';
import { ZodPipe } from '../../common/zod.pipe';
import { ThreadsService } from '../../threads/threads.service';

/**
 * The old pages read `{"success": false, "error": "..."}`; a problem document may carry extension
 * members, so the legacy routes answer both at once: the same problem+json as every route, plus those two.
 */
@Catch()
export class LegacyProblemFilter extends ProblemFilter {
  override catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const problem = toProblem(err, ctx.getRequest<Request>().originalUrl?.split('?')[0]);
    if (problem.status >= 500 || res.headersSent) return super.catch(err, host);
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify({ ...problem, success: false, error: problem.detail }));
  }
}

/** The old system's two HTTP calls, at their old paths (docs/legacy-protocol.md). */
@Controller()
@UseFilters(LegacyProblemFilter)
export class LegacyController {
  constructor(private readonly threads: ThreadsService) {}

  /** Who closes is the token's caller; `support_agent_id` may only repeat it (null from a visitor's page). */
  @ApiRoute('post /close_chat_thread/{id}/')
  async close(
    @CurrentPrincipal() principal: Principal,
    @Param(new ZodPipe(IdParamsSchema)) { id }: { id: string },
    @Body(new ZodPipe(LegacyCloseRequestSchema)) body: LegacyCloseRequest,
  ): Promise<LegacyCloseResponse> {
    const named = body.support_agent_id ?? null;
    if (named !== null && !(principal.kind === 'agent' && principal.id === named)) {
      throw new AppError(ErrorCode.Forbidden, 'support_agent_id may only name the caller; who closes comes from the token');
    }
    const thread = await this.threads.close(principal, id);
    return { success: true, threadId: thread.id, status: 'closed' };
  }

  @ApiRoute('post /save_message/')
  save(@Body(new ZodPipe(LegacySaveMessageRequestSchema)) _body: object): LegacySaveMessageResponse {
    return { success: true, stored: false, reason: 'Parley stores every message when it is sent; nothing was stored twice' };
  }
}
