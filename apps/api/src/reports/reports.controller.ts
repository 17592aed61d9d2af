import { Controller, Logger, Query, Res } from '@nestjs/common';
import { type Report, type ReportQuery, ReportQuerySchema } from '@parley/contracts';
import type { Response } from 'express';
import { once } from 'node:events';
import { ApiRoute } from '../auth/api-route.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { ReportsService } from './reports.service';

const query = new ZodPipe(ReportQuerySchema);

@Controller()
export class ReportsController {
  private readonly log = new Logger('Reports');

  constructor(private readonly reports: ReportsService) {}

  @ApiRoute('get /reports')
  report(@Query(query) q: ReportQuery): Promise<Report> {
    return this.reports.report(q);
  }

  /** Streamed: each page of rows is written once the client has taken the previous one. */
  @ApiRoute('get /reports/threads.csv')
  async csv(@Query(query) q: ReportQuery, @Res() res: Response): Promise<void> {
    // Checked before anything is sent, so a bad range is still a problem document.
    const range = this.reports.range(q);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="parley-conversations-${range.from}-to-${range.to}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      await this.reports.csv(range, async (chunk) => {
        if (res.destroyed) return false;
        if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        return !res.destroyed;
      });
      res.end();
    } catch (err) {
      // The header is out: the only way left to say "incomplete" is to cut the response.
      this.log.error(`CSV export failed: ${String(err)}`);
      res.destroy();
    }
  }
}
