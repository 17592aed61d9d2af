import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode, type Visitor, type VisitorSessionRequest, type VisitorSessionResponse } from '@parley/contracts';
import { IsNull, Repository } from 'typeorm';
import { TokensService } from '../auth/tokens.service';
import { AppError } from '../common/app-error';
import { IdentitySecretsStore } from '../widget/identity-secrets.store';
import { WidgetService } from '../widget/widget.service';
import { verifyIdentityToken } from './identity-token';
import { VisitorEntity } from './visitor.entity';
import { toVisitor } from './visitor.mapper';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(VisitorEntity) private readonly visitors: Repository<VisitorEntity>,
    private readonly tokens: TokensService,
    private readonly widget: WidgetService,
    private readonly secrets: IdentitySecretsStore,
  ) {}

  /**
   * The pre-chat form. Each submission is a new visitor: an email typed into a public form proves
   * nothing, so it never grants access to an earlier visitor's conversations. Continuity comes
   * from the token the widget keeps.
   */
  async createSession(body: VisitorSessionRequest): Promise<VisitorSessionResponse> {
    if (await this.widget.identityRequired()) {
      throw new AppError(ErrorCode.IdentityRequired, 'This site lets only visitors it has identified chat: no anonymous sessions');
    }
    const visitor = await this.visitors.save(this.visitors.create({ name: body.name, email: body.email }));
    return { ...this.tokens.sign('visitor', visitor.id), visitor: toVisitor(visitor) };
  }

  /**
   * An identity token signed by the site's backend, for a session of the visitor it names: the
   * visitor of that `sub`, created on first sight, so the same user is the same visitor (with the
   * same conversations) on every device. A name or email in the token replaces the stored one, and
   * the email is marked verified: it came from the site, not from a form.
   */
  async identify(token: string): Promise<VisitorSessionResponse> {
    const keys = await this.secrets.keys();
    if (keys.length === 0) throw new AppError(ErrorCode.IdentityNotConfigured, 'Identity verification is not set up: an admin has to generate an identity secret');
    const claims = await verifyIdentityToken(token, keys);
    const rows = (await this.visitors.query(
      `INSERT INTO visitors (name, email, external_id, email_verified) VALUES ($1, $2, $3, $4)
       ON CONFLICT (external_id) WHERE external_id IS NOT NULL DO UPDATE SET
         name = CASE WHEN $5 THEN EXCLUDED.name ELSE visitors.name END,
         email = CASE WHEN $4 THEN EXCLUDED.email ELSE visitors.email END,
         email_verified = visitors.email_verified OR $4,
         last_seen_at = now()
       RETURNING id`,
      [claims.name ?? claims.email ?? 'Visitor', claims.email ?? '', claims.sub, claims.email !== undefined, claims.name !== undefined],
    )) as { id: string }[];
    const visitor = await this.visitors.findOneByOrFail({ id: rows[0].id });
    return { ...this.tokens.sign('visitor', visitor.id), visitor: toVisitor(visitor) };
  }

  async get(id: string): Promise<Visitor> {
    const visitor = await this.visitors.findOneBy({ id });
    if (!visitor) throw new AppError(ErrorCode.NotFound, 'No such visitor');
    return toVisitor(visitor);
  }

  /** Who a visitor token speaks for (nobody once the visitor is erased). Read on every request, so only what a principal needs. */
  async findIdentity(id: string): Promise<Pick<Visitor, 'id' | 'name'> | null> {
    return this.visitors.findOne({ where: { id, erasedAt: IsNull() }, select: { id: true, name: true } });
  }

  /** The visitor was here just now (its socket connected or went away). */
  async touch(id: string): Promise<void> {
    await this.visitors.update({ id }, { lastSeenAt: new Date() });
  }
}
