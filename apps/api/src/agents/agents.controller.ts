import { Body, Controller, Param, Req, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import {
  type Agent,
  type AuthResponse,
  type ChangePasswordRequest,
  ChangePasswordRequestSchema,
  CreateAgentRequestSchema,
  ErrorCode,
  type LoginRequest,
  LoginRequestSchema,
  type ResetPasswordRequest,
  ResetPasswordRequestSchema,
  type SetupRequest,
  SetupRequestSchema,
  type SetupStatus,
  IdParamsSchema,
  type UpdateAgentRequest,
  UpdateAgentRequestSchema,
  type UpdatePresenceRequest,
  UpdatePresenceRequestSchema,
} from '@parley/contracts';
import type { Request } from 'express';
import type { z } from 'zod';
import { ApiRoute } from '../auth/api-route.decorator';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { ZodPipe } from '../common/zod.pipe';
import { AgentsService } from './agents.service';
import type { LoginOrigin } from './login.throttle';

const originOf = (req: Request): LoginOrigin => ({ ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null });

@Controller()
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @ApiRoute('get /setup')
  async setupStatus(): Promise<SetupStatus> {
    return { needsSetup: await this.agents.needsSetup() };
  }

  @ApiRoute('post /setup')
  @UseGuards(ThrottlerGuard)
  setup(@Body(new ZodPipe(SetupRequestSchema)) body: SetupRequest): Promise<AuthResponse> {
    return this.agents.setup(body);
  }

  @ApiRoute('post /auth/login')
  @UseGuards(ThrottlerGuard)
  login(@Body(new ZodPipe(LoginRequestSchema)) body: LoginRequest, @Req() req: Request): Promise<AuthResponse> {
    return this.agents.login(body, originOf(req));
  }

  @ApiRoute('post /auth/logout')
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.agents.signOut(principal.id, sessionOf(principal));
  }

  @ApiRoute('post /auth/logout-everywhere')
  async logoutEverywhere(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.agents.signOut(principal.id);
  }

  @ApiRoute('post /auth/password')
  @UseGuards(ThrottlerGuard)
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(ChangePasswordRequestSchema)) body: ChangePasswordRequest,
    @Req() req: Request,
  ): Promise<void> {
    const session = sessionOf(principal);
    // Every agent token names its session (tokens.service); one that does not cannot keep "this session".
    if (!session) throw new AppError(ErrorCode.Unauthenticated, 'Sign in again to change the password');
    await this.agents.changePassword(principal.id, session, body, originOf(req));
  }

  @ApiRoute('get /agents/me')
  me(@CurrentPrincipal() principal: Principal): Promise<Agent> {
    return this.agents.get(principal.id);
  }

  @ApiRoute('get /agents')
  list(): Promise<Agent[]> {
    return this.agents.list();
  }

  @ApiRoute('post /agents')
  create(@Body(new ZodPipe(CreateAgentRequestSchema)) body: z.output<typeof CreateAgentRequestSchema>): Promise<Agent> {
    return this.agents.create(body);
  }

  @ApiRoute('patch /agents/me')
  presence(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(UpdatePresenceRequestSchema)) body: UpdatePresenceRequest,
  ): Promise<Agent> {
    return this.agents.setPresence(principal.id, body.status);
  }

  @ApiRoute('post /agents/{id}/password')
  async resetPassword(
    @Param(new ZodPipe(IdParamsSchema)) { id }: { id: string },
    @Body(new ZodPipe(ResetPasswordRequestSchema)) body: ResetPasswordRequest,
  ): Promise<void> {
    await this.agents.resetPassword(id, body.password);
  }

  @ApiRoute('patch /agents/{id}')
  update(
    @Param(new ZodPipe(IdParamsSchema)) { id }: { id: string },
    @Body(new ZodPipe(UpdateAgentRequestSchema)) body: UpdateAgentRequest,
  ): Promise<Agent> {
    return this.agents.update(id, body);
  }
}

/** The session an agent credential belongs to (the route admits agents only). */
function sessionOf(principal: Principal): string | undefined {
  return principal.kind === 'agent' ? principal.sessionId : undefined;
}
