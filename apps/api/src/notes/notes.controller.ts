import { Body, Controller, Param, Query, Res } from '@nestjs/common';
import {
  EmptyBodySchema,
  IdParamsSchema,
  type ListMentionsQuery,
  ListMentionsQuerySchema,
  type ListNotesQuery,
  ListNotesQuerySchema,
  type Mention,
  type Note,
  type NotePage,
  type PostNoteRequest,
  PostNoteRequestSchema,
} from '@parley/contracts';
import type { Response } from 'express';
import { ApiRoute } from '../auth/api-route.decorator';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { AgentPrincipal, Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod.pipe';
import { NotesService } from './notes.service';

const idParams = new ZodPipe(IdParamsSchema);

@Controller()
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @ApiRoute('get /threads/{id}/notes')
  list(
    @CurrentPrincipal() principal: Principal,
    @Param(idParams) { id }: { id: string },
    @Query(new ZodPipe(ListNotesQuerySchema)) query: ListNotesQuery,
  ): Promise<NotePage> {
    return this.notes.list(principal, id, query.afterNoteSeq, query.limit);
  }

  @ApiRoute('post /threads/{id}/notes')
  async post(
    @CurrentPrincipal() principal: Principal,
    @Param(idParams) { id }: { id: string },
    @Body(new ZodPipe(PostNoteRequestSchema)) body: PostNoteRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Note> {
    const { note, duplicate } = await this.notes.post(principal, id, body);
    if (duplicate) res.status(200);
    return note;
  }

  @ApiRoute('get /mentions')
  mentions(@CurrentPrincipal() principal: Principal, @Query(new ZodPipe(ListMentionsQuerySchema)) query: ListMentionsQuery): Promise<Mention[]> {
    return this.notes.mentions((principal as AgentPrincipal).id, query.limit);
  }

  @ApiRoute('post /mentions/{id}/read')
  read(@CurrentPrincipal() principal: Principal, @Param(idParams) { id }: { id: string }, @Body(new ZodPipe(EmptyBodySchema)) _body: object): Promise<Mention> {
    return this.notes.markRead((principal as AgentPrincipal).id, id);
  }
}
