import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode, type Visitor, type VisitorSessionRequest, type VisitorSessionResponse } from '@parley/contracts';
import { Repository } from 'typeorm';
import { TokensService } from '../auth/tokens.service';
import { AppError } from '../common/app-error';
import { VisitorEntity } from './visitor.entity';
import { toVisitor } from './visitor.mapper';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(VisitorEntity) private readonly visitors: Repository<VisitorEntity>,
    private readonly tokens: TokensService,
  ) {}

  /**
   * The pre-chat form. Each submission is a new visitor: an email typed into a public form proves
   * nothing, so it never grants access to an earlier visitor's conversations. Continuity comes
   * from the token the widget keeps.
   */
  async createSession(body: VisitorSessionRequest): Promise<VisitorSessionResponse> {
    const visitor = await this.visitors.save(this.visitors.create({ name: body.name, email: body.email }));
    return { ...this.tokens.sign('visitor', visitor.id), visitor: toVisitor(visitor) };
  }

  async get(id: string): Promise<Visitor> {
    const visitor = await this.visitors.findOneBy({ id });
    if (!visitor) throw new AppError(ErrorCode.NotFound, 'No such visitor');
    return toVisitor(visitor);
  }

  /** Who a visitor token speaks for. Read on every request, so only what a principal needs. */
  async findIdentity(id: string): Promise<Pick<Visitor, 'id' | 'name'> | null> {
    return this.visitors.findOne({ where: { id }, select: { id: true, name: true } });
  }

  /** The visitor was here just now (its socket connected or went away). */
  async touch(id: string): Promise<void> {
    await this.visitors.update({ id }, { lastSeenAt: new Date() });
  }
}
