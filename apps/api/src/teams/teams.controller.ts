import { Body, Controller, Param } from '@nestjs/common';
import {
  type CreateTeamRequest,
  CreateTeamRequestSchema,
  IdParamsSchema,
  type RoutingSettings,
  type Team,
  TeamMemberParamsSchema,
  type UpdateRoutingSettingsRequest,
  UpdateRoutingSettingsRequestSchema,
  type UpdateTeamRequest,
  UpdateTeamRequestSchema,
} from '@parley/contracts';
import { ApiRoute } from '../auth/api-route.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { TeamsService } from './teams.service';

const idParams = new ZodPipe(IdParamsSchema);
const memberParams = new ZodPipe(TeamMemberParamsSchema);

@Controller()
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @ApiRoute('get /teams')
  list(): Promise<Team[]> {
    return this.teams.list();
  }

  @ApiRoute('post /teams')
  create(@Body(new ZodPipe(CreateTeamRequestSchema)) body: CreateTeamRequest): Promise<Team> {
    return this.teams.create(body);
  }

  @ApiRoute('patch /teams/{id}')
  update(@Param(idParams) { id }: { id: string }, @Body(new ZodPipe(UpdateTeamRequestSchema)) body: UpdateTeamRequest): Promise<Team> {
    return this.teams.update(id, body);
  }

  @ApiRoute('delete /teams/{id}')
  async remove(@Param(idParams) { id }: { id: string }): Promise<void> {
    await this.teams.remove(id);
  }

  @ApiRoute('put /teams/{id}/members/{agentId}')
  addMember(@Param(memberParams) p: { id: string; agentId: string }): Promise<Team> {
    return this.teams.setMember(p.id, p.agentId, true);
  }

  @ApiRoute('delete /teams/{id}/members/{agentId}')
  removeMember(@Param(memberParams) p: { id: string; agentId: string }): Promise<Team> {
    return this.teams.setMember(p.id, p.agentId, false);
  }

  @ApiRoute('get /routing-settings')
  settings(): Promise<RoutingSettings> {
    return this.teams.settings();
  }

  @ApiRoute('put /routing-settings')
  updateSettings(@Body(new ZodPipe(UpdateRoutingSettingsRequestSchema)) body: UpdateRoutingSettingsRequest): Promise<RoutingSettings> {
    return this.teams.updateSettings(body);
  }
}
