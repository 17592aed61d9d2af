import { Controller, Query } from '@nestjs/common';
import { type AuditEventPage, type ListAuditEventsQuery, ListAuditEventsQuerySchema } from '@parley/contracts';
import { ApiRoute } from '../auth/api-route.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { AuditService } from './audit.service';

@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @ApiRoute('get /audit-events')
  list(@Query(new ZodPipe(ListAuditEventsQuerySchema)) q: ListAuditEventsQuery): Promise<AuditEventPage> {
    return this.audit.list(q);
  }
}
