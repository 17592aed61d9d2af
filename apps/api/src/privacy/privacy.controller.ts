import { Controller, Logger, Param, Query, Res } from '@nestjs/common';
import { type Erasure, type FindVisitorsQuery, FindVisitorsQuerySchema, IdParamsSchema, type PrivacyVisitor } from '@parley/contracts';
import type { Response } from 'express';
import { once } from 'node:events';
import { ApiRoute } from '../auth/api-route.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { PrivacyService } from './privacy.service';

const idParams = new ZodPipe(IdParamsSchema);

@Controller()
export class PrivacyController {
  private readonly log = new Logger('Privacy');

  constructor(private readonly privacy: PrivacyService) {}

  @ApiRoute('get /privacy/visitors')
  find(@Query(new ZodPipe(FindVisitorsQuerySchema)) q: FindVisitorsQuery): Promise<PrivacyVisitor[]> {
    return this.privacy.find(q);
  }

  /** Streamed: each conversation is written once the client has taken the previous one. */
  @ApiRoute('get /privacy/visitors/{id}/export')
  async export(@Param(idParams) { id }: { id: string }, @Res() res: Response): Promise<void> {
    // Looked up before anything is sent, so an unknown visitor is still a problem document.
    const stream = await this.privacy.exportOf(id);
    res.status(200);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="parley-visitor-${id}.json"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      await stream(async (chunk) => {
        if (res.destroyed) return false;
        if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        return !res.destroyed;
      });
      res.end();
    } catch (err) {
      // The header is out: the only way left to say "incomplete" is to cut the response.
      this.log.error(`privacy export failed: ${String(err)}`);
      res.destroy();
    }
  }

  @ApiRoute('post /privacy/visitors/{id}/erase')
  erase(@Param(idParams) { id }: { id: string }): Promise<Erasure> {
    return this.privacy.erase(id);
  }
}
