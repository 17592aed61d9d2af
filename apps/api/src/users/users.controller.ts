import { Body, Controller, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import {
  type IdentifyRequest,
  IdentifyRequestSchema,
  type Visitor,
  type VisitorSessionRequest,
  VisitorSessionRequestSchema,
  type VisitorSessionResponse,
} from '@parley/contracts';
import { ApiRoute } from '../auth/api-route.decorator';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod.pipe';
import { UsersService } from './users.service';

@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @ApiRoute('post /visitors/session')
  @UseGuards(ThrottlerGuard)
  createSession(@Body(new ZodPipe(VisitorSessionRequestSchema)) body: VisitorSessionRequest): Promise<VisitorSessionResponse> {
    return this.users.createSession(body);
  }

  @ApiRoute('post /visitors/identify')
  @UseGuards(ThrottlerGuard)
  identify(@Body(new ZodPipe(IdentifyRequestSchema)) body: IdentifyRequest): Promise<VisitorSessionResponse> {
    return this.users.identify(body.token);
  }

  @ApiRoute('get /visitors/me')
  me(@CurrentPrincipal() principal: Principal): Promise<Visitor> {
    return this.users.get(principal.id);
  }
}
