import { Body, Controller, Param, Query, Res } from '@nestjs/common';
import {
  AssignThreadRequestSchema,
  EmptyBodySchema,
  IdParamsSchema,
  type ListMessagesQuery,
  ListMessagesQuerySchema,
  type ListThreadsQuery,
  ListThreadsQuerySchema,
  type Message,
  type MessagePage,
  type PostMessageRequest,
  PostMessageRequestSchema,
  type RateThreadRequest,
  RateThreadRequestSchema,
  type Thread,
  type ThreadPage,
  ThreadTagParamsSchema,
  type StartThreadRequest,
  StartThreadRequestSchema,
  type TransferThreadRequest,
  TransferThreadRequestSchema,
} from '@parley/contracts';
import type { Response } from 'express';
import { ApiRoute } from '../auth/api-route.decorator';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { AgentPrincipal, Principal, VisitorPrincipal } from '../auth/principal';
import { ZodPipe } from '../common/zod.pipe';
import { NotesService } from '../notes/notes.service';
import { RatingsService } from './ratings.service';
import { ThreadsService } from './threads.service';

const idParams = new ZodPipe(IdParamsSchema);
const emptyBody = new ZodPipe(EmptyBodySchema);
const threadTagParams = new ZodPipe(ThreadTagParamsSchema);

@Controller()
export class ThreadsController {
  constructor(
    private readonly threads: ThreadsService,
    private readonly ratings: RatingsService,
    private readonly notes: NotesService,
  ) {}

  @ApiRoute('post /threads')
  async start(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(StartThreadRequestSchema)) body: StartThreadRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Thread> {
    const { thread, created } = await this.threads.start(principal as VisitorPrincipal, body.team);
    if (!created) res.status(200);
    return thread;
  }

  @ApiRoute('get /threads')
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(ListThreadsQuerySchema)) query: ListThreadsQuery,
  ): Promise<ThreadPage> {
    return this.threads.list(principal, query);
  }

  @ApiRoute('get /threads/{id}')
  get(@CurrentPrincipal() principal: Principal, @Param(idParams) { id }: { id: string }): Promise<Thread> {
    return this.threads.get(principal, id);
  }

  @ApiRoute('get /threads/{id}/messages')
  messages(
    @CurrentPrincipal() principal: Principal,
    @Param(idParams) { id }: { id: string },
    @Query(new ZodPipe(ListMessagesQuerySchema)) query: ListMessagesQuery,
  ): Promise<MessagePage> {
    return this.threads.messages(principal, id, query.afterSeq, query.limit);
  }

  @ApiRoute('post /threads/{id}/messages')
  async post(
    @CurrentPrincipal() principal: Principal,
    @Param(idParams) { id }: { id: string },
    @Body(new ZodPipe(PostMessageRequestSchema)) body: PostMessageRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Message> {
    const { message, duplicate } = await this.threads.postMessage(principal, id, body);
    if (duplicate) res.status(200);
    return message;
  }

  @ApiRoute('post /threads/{id}/claim')
  claim(
    @CurrentPrincipal() principal: Principal,
    @Param(idParams) { id }: { id: string },
    @Body(emptyBody) _body: object,
  ): Promise<Thread> {
    return this.threads.claim(principal as AgentPrincipal, id);
  }

  @ApiRoute('post /threads/{id}/assign')
  assign(
    @CurrentPrincipal() principal: Principal,
    @Param(idParams) { id }: { id: string },
    @Body(new ZodPipe(AssignThreadRequestSchema)) body: { agentId: string; force?: boolean },
  ): Promise<Thread> {
    return this.threads.assign(principal, id, body.agentId, body.force);
  }

  @ApiRoute('post /threads/{id}/transfer')
  async transfer(
    @CurrentPrincipal() principal: Principal,
    @Param(idParams) { id }: { id: string },
    @Body(new ZodPipe(TransferThreadRequestSchema)) body: TransferThreadRequest,
  ): Promise<Thread> {
    const thread = await this.threads.transfer(principal, id, { agentId: body.agentId, teamId: body.teamId, force: body.force });
    // The note is for agents only: a private note on the thread (its own stream), never where the visitor reads.
    const note = body.note?.trim();
    if (note && principal.kind !== 'visitor') {
      await this.notes.add(id, { type: principal.kind === 'agent' ? 'agent' : 'bot', id: principal.id, name: principal.name }, note);
    }
    return thread;
  }

  @ApiRoute('put /threads/{id}/tags/{tagId}')
  tag(@CurrentPrincipal() principal: Principal, @Param(threadTagParams) p: { id: string; tagId: string }): Promise<Thread> {
    return this.threads.setTag(principal, p.id, p.tagId, true);
  }

  @ApiRoute('delete /threads/{id}/tags/{tagId}')
  untag(@CurrentPrincipal() principal: Principal, @Param(threadTagParams) p: { id: string; tagId: string }): Promise<Thread> {
    return this.threads.setTag(principal, p.id, p.tagId, false);
  }

  @ApiRoute('post /threads/{id}/close')
  close(
    @CurrentPrincipal() principal: Principal,
    @Param(idParams) { id }: { id: string },
    @Body(emptyBody) _body: object,
  ): Promise<Thread> {
    return this.threads.close(principal, id);
  }

  @ApiRoute('post /threads/{id}/rating')
  async rate(
    @CurrentPrincipal() principal: Principal,
    @Param(idParams) { id }: { id: string },
    @Body(new ZodPipe(RateThreadRequestSchema)) body: RateThreadRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Thread> {
    const { thread, created } = await this.ratings.rate(principal as VisitorPrincipal, id, body);
    if (!created) res.status(200);
    return thread;
  }
}
