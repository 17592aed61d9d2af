import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { AUDIT_ACTIONS, type AuditAction, type AuditEvent } from '@parley/contracts';
import { formatDateTime } from '../../../core/time/clock';
import { IconComponent } from '../../../shared/icon.component';
import { type AuditFilter, AuditStore, NO_FILTER } from './audit.store';
import { RetentionCardComponent } from './retention-card.component';

/** What each action is called on the page. */
export const ACTION_LABELS: Record<AuditAction, string> = {
  'setup.completed': 'First admin created',
  'agent.created': 'Agent created',
  'agent.updated': 'Agent changed',
  'agent.password_reset': 'Password reset by an admin',
  'agent.password_changed': 'Password changed',
  'agent.signed_out_everywhere': 'Signed out everywhere',
  'login.locked': 'Login locked after failed attempts',
  'widget_settings.updated': 'Widget settings changed',
  'identity_secret.created': 'Identity secret created',
  'identity_secret.deleted': 'Identity secret revoked',
  'api_key.created': 'API key created',
  'api_key.revoked': 'API key revoked',
  'api_key.rotated': 'API key rotated',
  'webhook.created': 'Webhook added',
  'webhook.updated': 'Webhook changed',
  'webhook.deleted': 'Webhook deleted',
  'webhook.secret_rotated': 'Webhook secret rotated',
  'webhook.disabled': 'Webhook turned off by Parley',
  'retention.updated': 'Data retention changed',
  'retention.ran': 'Old conversations deleted',
  'privacy.exported': "A visitor's data exported",
  'privacy.erased': 'A visitor erased',
  'availability.updated': 'Opening hours changed',
  'team.created': 'Team created',
  'team.updated': 'Team changed',
  'team.deleted': 'Team deleted',
  'team.member_added': 'Agent added to a team',
  'team.member_removed': 'Agent taken out of a team',
  'routing_settings.updated': 'Routing settings changed',
  'email_settings.updated': 'Email settings changed',
};

/** The details of an entry as one line of text: `role: admin · active: false`. */
export function describeDetails(details: Record<string, unknown>): string {
  const source = (details['changes'] as Record<string, unknown> | undefined) ?? details;
  return Object.entries(source)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

@Component({
  selector: 'app-audit-page',
  imports: [IconComponent, RetentionCardComponent],
  providers: [AuditStore],
  templateUrl: './audit.page.html',
  styles: `
    .filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; margin-bottom: 12px; }
    .filters .field { min-width: 160px; }
    .details { max-width: 360px; overflow-wrap: anywhere; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditPage {
  protected readonly store = inject(AuditStore);
  protected readonly actions = AUDIT_ACTIONS;
  protected readonly labels = ACTION_LABELS;
  protected readonly filter = signal<AuditFilter>(NO_FILTER);
  protected readonly dateTime = formatDateTime;
  protected readonly details = describeDetails;

  constructor() {
    void this.store.loadAgents();
    void this.store.load(NO_FILTER);
  }

  protected set<K extends keyof AuditFilter>(key: K, value: AuditFilter[K]): void {
    this.filter.update((f) => ({ ...f, [key]: value }));
    void this.store.load(this.filter());
  }

  protected clear(): void {
    this.filter.set(NO_FILTER);
    void this.store.load(NO_FILTER);
  }

  protected who(e: AuditEvent): string {
    switch (e.actor.type) {
      case 'agent':
        return e.actor.name ?? 'An agent';
      case 'apiKey':
        return `API key “${e.actor.name ?? '?'}”`;
      case 'system':
        return 'Parley';
      case 'anonymous':
        return 'Not signed in';
    }
  }

  protected target(e: AuditEvent): string {
    if (!e.target) return '';
    const name = e.target.type.replace('_', ' ');
    if (e.target.type === 'agent' && e.target.id) {
      const agent = this.store.agents().find((a) => a.id === e.target?.id);
      if (agent) return `${agent.name} (${agent.email})`;
    }
    return e.target.id ? `${name} ${e.target.id.slice(0, 8)}` : name;
  }
}
