import type { Routes } from '@angular/router';
import { AgentsPage } from './agents/agents.page';
import { AuditPage } from './audit/audit.page';
import { ApiKeysPage } from './api-keys/api-keys.page';
import { CannedRepliesPage } from '../canned/canned-replies.page';
import { PrivacyPage } from './privacy/privacy.page';
import { EmailPage } from './email/email.page';
import { TagsPage } from './tags/tags.page';
import { TeamsPage } from './teams/teams.page';
import { WebhooksPage } from './webhooks/webhooks.page';
import { WidgetSettingsPage } from './widget-settings/widget-settings.page';

export const adminRoutes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'agents' },
  { path: 'agents', component: AgentsPage },
  { path: 'api-keys', component: ApiKeysPage },
  { path: 'replies', component: CannedRepliesPage, data: { scope: 'shared' } },
  { path: 'tags', component: TagsPage },
  { path: 'teams', component: TeamsPage },
  { path: 'webhooks', component: WebhooksPage },
  // Its own chunk (with chart.js loaded by the page on first draw): the admin pages do not carry it.
  { path: 'reports', title: 'Reports', loadComponent: () => import('./reports/reports.page') },
  { path: 'widget', component: WidgetSettingsPage },
  { path: 'widget/availability', title: 'Availability', loadComponent: () => import('./widget-settings/availability.page').then((m) => m.AvailabilityPage) },
  { path: 'email', component: EmailPage },
  { path: 'audit', component: AuditPage },
  { path: 'privacy', title: 'Privacy requests', component: PrivacyPage },
];
