import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentitySecretsStore } from './identity-secrets.store';
import { WidgetSettingsEntity } from './widget-settings.entity';
import { WidgetController } from './widget.controller';
import { WidgetService } from './widget.service';

@Module({
  imports: [TypeOrmModule.forFeature([WidgetSettingsEntity])],
  controllers: [WidgetController],
  providers: [WidgetService, IdentitySecretsStore],
  exports: [WidgetService, IdentitySecretsStore],
})
export class WidgetModule {}
