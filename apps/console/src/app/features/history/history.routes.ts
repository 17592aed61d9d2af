import type { Routes } from '@angular/router';
import { InboxEmptyComponent } from '../inbox/inbox-empty.component';
import { HistoryThreadPage } from './history-thread.page';
import { HistoryPage } from './history.page';

export const historyRoutes: Routes = [
  {
    path: '',
    component: HistoryPage,
    children: [
      { path: '', component: InboxEmptyComponent },
      { path: ':threadId', component: HistoryThreadPage },
    ],
  },
];
