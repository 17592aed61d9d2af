import { Module } from '@nestjs/common';
import { GatewayModule } from '../gateway/gateway.module';
import { GracefulShutdown } from './graceful-shutdown';
import { HealthController } from './health.controller';

@Module({
  imports: [GatewayModule],
  controllers: [HealthController],
  providers: [GracefulShutdown],
  exports: [GracefulShutdown],
})
export class HealthModule {}
