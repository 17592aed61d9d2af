import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode } from '@parley/contracts';
import { IsNull, Repository } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { AppError } from '../common/app-error';
import { ApiKeysService } from '../integrations/api-keys.service';
import { VisitorEntity } from '../users/visitor.entity';
import type { Principal } from './principal';
import { TokensService } from './tokens.service';

/** Turns a bearer credential (agent JWT, visitor JWT or API key) into a Principal, for HTTP and sockets alike. */
@Injectable()
export class AuthService {
  constructor(
    private readonly tokens: TokensService,
    private readonly apiKeys: ApiKeysService,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectRepository(VisitorEntity) private readonly visitors: Repository<VisitorEntity>,
  ) {}

  async authenticate(credential: string | undefined): Promise<Principal> {
    if (!credential) throw new AppError(ErrorCode.Unauthenticated, 'Missing credentials');
    if (ApiKeysService.looksLikeKey(credential)) {
      const key = await this.apiKeys.verify(credential);
      return { kind: 'apiKey', id: key.id, name: key.name };
    }
    const claims = this.tokens.verify(credential);
    if (claims.typ === 'agent') {
      const agent = await this.agents.findOne({
        where: { id: claims.sub, deactivatedAt: IsNull() },
        select: { id: true, name: true, role: true },
      });
      if (!agent) throw new AppError(ErrorCode.Unauthenticated, 'Unknown or deactivated agent');
      return { kind: 'agent', id: agent.id, name: agent.name, role: agent.role };
    }
    const visitor = await this.visitors.findOne({ where: { id: claims.sub }, select: { id: true, name: true } });
    if (!visitor) throw new AppError(ErrorCode.Unauthenticated, 'Unknown visitor');
    return { kind: 'visitor', id: visitor.id, name: visitor.name };
  }
}
