import { Controller, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ApiRoute } from '../auth/api-route.decorator';
import { within } from '../common/within';
import { RedisBus } from '../gateway/redis.bus';
import { GracefulShutdown } from './graceful-shutdown';

const TIMEOUT_MS = 2000;

type Check = 'up' | 'down';

@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly redis: RedisBus,
    private readonly shutdown: GracefulShutdown,
  ) {}

  @ApiRoute('get /health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready while the database answers and, when REDIS_URL is set, Redis does too (without it this
   * node cannot reach clients on other nodes). Each check is asked afresh with a short timeout, so a
   * node that is not ready keeps running and turns ready by itself when they come back. A draining
   * node is not ready either: load balancers should stop sending it anything.
   */
  @ApiRoute('get /health/ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const [database, redis] = await Promise.all([
      within(this.dataSource.query('SELECT 1'), TIMEOUT_MS, 'database').then(
        () => 'up' as const,
        () => 'down' as const,
      ),
      this.redis.health(),
    ]);
    const checks: Record<string, Check> = redis ? { database, redis } : { database };
    if (this.shutdown.isDraining) checks.accepting = 'down';
    const ok = Object.values(checks).every((c) => c === 'up');
    if (!ok) res.status(503);
    return { status: ok ? ('ok' as const) : ('unavailable' as const), checks };
  }
}
