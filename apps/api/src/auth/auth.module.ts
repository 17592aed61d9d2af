import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AgentsModule } from '../agents/agents.module';
import { AppConfig } from '../config/app-config';
import { IntegrationsModule } from '../integrations/integrations.module';
import { UsersModule } from '../users/users.module';
import { ApiKeyLimits } from './api-key.limits';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { TokensService } from './tokens.service';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ secret: config.jwtSecret, signOptions: { algorithm: 'HS256' } }),
    }),
    AgentsModule,
    UsersModule,
    IntegrationsModule,
  ],
  providers: [TokensService, AuthService, ApiKeyLimits, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokensService, AuthService],
})
export class AuthModule {}
