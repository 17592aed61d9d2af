import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@parley/contracts';
import { AgentsService } from '../agents/agents.service';
import { AppError } from '../common/app-error';
import { ApiKeysService } from '../integrations/api-keys.service';
import { UsersService } from '../users/users.service';
import type { Principal } from './principal';
import { TokensService } from './tokens.service';

/** Turns a bearer credential (agent JWT, visitor JWT or API key) into a Principal, for HTTP and sockets alike. */
@Injectable()
export class AuthService {
  constructor(
    private readonly tokens: TokensService,
    private readonly apiKeys: ApiKeysService,
    private readonly agents: AgentsService,
    private readonly users: UsersService,
  ) {}

  /** `address`: the client's, recorded as where an API key was last used. */
  async authenticate(credential: string | undefined, address?: string): Promise<Principal> {
    if (!credential) throw new AppError(ErrorCode.Unauthenticated, 'Missing credentials');
    if (ApiKeysService.looksLikeKey(credential)) {
      const key = await this.apiKeys.verify(credential, address);
      return { kind: 'apiKey', id: key.id, name: key.name, scopes: key.scopes };
    }
    const claims = this.tokens.verify(credential);
    if (claims.typ === 'agent') {
      const agent = claims.sid ? await this.agents.findIdentity(claims.sub, claims.sid) : null;
      if (!agent) {
        // Only a token this server signed for that agent learns why: nobody else can tell a
        // deactivated account from any other.
        if (claims.sid && (await this.agents.deactivatedSince(claims.sub, claims.sid))) {
          throw new AppError(ErrorCode.AccountDeactivated, 'This account has been deactivated');
        }
        throw new AppError(ErrorCode.Unauthenticated, 'This session has ended; sign in again');
      }
      return { kind: 'agent', id: agent.id, name: agent.name, role: agent.role, sessionId: claims.sid };
    }
    const visitor = await this.users.findIdentity(claims.sub);
    if (!visitor) throw new AppError(ErrorCode.Unauthenticated, 'Unknown visitor');
    return { kind: 'visitor', id: visitor.id, name: visitor.name };
  }
}
