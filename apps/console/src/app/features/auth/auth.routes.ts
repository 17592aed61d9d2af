import type { Routes } from '@angular/router';
import { loginGuard, setupGuard } from '../../core/session/session.guards';

/**
 * Sign-in and first run, loaded on demand: they validate with the contracts' zod schemas, and a
 * signed-in agent reloading the console should not download zod for a form it does not see.
 */
export const authRoutes: Routes = [
  { path: 'setup', canActivate: [setupGuard], loadComponent: () => import('./setup.page').then((m) => m.SetupPage) },
  { path: 'login', canActivate: [loginGuard], loadComponent: () => import('./login.page').then((m) => m.LoginPage) },
];
