import type { Routes } from '@angular/router';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { HistoryThreadPage } from './history-thread.page';
import { HistoryPage } from './history.page';

export const historyRoutes: Routes = [
  {
    path: '',
    component: HistoryPage,
    children: [
      { path: '', component: EmptyStateComponent },
      { path: ':threadId', component: HistoryThreadPage },
    ],
  },
];
