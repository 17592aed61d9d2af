import type { Routes } from '@angular/router';
import { ThreadPage } from '../thread/thread.page';
import { InboxPage } from './inbox.page';
import { InboxStartComponent } from './install-checklist.component';
import type { ListKind } from './thread-list.component';

/** `/queue` and `/mine`: the same page over a different list; `:threadId` opens a thread beside it. */
export function inboxRoutes(list: ListKind): Routes {
  return [
    {
      path: '',
      component: InboxPage,
      data: { list },
      children: [
        { path: '', component: InboxStartComponent },
        { path: ':threadId', component: ThreadPage },
      ],
    },
  ];
}
