import { Body, Controller, Param } from '@nestjs/common';
import { type CreateTagRequest, CreateTagRequestSchema, IdParamsSchema, type Tag, type UpdateTagRequest, UpdateTagRequestSchema } from '@parley/contracts';
import { ApiRoute } from '../auth/api-route.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { TagsService } from './tags.service';

const idParams = new ZodPipe(IdParamsSchema);

@Controller()
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @ApiRoute('get /tags')
  list(): Promise<Tag[]> {
    return this.tags.list();
  }

  @ApiRoute('post /tags')
  create(@Body(new ZodPipe(CreateTagRequestSchema)) body: CreateTagRequest): Promise<Tag> {
    return this.tags.create(body);
  }

  @ApiRoute('patch /tags/{id}')
  update(@Param(idParams) { id }: { id: string }, @Body(new ZodPipe(UpdateTagRequestSchema)) body: UpdateTagRequest): Promise<Tag> {
    return this.tags.update(id, body);
  }

  @ApiRoute('delete /tags/{id}')
  async remove(@Param(idParams) { id }: { id: string }): Promise<void> {
    await this.tags.remove(id);
  }
}
