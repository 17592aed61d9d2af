import type { Routes } from '@angular/router';
import { adminGuard, signedInGuard } from './core/session/session.guards';
import { authRoutes } from './features/auth/auth.routes';
import { inboxRoutes } from './features/inbox/inbox.routes';
import { ShellComponent } from './shell/shell.component';

export const appRoutes: Routes = [
  ...authRoutes,
  {
    path: '',
    component: ShellComponent,
    canActivate: [signedInGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'queue' },
      { path: 'queue', children: inboxRoutes('queue') },
      { path: 'mine', children: inboxRoutes('mine') },
      { path: 'all', canActivate: [adminGuard], children: inboxRoutes('all') },
      // Less used, so loaded on demand.
      { path: 'closed', loadChildren: () => import('./features/history/history.routes').then((m) => m.historyRoutes) },
      { path: 'replies', data: { scope: 'personal' }, loadComponent: () => import('./features/canned/canned-replies.page').then((m) => m.CannedRepliesPage) },
      { path: 'mentions', loadComponent: () => import('./features/mentions/mentions.page').then((m) => m.MentionsPage) },
      { path: 'account', loadComponent: () => import('./features/account/account.page').then((m) => m.AccountPage) },
      { path: 'admin', canActivate: [adminGuard], loadChildren: () => import('./features/admin/admin.routes').then((m) => m.adminRoutes) },
    ],
  },
  { path: '**', redirectTo: '' },
];
